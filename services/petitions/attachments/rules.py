"""Limits on a petition's images and who sees which of them (pure, unit-tested).

The author adds up to 9 images to what they raised (the count WeChat's picker allows).
Staff add photos for progress updates and replies: each staff member may hold up to 9 photos
not yet shown in an entry (one update's worth, like the picker), and a petition takes at
most 90 staff photos in all, so a long case can be documented without letting one petition
fill the disk.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from kit.content_types import IMAGES
from kit.uploads import MIB, MULTIPART_SLACK

MAX_BYTES = 5 * MIB
# What the request body may carry: one file of MAX_BYTES and its multipart framing.
MAX_BODY_BYTES = MAX_BYTES + MULTIPART_SLACK
ALLOWED_TYPES = IMAGES
MAX_AUTHOR_FILES = 9
MAX_STAFF_PENDING = 9
MAX_STAFF_FILES = 90

TOO_LARGE = "图片不能超过 5 MB"
WRONG_TYPE = "仅支持 JPEG、PNG 或 WebP 格式的图片"
CLOSED = "诉求已结束，不能再添加图片"


@dataclass(frozen=True)
class Counts:
    """What a petition already holds, as the next upload sees it."""

    by_author: int
    by_staff: int
    # The uploader's own staff photos not yet linked to any timeline entry.
    pending_of_uploader: int


def upload_refusal(*, by_staff: bool, counts: Counts) -> str | None:
    """Why one more image may not be added, or None when it may."""
    if not by_staff:
        if counts.by_author >= MAX_AUTHOR_FILES:
            return f"每个诉求最多上传 {MAX_AUTHOR_FILES} 张图片"
        return None
    if counts.pending_of_uploader >= MAX_STAFF_PENDING:
        return f"已有 {MAX_STAFF_PENDING} 张图片尚未发布，请先在进展或回复中使用"
    if counts.by_staff >= MAX_STAFF_FILES:
        return f"该诉求的办理照片已达 {MAX_STAFF_FILES} 张上限"
    return None


def shown_on_board(*, uploader_id: uuid.UUID, author_id: uuid.UUID, in_public_entry: bool) -> bool:
    """The board (and anonymous readers) see the author's own images and the staff photos
    shown in public timeline entries; a photo only in a staff note, or not yet used, stays
    with the author and staff."""
    return uploader_id == author_id or in_public_entry
