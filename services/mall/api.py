"""HTTP routes of the mall service, mounted under /api/mall."""

from fastapi import APIRouter

router = APIRouter(tags=["mall"])
