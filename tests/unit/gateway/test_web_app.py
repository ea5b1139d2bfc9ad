"""The residents' H5 app at `/` and the staff console at `/console/`: public, cached as a release
needs, the API untouched."""

from __future__ import annotations

import gzip
from pathlib import Path

import httpx
import pytest
from fastapi import FastAPI

from gateway.config import Settings
from gateway.proxy import install_routing
from gateway.web import install_console, install_web_app
from kit.deps import install_auth
from kit.web import create_web_app
from tests.unit.kit.test_jwks import FakeIdentity

BUNDLE = "console.log('川善治');\n" * 200


def built(root: Path) -> Path:
    (root / "assets").mkdir(parents=True)
    (root / "index.html").write_text("<!doctype html><title>川善治</title>", encoding="utf-8")
    (root / "assets" / "index-abc123.js").write_text(BUNDLE, encoding="utf-8")
    return root


def gateway(root: Path | None, console: Path | None = None) -> FastAPI:
    identity = FakeIdentity()
    identity.add_key("ed-1")
    app = create_web_app(service="gateway", title="t", api_prefix="")
    settings = Settings(service_urls={"points": ["http://127.0.0.1:9"]})
    install_routing(app, settings)
    install_web_app(app, root)
    install_console(app, console)
    install_auth(app, identity.verifier())
    return app


async def get(app: FastAPI, path: str, **headers: str) -> httpx.Response:
    transport = httpx.ASGITransport(app=app, client=("203.0.113.7", 40000))
    async with httpx.AsyncClient(transport=transport, base_url="http://gw") as client:
        return await client.get(path, headers=headers)


async def test_the_app_page_is_public_never_cached_and_locked_to_this_origin(tmp_path: Path):
    app = gateway(built(tmp_path))
    answer = await get(app, "/")
    assert answer.status_code == 200
    assert "川善治" in answer.text
    assert answer.headers["cache-control"] == "no-cache"
    policy = answer.headers.get_list("content-security-policy")
    assert any("script-src 'self'" in p and "connect-src 'self'" in p for p in policy)
    assert answer.headers["x-frame-options"] == "DENY"


async def test_bundles_are_cached_for_a_year_and_gzipped(tmp_path: Path):
    app = gateway(built(tmp_path))
    answer = await get(app, "/assets/index-abc123.js", **{"Accept-Encoding": "gzip"})
    assert answer.status_code == 200
    assert answer.headers["content-encoding"] == "gzip"
    assert answer.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert answer.text == BUNDLE  # httpx undoes the gzip
    assert len(gzip.compress(BUNDLE.encode())) < len(BUNDLE.encode())


@pytest.mark.parametrize("path", ["/assets/missing.js", "/static/app.js", "/assets/", "/elsewhere"])
async def test_nothing_else_is_served(tmp_path: Path, path: str):
    answer = await get(gateway(built(tmp_path)), path)
    assert answer.status_code in {400, 401, 404}
    assert "川善治" not in answer.text


async def test_the_api_still_needs_a_token_beside_the_app(tmp_path: Path):
    answer = await get(gateway(built(tmp_path)), "/api/points/accounts/me")
    assert answer.status_code == 401
    assert answer.headers["content-type"].startswith("application/problem+json")


async def test_an_unbuilt_app_is_a_clear_404_not_a_crash(tmp_path: Path):
    for root in (tmp_path / "never-built", None):
        answer = await get(gateway(root), "/")
        assert answer.status_code == 404
        assert answer.headers["content-type"].startswith("application/problem+json")
        assert "npm run build:h5" in answer.json()["detail"]


async def test_the_favicon_browsers_ask_for_is_an_empty_public_answer(tmp_path: Path):
    answer = await get(gateway(built(tmp_path)), "/favicon.ico")
    assert answer.status_code == 204


async def test_the_console_is_served_at_its_own_path_beside_the_app(tmp_path: Path):
    console = built(tmp_path / "console")
    (console / "index.html").write_text("<title>善治工作台</title>", encoding="utf-8")
    app = gateway(built(tmp_path / "app"), console)
    page = await get(app, "/console/")
    assert page.status_code == 200
    assert "善治工作台" in page.text
    assert page.headers["cache-control"] == "no-cache"
    assert any("script-src 'self'" in p for p in page.headers.get_list("content-security-policy"))
    bare = await get(app, "/console")
    assert bare.status_code == 308
    assert bare.headers["location"] == "/console/"
    bundle = await get(app, "/console/assets/index-abc123.js")
    assert bundle.status_code == 200
    assert bundle.headers["cache-control"] == "public, max-age=31536000, immutable"
    assert "川善治" in (await get(app, "/")).text  # the residents' app is untouched


async def test_an_unbuilt_console_is_a_clear_404(tmp_path: Path):
    app_root = built(tmp_path / "app")
    answer = await get(gateway(app_root, tmp_path / "none"), "/console/")
    assert answer.status_code == 404
    assert "npm run build" in answer.json()["detail"]
    missing = await get(gateway(app_root, None), "/console/assets/x.js")
    assert missing.status_code in {401, 404}
