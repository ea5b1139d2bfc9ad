"""The residents' H5 app, served by the gateway at `/` beside the API under `/api/`, and the
staff console at `/console/`.

`index.html` is never cached (a new release shows at the next open); the hashed bundles under
`/assets/` are cached for a year; both are gzip-compressed when the browser accepts it. The
app page gets a Content-Security-Policy that allows only this origin's scripts and calls.
When the bundle is not built, `/` answers 404 problem+json saying so, and the API works.
"""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from starlette.middleware.gzip import GZipMiddleware
from starlette.responses import FileResponse, RedirectResponse, Response
from starlette.staticfiles import StaticFiles
from starlette.types import Message, Receive, Scope, Send

from kit.problems import problem

IMMUTABLE = "public, max-age=31536000, immutable"
# Styles: uni-app's H5 runtime sets inline styles; images: pictures the app makes (QR codes,
# photos picked for upload) are data: and blob: URLs.
APP_CSP = (
    "default-src 'self'; script-src 'self'; connect-src 'self'; "
    "img-src 'self' data: blob:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Only what a built app contains: everything else stays the API's or a 404.
STATIC_DIRS = ("assets", "static")


class CachedFiles:
    """StaticFiles with one Cache-Control for every answer, gzip when accepted."""

    def __init__(self, directory: Path, cache_control: str) -> None:
        self.files = GZipMiddleware(StaticFiles(directory=directory), minimum_size=512)
        self.cache_control = cache_control.encode()

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        async def cached(message: Message) -> None:
            if message["type"] == "http.response.start" and message["status"] == 200:
                message["headers"] = [
                    *message.get("headers", []),
                    (b"cache-control", self.cache_control),
                ]
            await send(message)

        await self.files(scope, receive, cached)


def page(index: Path | None, missing: str) -> Response:
    """An app's index.html: never cached, under the CSP; a 404 problem while it is not built."""
    if index is None or not index.is_file():
        return problem(404, detail=missing)
    return FileResponse(
        index,
        media_type="text/html; charset=utf-8",
        headers={"Cache-Control": "no-cache", "Content-Security-Policy": APP_CSP},
    )


def install_web_app(app: FastAPI, root: Path | None) -> None:
    """Serve the built H5 app from `root` (its `index.html` and asset folders)."""
    index = root / "index.html" if root is not None else None

    @app.get("/", include_in_schema=False)
    @app.get("/index.html", include_in_schema=False)
    async def app_page() -> Response:
        return page(index, "居民端尚未构建：在 web/resident 运行 npm run build:h5")

    @app.get("/favicon.ico", include_in_schema=False)
    async def favicon() -> Response:
        """Browsers ask for it whatever the page says; the app declares none."""
        return Response(status_code=204, headers={"Cache-Control": "public, max-age=86400"})

    if root is None:
        return
    for name in STATIC_DIRS:
        cache = IMMUTABLE if name == "assets" else "public, max-age=3600"
        if (root / name).is_dir():  # a bundle built later is served after a restart
            app.mount(f"/{name}", CachedFiles(root / name, cache), name=f"web-{name}")


def install_console(app: FastAPI, root: Path | None) -> None:
    """Serve the built staff console from `root` at `/console/` (hash routes: one page)."""
    index = root / "index.html" if root is not None else None

    @app.get("/console", include_in_schema=False)
    async def console_bare() -> Response:
        return RedirectResponse("/console/", status_code=308)

    @app.get("/console/", include_in_schema=False)
    async def console_page() -> Response:
        return page(index, "工作台尚未构建：在 web/console 运行 npm run build")

    if root is not None and (root / "assets").is_dir():
        app.mount("/console/assets", CachedFiles(root / "assets", IMMUTABLE), name="console-assets")
