"""How errors reach HTTP clients (shapes in docs/api.md).

* invalid input: 422, FastAPI's shape, every entry naming its parameter in ``loc``;
* :class:`rasd.exceptions.NotFound`: 404 ``{"detail": "<kind> <id> not found", "fix"}``;
* :class:`rasd.exceptions.StoreError`: 503 (the database, not the request, is at fault);
* :class:`rasd.exceptions.AuthError`: 401 (with ``WWW-Authenticate: Bearer``);
* :class:`rasd.exceptions.Forbidden`: 403; :class:`rasd.exceptions.Conflict`: 409;
* :class:`rasd.exceptions.RateLimited`: 429 with ``Retry-After``;
* any other :class:`rasd.exceptions.RasdError`: 400 ``{"detail", "subject", "fix"}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
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


def problem(param: str, msg: str, where: str = "query", value: Any = None) -> dict[str, Any]:
    """One 422 entry: ``loc`` names the parameter, ``msg`` says what is wrong and the fix."""
    return {"loc": (where, param), "msg": msg, "type": "value_error", "input": value}


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


def install(app: FastAPI) -> None:
    app.add_exception_handler(RasdError, _on_rasd_error)
