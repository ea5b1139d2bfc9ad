"""HTTP routes of the points service, mounted under /api/points."""

from fastapi import APIRouter

router = APIRouter(tags=["points"])
