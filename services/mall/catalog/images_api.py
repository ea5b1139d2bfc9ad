"""An item's picture: PUT /api/mall/items/{item_id}/image (staff), GET it (public if on shelf)."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Response, UploadFile

from kit.content_types import EXTENSIONS, IMAGES
from kit.deps import OptionalPrincipal
from kit.storage import StorageDep
from kit.uploads import limited_body, read_at_most
from services.mall.catalog import images, items
from services.mall.catalog.models import Item
from services.mall.catalog.schemas import ItemOut
from services.mall.deps import MallManager, Now, Session

router = APIRouter(
    tags=["catalog"],
    route_class=limited_body(images.MAX_BODY_BYTES, field="file", detail=images.TOO_LARGE),
)
IMAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {mime: {} for mime in sorted(IMAGES)}, "description": "图片本身"},
}


@router.put("/items/{item_id}/image", form_limits={"max_files": 1, "max_fields": 2})
async def put_image(
    item_id: uuid.UUID,
    file: Annotated[UploadFile, File(description="JPEG、PNG 或 WebP 图片，不超过 5 MB")],
    scope: MallManager,
    session: Session,
    storage: StorageDep,
    now: Now,
) -> ItemOut:
    """Set or replace the item's picture; its type is read from the bytes, not the name."""
    item = await items.managed(session=session, scope=scope, item_id=item_id, lock=True)
    data = await read_at_most(file, images.MAX_BYTES, field="file", detail=images.TOO_LARGE)
    await images.replace(session=session, storage=storage, item=item, data=data, now=now)
    await session.refresh(item)  # committed: read the item back for the answer
    return await items.item_out(session, item, staff=True)


@router.get("/items/{item_id}/image", response_class=Response, responses=IMAGE_RESPONSES)
async def get_image(
    item_id: uuid.UUID, principal: OptionalPrincipal, session: Session, storage: StorageDep
) -> Response:
    """The picture: anyone may load an on-shelf item's; covering staff also an off-shelf one's."""
    item = images.readable(principal, await session.get(Item, item_id))
    data = await images.content(storage, item)
    return Response(data, media_type=item.image_type, headers=_headers(item))


def _headers(item: Item) -> dict[str, str]:
    name = f"{item.id}.{EXTENSIONS.get(item.image_type or '', 'bin')}"
    return {
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'inline; filename="{name}"',
        # The URL stays the same when the picture is replaced: revalidate by its key.
        "Cache-Control": "no-cache",
        "ETag": f'"{(item.image_key or "").rsplit("/", 1)[-1]}"',
    }
