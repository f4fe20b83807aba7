"""How errors reach HTTP clients (shapes in docs/api.md).

* invalid input: 422, FastAPI's shape, every entry naming its parameter in ``loc``;
* :class:`rasd.exceptions.NotFound`: 404 ``{"detail": "<kind> <id> not found", "fix"}``;
* :class:`rasd.exceptions.StoreError`: 503 (the database, not the request, is at fault);
* any other :class:`rasd.exceptions.RasdError`: 400 ``{"detail", "subject", "fix"}``.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse

from rasd.exceptions import NotFound, RasdError, StoreError


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


def rasd_error_response(exc: RasdError) -> JSONResponse:
    if isinstance(exc, NotFound):
        return JSONResponse({"detail": f"{exc.subject} not found", "fix": exc.fix}, 404)
    body = {"detail": exc.problem, "subject": exc.subject, "fix": exc.fix}
    return JSONResponse(body, 503 if isinstance(exc, StoreError) else 400)


async def _on_rasd_error(_request: Request, exc: Exception) -> JSONResponse:
    assert isinstance(exc, RasdError)
    return rasd_error_response(exc)


def install(app: FastAPI) -> None:
    app.add_exception_handler(RasdError, _on_rasd_error)
