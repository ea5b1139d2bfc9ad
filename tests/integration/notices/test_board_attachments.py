"""Files of a notice over HTTP: PDF, images and XLSX typed by their bytes, ≤ 20 MB, shown to
whoever may read the notice."""

from __future__ import annotations

import io
import uuid
import zipfile

import httpx
from openpyxl import Workbook

from tests.integration.notices.board_harness import BoardHarness, Person, board, board_module
from tests.unit.kit.images import png

__all__ = ["board", "board_module"]

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def workbook() -> bytes:
    book = Workbook()
    ws = book.active
    assert ws is not None
    ws.append(["项目", "金额"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def office_zip_without_workbook() -> bytes:
    """Sniffs as XLSX (Office parts in a zip) but holds no workbook."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/styles.xml", "<styleSheet/>")
    return out.getvalue()


async def upload(
    board: BoardHarness, who: Person, notice_id: str, data: bytes, name: str
) -> httpx.Response:
    files = {"file": (name, data, "application/octet-stream")}
    return await board.client.post(
        f"/api/notices/{notice_id}/attachments", files=files, headers=who.headers
    )


async def test_pdf_image_and_workbook_are_kept_and_served_to_readers(board: BoardHarness) -> None:
    community, other = await board.community(), await board.community()
    manager = await board.staff(community)
    resident, stranger = await board.resident(community), await board.resident(other)
    created = (await board.create(manager, community)).json()
    kinds = {}
    for data, name in ((PDF, "a.pdf"), (png(), "b.png"), (workbook(), "c.xlsx")):
        answer = await upload(board, manager, created["id"], data, name)
        assert answer.status_code == 201, answer.text
        kinds[answer.json()["content_type"]] = (answer.json()["url"], data)
    assert set(kinds) == {"application/pdf", "image/png", XLSX}
    await board.act(manager, created["id"], "publish")
    seen = (
        await board.client.get(f"/api/notices/{created['id']}", headers=resident.headers)
    ).json()
    assert {a["content_type"] for a in seen["attachments"]} == set(kinds)
    for mime, (url, data) in kinds.items():
        got = await board.client.get(url, headers=resident.headers)
        assert got.status_code == 200 and got.content == data
        assert got.headers["content-type"].startswith(mime)
        assert got.headers["x-content-type-options"] == "nosniff"
        assert (await board.client.get(url, headers=stranger.headers)).status_code == 404
    late = await upload(board, manager, created["id"], PDF, "late.pdf")
    assert late.status_code == 409


async def test_files_that_are_not_what_they_claim_or_too_large_are_refused(
    board: BoardHarness,
) -> None:
    community = await board.community()
    manager = await board.staff(community)
    outsider = await board.staff(await board.community())
    notice_id = (await board.create(manager, community)).json()["id"]
    refused = [
        (b"<script>alert(1)</script>", "x.pdf", 415),
        (b"%PDF-1.4 truncated", "y.pdf", 422),
        (office_zip_without_workbook(), "z.xlsx", 422),
        (png()[:40], "broken.png", 422),
        (b"%PDF-1.4\n" + b"0" * (20 * MB) + b"\n%%EOF\n", "big.pdf", 413),
    ]
    for data, name, status in refused:
        answer = await upload(board, manager, notice_id, data, name)
        assert answer.status_code == status, (name, answer.text)
        assert answer.json()["field"] == "file"
    assert (await upload(board, outsider, notice_id, PDF, "a.pdf")).status_code == 404
    attached = "SELECT count(*) FROM notice_attachments WHERE notice_id = $1"
    assert await board.db_val(attached, uuid.UUID(notice_id)) == 0
