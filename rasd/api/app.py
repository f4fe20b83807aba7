"""The FastAPI application: routers under /api, the web UI at /, security headers.

``create_app()`` only builds the app: the store is opened (and migrated) when the
app starts (lifespan) and the pipeline on the first POST of a document. Every
response carries a Content-Security-Policy that lets the page run only its own
scripts and styles (report text is untrusted: nothing in it can ever run),
``X-Content-Type-Options: nosniff`` and ``Referrer-Policy: no-referrer``; in
production also ``Strict-Transport-Security``. Every ``/api`` answer carries
``Cache-Control: no-store`` (it may hold AMBER or RED reporting, which no browser or
proxy cache may keep). 500 answers carry the same headers. Requests pass
:class:`rasd.api.limits.RequestGuard` first (NULs, sign-in before bodies, body caps).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib import resources
from pathlib import Path
from urllib.parse import urlsplit

from fastapi import FastAPI
from fastapi.responses import HTMLResponse
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rasd import __version__
from rasd.api import errors
from rasd.api.deps import ApiState
from rasd.api.limits import RequestGuard
from rasd.api.routers import (
    actors,
    admin,
    auth,
    corrections,
    documents,
    events,
    exports,
    meta,
    persons,
    places,
    shares,
    stats,
)
from rasd.config import Settings
from rasd.exceptions import ConfigError
from rasd.store.base import Store

ROUTERS = (
    auth.router,
    admin.router,
    shares.router,
    events.router,
    documents.router,
    actors.router,
    persons.router,
    corrections.router,
    places.router,
    stats.router,
    exports.router,
    meta.router,
)


def create_app(settings: Settings | None = None, store: Store | None = None) -> FastAPI:
    """The rasd API (and UI). ``store`` defaults to the one in ``settings`` (opened at startup)."""
    settings = settings or Settings()
    settings.check_safe()
    headers = security_headers(settings)
    app = FastAPI(
        title="rasd",
        version=__version__,
        summary="Coded, geocoded, dated conflict events with evidence, from security reporting.",
        lifespan=_lifespan,
        docs_url=None,  # served offline below (the default page loads Swagger UI from a CDN)
        redoc_url=None,
    )
    app.state.rasd = ApiState(settings, store)
    errors.install(app, [*headers, API_CACHE])
    for router in ROUTERS:
        app.include_router(router, prefix="/api")
    _offline_docs(app)
    static = static_dir()
    if static is not None:
        app.mount("/", StaticFiles(directory=static, html=True), name="ui")
    app.add_middleware(RequestGuard, state=app.state.rasd)
    app.add_middleware(SecurityHeaders, headers=headers)
    return app


@asynccontextmanager
async def _lifespan(app: FastAPI) -> AsyncIterator[None]:
    state: ApiState = app.state.rasd
    state.store()  # open and migrate now: the first request should not pay for it
    try:
        yield
    finally:
        state.close()


_DOCS_PAGE = """<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>rasd API</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
</body>
</html>
"""


def _offline_docs(app: FastAPI) -> None:
    """Swagger UI at /docs from files shipped in the package (no internet, no inline script)."""
    assets = Path(__file__).with_name("swagger")
    app.mount("/docs/assets", StaticFiles(directory=assets), name="docs-assets")

    @app.get("/docs", include_in_schema=False)
    def docs() -> HTMLResponse:
        return HTMLResponse(_DOCS_PAGE)


def static_dir() -> Path | None:
    """``rasd/web/static`` when the web UI is installed, else None (API only)."""
    path = Path(str(resources.files("rasd"))) / "web" / "static"
    return path if path.is_dir() else None


# -- security headers ----------------------------------------------------------------------


def tile_source(tile_url: str) -> str:
    """The CSP source allowing an online tile URL template (``https://{s}.tile.x.org/...``)."""
    parts = urlsplit(tile_url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ConfigError(
            "RASD_TILE_URL",
            f"{tile_url!r} is not an http(s) URL template",
            "set it like https://tile.openstreetmap.org/{z}/{x}/{y}.png, or leave it empty "
            "for the offline base map only",
        )
    host = parts.netloc
    if "{" in host:
        first, _, rest = host.partition(".")
        if "{" in rest or not rest:
            return f"{parts.scheme}:"  # a template we cannot narrow: any host of that scheme
        host = f"*.{rest}" if "{" in first else host
    return f"{parts.scheme}://{host}"


def content_security_policy(tile_url: str = "") -> str:
    tiles = f" {tile_source(tile_url)}" if tile_url else ""
    return (
        f"default-src 'self'; img-src 'self' data:{tiles}; script-src 'self'; "
        "style-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
        + (f"; connect-src 'self'{tiles}" if tiles else "")
    )


HSTS = ("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
API_CACHE = ("Cache-Control", "no-store")


def security_headers(settings: Settings) -> list[tuple[str, str]]:
    """The headers of every answer (HSTS in production only: development runs on http)."""
    headers = [
        ("Content-Security-Policy", content_security_policy(settings.tile_url)),
        ("X-Content-Type-Options", "nosniff"),
        ("Referrer-Policy", "no-referrer"),
    ]
    return [*headers, HSTS] if settings.environment == "production" else headers


class SecurityHeaders:
    """Pure ASGI middleware (streaming-safe) adding the security headers to every response,
    and ``Cache-Control: no-store`` to every ``/api`` answer."""

    def __init__(self, app: ASGIApp, headers: list[tuple[str, str]]) -> None:
        self.app = app
        self.headers = [(k.lower().encode(), v.encode("latin-1")) for k, v in headers]
        self.api_cache = (API_CACHE[0].lower().encode(), API_CACHE[1].encode())
        self.names = {k for k, _ in self.headers}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        api = scope["path"].startswith("/api/")

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                extra = [self.api_cache] if api else []
                names = self.names | {k for k, _ in extra}
                sent = [(k, v) for k, v in message.get("headers", []) if k.lower() not in names]
                message["headers"] = [*sent, *self.headers, *extra]
            await send(message)

        await self.app(scope, receive, send_with_headers)
