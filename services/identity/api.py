"""HTTP routes of the identity service, mounted under /api/identity."""

from fastapi import APIRouter

router = APIRouter(tags=["identity"])
