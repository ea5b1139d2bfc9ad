"""HTTP routes of the notices service, mounted under /api/notices."""

from fastapi import APIRouter

router = APIRouter(tags=["notices"])
