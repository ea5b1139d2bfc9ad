"""Uploads: the body is capped while it streams in; the file is read up to its limit only."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Annotated

import pytest
from fastapi import APIRouter, File, UploadFile
from fastapi.testclient import TestClient

from kit.uploads import limited_body, read_at_most
from kit.web import create_web_app

BODY_LIMIT = 4096
FILE_LIMIT = 2048

router = APIRouter(route_class=limited_body(BODY_LIMIT, detail="图片不能超过 2 KB"))


@router.post("/upload")
async def upload(file: Annotated[UploadFile, File()]) -> dict[str, int]:
    data = await read_at_most(file, FILE_LIMIT, detail="图片不能超过 2 KB")
    return {"size": len(data)}


@pytest.fixture
def client() -> TestClient:
    app = create_web_app(service="demo", title="demo", routers=[router])
    return TestClient(app, raise_server_exceptions=False)


def send(client: TestClient, size: int):
    return client.post("/api/demo/upload", files={"file": ("a.bin", b"x" * size)})


@pytest.mark.parametrize("size", [1, FILE_LIMIT])
def test_file_within_the_limit_is_read_whole(client, size):
    answer = send(client, size)
    assert answer.status_code == 200 and answer.json() == {"size": size}


@pytest.mark.parametrize("size", [FILE_LIMIT + 1, BODY_LIMIT, BODY_LIMIT * 10])
def test_file_past_its_limit_or_the_body_limit_is_413_naming_the_field(client, size):
    answer = send(client, size)
    assert answer.status_code == 413
    assert answer.headers["content-type"] == "application/problem+json"
    assert answer.json()["field"] == "file" and answer.json()["detail"] == "图片不能超过 2 KB"


def test_chunked_body_past_the_limit_is_cut_off_with_413(client):
    boundary = "b0undary"
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="a"\r\n'
        "Content-Type: application/octet-stream\r\n\r\n"
    ).encode()

    def chunks() -> Iterator[bytes]:
        yield head
        for _ in range(BODY_LIMIT // 512 + 2):
            yield b"x" * 512
        yield f"\r\n--{boundary}--\r\n".encode()

    answer = client.post(
        "/api/demo/upload",
        content=chunks(),
        headers={"Content-Type": f"multipart/form-data; boundary={boundary}"},
    )
    assert answer.status_code == 413 and answer.json()["field"] == "file"


def test_malformed_form_is_still_a_400_not_a_413(client):
    answer = client.post(
        "/api/demo/upload",
        content=b"--x\r\nbroken",
        headers={"Content-Type": "multipart/form-data; boundary=x"},
    )
    assert answer.status_code in {400, 422}
