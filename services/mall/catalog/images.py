"""An item's picture: checked by its bytes, stored through kit.storage, served by the mall."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from kit.auth import Principal
from kit.content_types import IMAGES, check_image, require_type
from kit.errors import NotFound
from kit.storage import Storage, StoredObjectMissing, new_key, stored_for_commit
from kit.uploads import MIB, MULTIPART_SLACK
from services.mall.catalog import access
from services.mall.catalog.models import Item

MAX_BYTES = 5 * MIB
MAX_BODY_BYTES = MAX_BYTES + MULTIPART_SLACK
TOO_LARGE = "图片不能超过 5 MB"
WRONG_TYPE = "仅支持 JPEG、PNG 或 WebP 格式的图片"
NO_IMAGE = "商品图片不存在"


async def replace(
    *, session: AsyncSession, storage: Storage, item: Item, data: bytes, now: datetime
) -> None:
    """Store the new picture, then commit the item pointing at it; the old file goes only
    after the commit, the new one if the commit fails."""
    mime = require_type(data, IMAGES, field="file", detail=WRONG_TYPE)
    check_image(data, mime, field="file")
    old, key = item.image_key, new_key("mall-items", now=now)
    async with stored_for_commit(storage, key, data):
        item.image_key, item.image_type, item.updated_at = key, mime, now
        await session.commit()
    if old is not None:
        await storage.delete(old)


def readable(principal: Principal | None, item: Item | None) -> Item:
    """Pictures of items on the shelf are public (a poster may show them); covering staff
    also see those of items off the shelf. 404 for anything else."""
    if item is None or item.image_key is None:
        raise NotFound(NO_IMAGE)
    if item.on_shelf or (principal is not None and access.covers(principal, item.community_path)):
        return item
    raise NotFound(NO_IMAGE)


async def content(storage: Storage, item: Item) -> bytes:
    assert item.image_key is not None
    try:
        return await storage.get(item.image_key)
    except StoredObjectMissing:
        raise NotFound(NO_IMAGE) from None
