"""Pure rules of evidence photos: limits, their URLs, and who may see one (unit-tested).

A photo is uploaded before the claim exists, then cited in the claim's `evidence` by its
URL. Who may read it follows the claims that cite it: the uploader always; staff of a citing
claim's community; anyone while a citing claim is under public notice (the publicity board
is public).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass

from kit.content_types import IMAGES
from kit.uploads import MIB, MULTIPART_SLACK

MAX_BYTES = 5 * MIB
MAX_BODY_BYTES = MAX_BYTES + MULTIPART_SLACK
ALLOWED_TYPES = IMAGES
# Photos one resident may upload in a (Beijing) day: a few claims' worth of the picker's 9.
MAX_PER_DAY = 30
PREFIX = "/api/points/evidence/"
URL = re.compile(
    r"^/api/points/evidence/([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})$"
)

TOO_LARGE = "图片不能超过 5 MB"
WRONG_TYPE = "仅支持 JPEG、PNG 或 WebP 格式的图片"
TOO_MANY = f"每天最多上传 {MAX_PER_DAY} 张证明图片"
NOT_FOUND = "图片不存在或无权查看"
NOT_YOURS = "证明图片不存在或不是您上传的"


def url_of(evidence_id: uuid.UUID) -> str:
    return f"{PREFIX}{evidence_id}"


def id_of(url: str) -> uuid.UUID | None:
    """The evidence id a URL of ours names; None for any other URL (an external link)."""
    found = URL.match(url)
    return uuid.UUID(found.group(1)) if found else None


@dataclass(frozen=True)
class Citation:
    """A claim citing the photo, as the read check needs it."""

    status: str
    # The reader is staff of the claim's community (they review its claims).
    reader_is_staff: bool


def readable(
    *, reader: uuid.UUID | None, uploader: uuid.UUID, citations: Iterable[Citation]
) -> bool:
    if reader is not None and reader == uploader:
        return True
    return any(c.reader_is_staff or c.status == "publicity" for c in citations)


def upload_refusal(uploaded_today: int) -> str | None:
    """Why one more photo may not be uploaded today, or None when it may."""
    if uploaded_today >= MAX_PER_DAY:
        return TOO_MANY
    return None
