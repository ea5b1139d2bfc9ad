"""HTTP routes of the petitions service, mounted under /api/petitions."""

from fastapi import APIRouter

router = APIRouter(tags=["petitions"])
