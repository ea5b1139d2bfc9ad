"""Answers of the evidence API."""

from __future__ import annotations

import uuid

from pydantic import BaseModel


class EvidenceCreated(BaseModel):
    id: uuid.UUID
    content_type: str
    size_bytes: int
    url: str  # what a claim's `evidence` cites: /api/points/evidence/{id}
