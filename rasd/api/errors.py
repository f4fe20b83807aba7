"""How errors reach HTTP clients (shapes in docs/api.md).

* invalid input: 422, FastAPI's shape, every entry naming its parameter in ``loc``;
* :class:`rasd.exceptions.NotFound`: 404 ``{"detail": "<kind> <id> not found", "fix"}``;
* :class:`rasd.exceptions.StoreError`: 503 (the database, not the request, is at fault);
* :class:`rasd.exceptions.AuthError`: 401 (with ``WWW-Authenticate: Bearer``);
* :class:`rasd.exceptions.Forbidden`: 403; :class:`rasd.exceptions.Conflict`: 409;
* :class:`rasd.exceptions.RateLimited`: 429 with ``Retry-After``;
* any other :class:`rasd.exceptions.RasdError`: 400 ``{"detail", "subject", "fix"}``;
* a body over its cap: 413 (:mod:`rasd.api.limits`);
* anything unexpected: 500 ``{"detail", "fix"}``, with the security headers, no traceback.

A 422 never echoes what was sent (pydantic's ``input``): a body may hold a password,
and echoing a large one doubles what the server holds.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import HTTPException, RequestValidationError
from fastapi.responses import JSONResponse

from rasd.exceptions import (
    AuthError,
    Conflict,
    Forbidden,
    NotFound,
    RasdError,
    RateLimited,
    StoreError,
)

log = logging.getLogger(__name__)

NUL_MSG = "contains a NUL character (\\u0000), which rasd cannot store; remove it"
SURROGATE_MSG = (
    "contains a lone surrogate (\\ud800-\\udfff), which is not Unicode text; "
    "send valid UTF-8 (pair each high surrogate with a low one)"
)
NOT_UTF8_MSG = "is not UTF-8 text; send JSON or form fields encoded as UTF-8"
# pydantic error types whose message we replace with ours (they name no fix)
_MESSAGES = {"string_unicode": SURROGATE_MSG}


def problem(param: str, msg: str, where: str = "query", value: Any = None) -> dict[str, Any]:
    """One 422 entry: ``loc`` names the parameter, ``msg`` says what is wrong and the fix.
    ``value`` is accepted for the callers' sake but never sent back."""
    return {"loc": (where, param), "msg": msg, "type": "value_error"}


def nul_problem(loc: tuple[str, ...]) -> dict[str, Any]:
    return {"loc": list(loc), "msg": NUL_MSG, "type": "value_error"}


class BodyTooLarge(HTTPException):
    """Raised from ``receive`` at the first chunk past the cap; answered as 413."""

    def __init__(self, cap: int, fix: str) -> None:
        super().__init__(413, f"the request body is over {cap} bytes")
        self.cap = cap
        self.fix = fix


def too_large_response(exc: BodyTooLarge) -> JSONResponse:
    body = {"detail": exc.detail, "subject": "request body", "fix": exc.fix}
    return JSONResponse(body, 413, headers={"Connection": "close"})


def invalid(
    param: str, msg: str, where: str = "query", value: Any = None
) -> RequestValidationError:
    return RequestValidationError([problem(param, msg, where, value)])


def raise_problems(problems: Sequence[dict[str, Any]]) -> None:
    if problems:
        raise RequestValidationError(list(problems))


_STATUS: tuple[tuple[type[RasdError], int], ...] = (
    (StoreError, 503),
    (AuthError, 401),
    (Forbidden, 403),
    (Conflict, 409),
    (RateLimited, 429),
)


def rasd_error_response(exc: RasdError) -> JSONResponse:
    if isinstance(exc, NotFound):
        return JSONResponse({"detail": f"{exc.subject} not found", "fix": exc.fix}, 404)
    body = {"detail": exc.problem, "subject": exc.subject, "fix": exc.fix}
    status = next((code for kind, code in _STATUS if isinstance(exc, kind)), 400)
    headers = {}
    if isinstance(exc, AuthError):
        headers["WWW-Authenticate"] = "Bearer"
    if isinstance(exc, RateLimited):
        headers["Retry-After"] = str(exc.retry_after)
    return JSONResponse(body, status, headers=headers)


async def _on_rasd_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RasdError)
    return rasd_error_response(exc)


def shown_errors(errors: Sequence[Any]) -> list[dict[str, Any]]:
    """The 422 entries without ``input`` and ``url``; our message for bad Unicode."""
    shown = []
    for error in errors:
        entry = {k: v for k, v in dict(error).items() if k not in ("input", "url")}
        msg = _MESSAGES.get(str(entry.get("type")), str(entry.get("msg", "")))
        entry["msg"] = msg.removeprefix("Value error, ")
        shown.append(entry)
    return shown


async def _on_invalid(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RequestValidationError)
    return JSONResponse({"detail": jsonable_encoder(shown_errors(exc.errors()))}, 422)


async def _on_undecodable(_request: Request, exc: Exception) -> JSONResponse:
    """A body that is not UTF-8 where text was expected (a route decoding it itself)."""
    entry = {"loc": ["body"], "msg": NOT_UTF8_MSG, "type": "value_error"}
    return JSONResponse({"detail": [entry]}, 422)


async def _on_too_large(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, BodyTooLarge)
    return too_large_response(exc)


def install(app: FastAPI, headers: Sequence[tuple[str, str]] = ()) -> None:
    """The handlers; ``headers`` (the security headers) go on 500 answers too, which
    are sent from outside every middleware."""

    async def on_unexpected(request: Request, exc: Exception) -> JSONResponse:
        log.exception("unexpected error on %s %s", request.method, request.url.path)
        body = {
            "detail": f"internal error ({type(exc).__name__})",
            "fix": "retry; if it persists, report it with the time, method and path "
            "(the server log has the details)",
        }
        return JSONResponse(body, 500, headers=dict(headers))

    app.add_exception_handler(RasdError, _on_rasd_error)
    app.add_exception_handler(RequestValidationError, _on_invalid)
    app.add_exception_handler(BodyTooLarge, _on_too_large)
    app.add_exception_handler(UnicodeDecodeError, _on_undecodable)
    app.add_exception_handler(Exception, on_unexpected)
