"""Response models of the red lists."""

from __future__ import annotations

import uuid

from pydantic import BaseModel


class BoardRow(BaseModel):
    rank: int
    subject_id: uuid.UUID
    name: str
    score: int
