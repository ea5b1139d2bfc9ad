"""Every table of the mall database, imported once so the metadata is complete."""

from services.mall.base import Base
from services.mall.catalog.models import Counter, Item, Stock, StockMove
from services.mall.directory.models import Resident, Unit
from services.mall.orders.models import MemberCodeUse, Order

__all__ = [
    "Base",
    "Counter",
    "Item",
    "MemberCodeUse",
    "Order",
    "Resident",
    "Stock",
    "StockMove",
    "Unit",
]
