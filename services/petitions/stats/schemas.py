"""The cadre dashboard's answers: figures per community side by side, and their totals."""

from __future__ import annotations

import uuid
from datetime import datetime

from pydantic import BaseModel, ConfigDict, Field


class CategoryCount(BaseModel):
    category_id: uuid.UUID | None = Field(
        description="分类 ID；合计中按分类名称汇总，为 null", default=None
    )
    name: str
    count: int


class Figures(BaseModel):
    total: int = Field(description="区间内提交的诉求数")
    by_status: dict[str, int] = Field(description="各状态的诉求数（含 0）")
    by_category: list[CategoryCount]
    overdue_now: int = Field(description="当前逾期未受理或未办结的诉求数（不限提交日期）")
    median_hours_to_accept: float | None = Field(description="提交到受理的中位小时数")
    median_hours_to_resolve: float | None = Field(description="提交到办结的中位小时数")
    ratings: int = Field(description="已评价的诉求数")
    satisfaction: float | None = Field(description="满意率：4-5 星评价的占比")
    average_rating: float | None
    reopen_rate: float | None = Field(description="办结过的诉求中被重新打开的占比")


class CommunityFigures(Figures):
    community_id: uuid.UUID


class Dashboard(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    unit_id: uuid.UUID
    from_: datetime = Field(alias="from")
    to: datetime
    communities: list[CommunityFigures]
    totals: Figures


class OverdueCount(BaseModel):
    not_accepted: int = Field(description="逾期未受理")
    not_resolved: int = Field(description="逾期未办结")
    overdue_now: int


class CommunityOverdue(OverdueCount):
    community_id: uuid.UUID


class OverdueBoard(BaseModel):
    unit_id: uuid.UUID
    communities: list[CommunityOverdue]
    totals: OverdueCount
