"""Petitions: /api/petitions, one petition, its actions, supports and the public board."""

from __future__ import annotations

from fastapi import APIRouter

router = APIRouter(tags=["petitions"])
