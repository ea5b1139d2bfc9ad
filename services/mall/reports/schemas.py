"""The reconciliation answer (JSON); CSV and XLSX carry its item rows and totals."""

from __future__ import annotations

import uuid
from datetime import date

from pydantic import BaseModel, ConfigDict, Field


class Tally(BaseModel):
    count: int
    points: int


class MoveTally(BaseModel):
    count: int
    quantity: int = Field(description="变动数量之和（出库为负）")


class ItemLine(BaseModel):
    item_id: uuid.UUID
    item_name: str
    price: int
    orders_placed: int = Field(description="期间内下单笔数（任何状态）")
    fulfilled_quantity: int = Field(description="期间内取货完成的件数")
    points_settled: int = Field(description="期间内取货完成订单的积分")
    restocked: int
    adjusted: int
    ordered_out: int = Field(description="期间内下单占用的库存（正数）")
    returned: int = Field(description="期间内失败、取消、过期退回的库存")
    stock_now: int


class Reconciliation(BaseModel):
    model_config = ConfigDict(populate_by_name=True)

    counter_id: uuid.UUID
    from_: date = Field(alias="from")
    to: date
    orders: dict[str, Tally] = Field(description="期间内下单的订单，按当前状态")
    points_settled: int = Field(description="期间内取货完成（fulfilled）订单的积分合计")
    stock_moves: dict[str, MoveTally] = Field(description="期间内库存变动，按原因")
    open_holds: Tally = Field(description="此刻待积分确认或待取货的订单（积分冻结中）")
    items: list[ItemLine]
    totals: dict[str, int] = Field(description="各商品行数字列的合计")
