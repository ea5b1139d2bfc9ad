"""Answers of the attachments API."""

from __future__ import annotations

import uuid

from pydantic import BaseModel


class AttachmentCreated(BaseModel):
    id: uuid.UUID
    petition_id: uuid.UUID
    content_type: str
    size_bytes: int
    url: str  # where the image is read back: /api/petitions/attachments/{id}
