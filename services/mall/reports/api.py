"""Reports: GET /api/mall/reports/reconciliation (JSON, CSV or XLSX)."""

from __future__ import annotations

import uuid
from datetime import date
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Response

from kit.content_types import XLSX
from services.mall.deps import MallOperator, Now, Session
from services.mall.reports import export, rules, service
from services.mall.reports.schemas import Reconciliation

router = APIRouter(tags=["reports"])
FILE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {"text/csv": {}, XLSX: {}}, "description": "format=csv 或 xlsx 时为文件"},
}


@router.get("/reports/reconciliation", response_model=Reconciliation, responses=FILE_RESPONSES)
async def reconciliation(
    scope: MallOperator,
    session: Session,
    now: Now,
    counter_id: uuid.UUID,
    from_: Annotated[date | None, Query(alias="from", description="北京时间日期，含")] = None,
    to: Annotated[date | None, Query(description="北京时间日期，含；至多 366 天")] = None,
    format: Literal["json", "csv", "xlsx"] = "json",
) -> Reconciliation | Response:
    """A counter's orders by status, points settled, stock moves by reason, holds still open
    and one row per item, over Beijing calendar days `from`..`to` (default: this month)."""
    counter = await service.covered_counter(session, scope, counter_id)
    period = rules.period(from_, to, now=now)
    report = await service.reconcile(session, counter=counter, period=period)
    if format == "json":
        return report
    name = f"reconciliation-{counter.id}-{period.first}-{period.last}.{format}"
    headers = {"Content-Disposition": f'attachment; filename="{name}"'}
    if format == "csv":
        body = export.to_csv(report, counter.name)
        return Response(body, media_type="text/csv; charset=utf-8", headers=headers)
    return Response(export.to_xlsx(report, counter.name), media_type=XLSX, headers=headers)
