"""Evidence photos of claims: POST /api/points/evidence, GET /api/points/evidence/{id}."""

from __future__ import annotations

import uuid
from typing import Annotated, Any

from fastapi import APIRouter, File, Header, Response, UploadFile

from kit.content_types import EXTENSIONS, IMAGES
from kit.deps import CurrentPrincipal, OptionalPrincipal
from kit.storage import StorageDep
from kit.uploads import limited_body, read_at_most
from services.points.deps import Now, Session
from services.points.evidence import rules, service
from services.points.evidence.models import Evidence
from services.points.evidence.schemas import EvidenceCreated

router = APIRouter(
    tags=["claims"],
    route_class=limited_body(rules.MAX_BODY_BYTES, field="file", detail=rules.TOO_LARGE),
)
CACHE_CONTROL = "private, max-age=3600"
IMAGE_RESPONSES: dict[int | str, dict[str, Any]] = {
    200: {"content": {mime: {} for mime in sorted(IMAGES)}, "description": "图片本身"},
    304: {"description": "客户端缓存仍然有效"},
}


@router.post("/evidence", status_code=201, form_limits={"max_files": 1, "max_fields": 4})
async def upload_evidence(
    file: Annotated[UploadFile, File(description="JPEG、PNG 或 WebP 图片，不超过 5 MB")],
    principal: CurrentPrincipal,
    session: Session,
    storage: StorageDep,
    now: Now,
) -> EvidenceCreated:
    """A photo for a claim: cite the answer's `url` in the claim's `evidence`. Only the
    uploader, the staff of a citing claim's community, and — while that claim is under
    public notice — anyone may read it back."""
    data = await read_at_most(file, rules.MAX_BYTES, field="file", detail=rules.TOO_LARGE)
    evidence = await service.upload(
        session=session, storage=storage, uploader=uuid.UUID(principal.sub), data=data, now=now
    )
    return EvidenceCreated(
        id=evidence.id,
        content_type=evidence.content_type,
        size_bytes=evidence.size_bytes,
        url=rules.url_of(evidence.id),
    )


@router.get("/evidence/{evidence_id}", response_class=Response, responses=IMAGE_RESPONSES)
async def read_evidence(
    evidence_id: uuid.UUID,
    principal: OptionalPrincipal,
    session: Session,
    storage: StorageDep,
    if_none_match: Annotated[str | None, Header()] = None,
) -> Response:
    evidence = await service.readable(session=session, principal=principal, evidence_id=evidence_id)
    headers = _headers(evidence)
    if if_none_match is not None and headers["ETag"] in {
        t.strip().removeprefix("W/") for t in if_none_match.split(",")
    }:
        return Response(status_code=304, headers=headers)
    data = await service.content(storage=storage, evidence=evidence)
    return Response(data, media_type=evidence.content_type, headers=headers)


def _headers(evidence: Evidence) -> dict[str, str]:
    name = f"{evidence.id}.{EXTENSIONS.get(evidence.content_type, 'bin')}"
    return {
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": f'inline; filename="{name}"',
        "Cache-Control": CACHE_CONTROL,
        "ETag": f'"{evidence.sha256}"',
    }
