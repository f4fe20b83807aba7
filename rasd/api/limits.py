"""What a request may send before any route sees it (pure ASGI middleware).

* A NUL character in the path or a query parameter is a 422 naming the parameter
  (PostgreSQL cannot store or compare NUL, so it must never reach the database).
* A change to ``/api/...`` (POST, PUT, PATCH, DELETE; signing in excepted) is
  authenticated before a byte of its body is read: a caller who is not signed in
  cannot make the server hold anything.
* The body is capped: refused on ``Content-Length`` before it is read, and counted
  while it streams (chunked bodies), answering 413 at the first byte past the cap.
  The cap is ``RASD_MAX_BODY_KB`` for every request but a report upload
  (``POST /api/documents``), which keeps the pipeline config's ``[input]
  max_file_mb`` (times six for JSON, whose ``\\uXXXX`` escapes take six bytes a
  character) plus 64 KiB for the other fields.
"""

from __future__ import annotations

from typing import TYPE_CHECKING
from urllib.parse import parse_qsl

from anyio import to_thread
from fastapi import Request
from fastapi.responses import JSONResponse
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from rasd.api.errors import BodyTooLarge, nul_problem, rasd_error_response, too_large_response
from rasd.api.security import SAFE_METHODS, authenticate
from rasd.exceptions import RasdError

if TYPE_CHECKING:
    from rasd.api.deps import ApiState

UPLOAD_PATH = "/api/documents"
SIGN_IN_PATH = "/api/auth/login"
FORM_SLACK = 64 * 1024  # the other form fields and the multipart boundaries


class RequestGuard:
    """NULs in the URL, sign-in before bodies, and the body cap (see the module doc)."""

    def __init__(self, app: ASGIApp, state: ApiState) -> None:
        self.app = app
        self.state = state

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        refusal = _nul_refusal(scope)
        if refusal is None and _needs_sign_in(scope):
            refusal = await self._sign_in(scope)
        cap, fix = self._cap(scope)
        if refusal is None and _declared_length(scope) > cap:
            refusal = too_large_response(BodyTooLarge(cap, fix))
        if refusal is not None:
            await refusal(scope, receive, send)
            return
        await self._capped(scope, receive, send, cap, fix)

    async def _capped(self, scope: Scope, receive: Receive, send: Send, cap: int, fix: str) -> None:
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > cap:
                    raise BodyTooLarge(cap, fix)
            return message

        async def tracking_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, tracking_send)
        except BodyTooLarge as exc:  # escaped a route that does not turn it into a response
            if started:
                raise
            await too_large_response(exc)(scope, receive, send)

    async def _sign_in(self, scope: Scope) -> JSONResponse | None:
        """Authenticate now; the principal waits in ``request.state`` for the route."""
        request = Request(scope)
        try:
            principal = await to_thread.run_sync(authenticate, request, self.state)
        except RasdError as exc:
            return rasd_error_response(exc)
        scope.setdefault("state", {})["principal"] = principal
        return None

    def _cap(self, scope: Scope) -> tuple[int, str]:
        settings = self.state.settings
        if scope["method"] == "POST" and scope["path"].rstrip("/") == UPLOAD_PATH:
            limit = int(self.state.pipeline_config().input.max_file_mb * 1024 * 1024)
            form = _header(scope, b"content-type").startswith(b"multipart/form-data")
            fix = (
                "post one report within [input] max_file_mb of the pipeline config "
                "(RASD_PIPELINE_CONFIG); load larger collections with `rasd ingest` or `rasd batch`"
            )
            return (limit if form else 6 * limit) + FORM_SLACK, fix
        cap = settings.max_body_kb * 1024
        fix = f"send at most {settings.max_body_kb} KiB (the server's RASD_MAX_BODY_KB setting)"
        return cap, fix


def _header(scope: Scope, name: bytes) -> bytes:
    return next((v for k, v in scope.get("headers", []) if k.lower() == name), b"")


def _declared_length(scope: Scope) -> int:
    try:
        return int(_header(scope, b"content-length") or 0)
    except ValueError:
        return 0  # uvicorn refuses a malformed length itself


def _needs_sign_in(scope: Scope) -> bool:
    path: str = scope["path"]
    return (
        scope["method"] not in SAFE_METHODS
        and path.startswith("/api/")
        and path.rstrip("/") != SIGN_IN_PATH
    )


def _nul_refusal(scope: Scope) -> JSONResponse | None:
    if "\x00" in scope["path"]:
        return JSONResponse({"detail": [nul_problem(("path",))]}, 422)
    query = scope.get("query_string", b"").decode("utf-8", "replace")
    for name, value in parse_qsl(query, keep_blank_values=True):
        if "\x00" in name or "\x00" in value:
            return JSONResponse({"detail": [nul_problem(("query", name.replace("\x00", "")))]}, 422)
    return None
