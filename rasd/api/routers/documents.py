"""/api/documents: POST a report (JSON or a file) to extract its events; read a document."""

from __future__ import annotations

import json
import re
import tempfile
from datetime import date
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.exceptions import RequestValidationError
from pydantic import ValidationError
from starlette.datastructures import UploadFile

from rasd.access import auth
from rasd.api.aschemas import Tlp
from rasd.api.audit import record_write
from rasd.api.deps import (
    AccessDep,
    KnowledgeDep,
    KStoreDep,
    PipelineConfigDep,
    PipelineLoader,
    PipelineLoaderDep,
    PrincipalDep,
    StoreDep,
    SystemStoreDep,
)
from rasd.api.errors import invalid, problem
from rasd.api.kview import detail_out
from rasd.api.schemas import (
    DocumentIn,
    DocumentText,
    ExtractionOut,
    document_out,
    document_text,
    event_detail,
)
from rasd.config import PipelineConfig
from rasd.ingest import read_path, read_stdin_text
from rasd.knowledge.dedup import KStore
from rasd.knowledge.write import Knowledge, save_extraction
from rasd.records import Document, IngestProblem
from rasd.store import markings
from rasd.store.base import EventQuery
from rasd.store.markings import MarkingRule, Settled

router = APIRouter(tags=["documents"])

_FIELDS = ("title", "source", "url", "published_at")
_FLAG = "allow_downgrade=true (with tlp)"
_SUFFIX = re.compile(r"\.[A-Za-z0-9]{1,8}")
_REQUEST_BODY: dict[str, Any] = {
    "required": True,
    "content": {
        "application/json": {"schema": DocumentIn.model_json_schema()},
        "multipart/form-data": {
            "schema": {
                "type": "object",
                "properties": {
                    "file": {"type": "string", "format": "binary", "description": ".txt or .html"},
                    **{f: {"type": "string"} for f in ("text", *_FIELDS)},
                },
            }
        },
    },
}


@router.post(
    "/documents", response_model=ExtractionOut, openapi_extra={"requestBody": _REQUEST_BODY}
)
async def post_document(
    request: Request,
    principal: PrincipalDep,
    access: AccessDep,
    store: KStoreDep,
    system: SystemStoreDep,
    knowledge: KnowledgeDep,
    config: PipelineConfigDep,
    load_pipeline: PipelineLoaderDep,
    dry_run: Annotated[bool, Query(description="true: extract only, save nothing")] = False,
    tlp: Annotated[
        Tlp | None, Query(description="marking; default: kept if stored, else default_tlp")
    ] = None,
    allow_downgrade: Annotated[
        bool, Query(description="true: tlp may lower a stored report's marking (audited)")
    ] = False,
) -> ExtractionOut:
    """Extract the events of one report and (unless ``dry_run``) store them.

    Send JSON ``{"text", "title"?, "source"?, "url"?, "published_at"?}``, or a
    multipart form with a ``file`` (.txt with optional header lines, or .html)
    or a ``text`` field, plus the same optional fields. Without a publication
    date (``published_at`` or a first line ``date YYYY-MM-DD``) the request is
    refused with 422, unless the pipeline config says ``missing_publication_date
    = "today"``. The first POST loads the language model (a few seconds).
    Needs the analyst role; the report belongs to your organisation.
    """
    auth.require(principal.user, "analyst")
    org = access.get_org(principal.user.org)
    content_type = request.headers.get("content-type", "")
    if content_type.startswith(("multipart/form-data", "application/x-www-form-urlencoded")):
        document = await _from_form(request, config)
    else:
        document = await _from_json(request, config)
    _require_date(document, config)
    document = document.owned_by(org.id, tlp or org.default_tlp)
    rule = MarkingRule(tlp is not None, allow_downgrade, flag=_FLAG, user=principal.user.id)
    settled = await run_in_threadpool(_settle, system, document, rule)
    document = settled.document
    out = await run_in_threadpool(
        _extract, (store, system), knowledge, load_pipeline, settled, dry_run
    )
    if not dry_run:
        items = [document.id, *(e.id for e in out.events)]
        record_write(access, principal, "documents", items, f"marked {document.tlp}")
    return out


@router.get("/documents/{document_id}", response_model=DocumentText)
def get_document(document_id: str, store: StoreDep) -> DocumentText:
    """A stored document with its full text and the ids of its events."""
    document = store.get_document(document_id)
    events = store.events(EventQuery(document_id=document_id, order="id"))
    return document_text(document, [e.id for e in events])


# -- reading the submission ----------------------------------------------------------------


async def _from_json(request: Request, config: PipelineConfig) -> Document:
    limit = int(config.input.max_file_mb * 1024 * 1024)
    try:
        body = json.loads(await _body(request, 6 * limit + 65536) or b"null")  # \uXXXX: 6 bytes
        submitted = DocumentIn.model_validate(body)
    except json.JSONDecodeError as exc:
        fix = 'send JSON like {"text": "...", "published_at": "2023-09-27"}, or a multipart file'
        msg = f"the body is not JSON ({exc.msg}); {fix}"
        raise RequestValidationError(
            [{"loc": ("body",), "msg": msg, "type": "json_invalid"}]
        ) from None
    except ValidationError as exc:
        raise RequestValidationError(
            [{**e, "loc": ("body", *e["loc"])} for e in exc.errors(include_url=False)]
        ) from None
    records = read_stdin_text(submitted.text, config.input, source=submitted.source or "api")
    return _one(list(records), "text", submitted.model_dump(include=set(_FIELDS)))


async def _body(request: Request, cap: int) -> bytes:
    """The request body, refused (422) past ``cap`` bytes instead of held in memory."""
    parts: list[bytes] = []
    size = 0
    async for chunk in request.stream():
        size += len(chunk)
        if size > cap:
            raise invalid(
                "text",
                f"the body is over {cap} bytes; post one report at a time, within "
                "[input] max_file_mb of the pipeline config",
                where="body",
            )
        parts.append(chunk)
    return b"".join(parts)


async def _from_form(request: Request, config: PipelineConfig) -> Document:
    limit = int(config.input.max_file_mb * 1024 * 1024)
    async with request.form(max_part_size=limit + 1) as form:
        fields: dict[str, Any] = {f: _form_text(form.get(f)) for f in _FIELDS}
        fields["published_at"] = _form_date(fields["published_at"])
        upload, text = form.get("file"), _form_text(form.get("text"))
        if isinstance(upload, UploadFile):
            data = await upload.read(limit + 1)
            name = Path(upload.filename or "report.txt").name
            return _one(_read_upload(name, data, config), "file", fields)
    if text is None:
        raise invalid("file", "is missing: send a file field (or a text field)", where="body")
    return _one(list(read_stdin_text(text, config.input, source="api")), "text", fields)


def _form_text(value: object) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _form_date(value: str | None) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        msg = f"{value!r} is not a date; write YYYY-MM-DD"
        raise invalid("published_at", msg, where="body", value=value) from None


def _read_upload(name: str, data: bytes, config: PipelineConfig) -> list[Document | IngestProblem]:
    """Read an uploaded file exactly as ``rasd ingest`` reads one from disk.

    The file is written under a fixed name that keeps only the client's extension
    (which picks the format); the client's name is only the default ``source``.
    """
    suffix = "".join(s for s in Path(name).suffixes[-2:] if _SUFFIX.fullmatch(s))
    with tempfile.TemporaryDirectory(prefix="rasd-upload-") as tmp:
        path = Path(tmp) / f"upload{suffix}"
        path.write_bytes(data)
        return [
            r.model_copy(update={"source": name})
            if isinstance(r, Document) and r.source == str(path)
            else r
            for r in read_path(path, config.input)
        ]


def _one(records: list[Document | IngestProblem], field: str, fields: dict[str, Any]) -> Document:
    """The single document read, with the submitted metadata applied (it wins over headers)."""
    for r in records:
        if isinstance(r, IngestProblem):
            raise invalid(field, f"{r.message}; fix: {r.fix}", where="body")
    if len(records) != 1:
        msg = f"holds {len(records)} reports; post one at a time (`rasd ingest` reads many)"
        raise invalid(field, msg, where="body")
    document = records[0]
    assert isinstance(document, Document)
    given = {k: v for k, v in fields.items() if v is not None}
    return document.model_copy(update=given) if given else document


def _require_date(document: Document, config: PipelineConfig) -> None:
    if document.published_at is None and config.temporal.missing_publication_date == "error":
        raise RequestValidationError(
            [
                problem(
                    "published_at",
                    "the report has no publication date, so relative dates ('on Monday') "
                    "cannot be resolved; send published_at as YYYY-MM-DD (or start the text "
                    'with a line `date YYYY-MM-DD`), or set missing_publication_date = "today" '
                    "in the pipeline config",
                    where="body",
                )
            ]
        )


# -- extraction ----------------------------------------------------------------------------


def _settle(system: KStore, document: Document, rule: MarkingRule) -> Settled:
    """The marking the report is stored with (MarkingDowngrade, 409, for a refused one)."""
    return markings.settle(markings.stored_copy(system, document.id), document, rule)


def _extract(
    stores: tuple[KStore, KStore],
    knowledge: Knowledge,
    load_pipeline: PipelineLoader,
    settled: Settled,
    dry_run: bool,
) -> ExtractionOut:
    """Run the pipeline; unless ``dry_run``, save through the one write path (corrections
    in force applied, events linked to other reports, persons resolved). ``stores``: the
    user's view (to show the result) and the system store (to link across organisations)."""
    from rasd.engine import process

    store, system = stores
    document = settled.document
    doc = process(load_pipeline(), document)
    if dry_run:
        details = [event_detail(e, doc.document) for e in doc.events]
    else:
        with markings.permitted(settled):
            saved = save_extraction(system, doc.document, doc.events, (), knowledge).events
        details = [detail_out(store, store.get_event(e.id)) for e in saved]
    return ExtractionOut(
        document=document_out(doc.document),
        events=details,
        saved=not dry_run,
        warnings=list(doc.warnings),
    )
