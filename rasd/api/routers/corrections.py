"""/api/corrections: analysts' corrections (append-only audit log)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query

from rasd.api.deps import KnowledgeDep, KStoreDep
from rasd.api.kschemas import CorrectionIn, CorrectionOut, correction_out
from rasd.knowledge.corrections import cancelled
from rasd.knowledge.write import correct, parse_value
from rasd.records import Correction

router = APIRouter(tags=["corrections"])


@router.post("/corrections", response_model=CorrectionOut, status_code=201)
def post_correction(body: CorrectionIn, store: KStoreDep, knowledge: KnowledgeDep) -> CorrectionOut:
    """Record a correction (checked first; nothing is written when it is refused) and
    re-derive what it affects. Undo one with ``{"action": "revert", "reverts": N}``."""
    value = None
    if body.action == "set_field":
        raw = body.value if isinstance(body.value, str) else json.dumps(body.value)
        value = parse_value(store, body.field or "", raw)
    recorded = correct(
        store,
        Correction(
            action=body.action,
            target=body.target,
            other=body.other,
            field=body.field,
            value=value,
            reverts=body.reverts,
            analyst=body.analyst,
            reason=body.reason,
        ),
        knowledge,
    )
    return correction_out(recorded, cancelled(store.corrections()))


@router.get("/corrections", response_model=list[CorrectionOut])
def list_corrections(
    store: KStoreDep,
    subject: Annotated[str | None, Query(description="an event, actor or person id")] = None,
    document_id: Annotated[str | None, Query(description="corrections of one report")] = None,
) -> list[CorrectionOut]:
    """The audit log, oldest first, with whether each correction is still in force."""
    undone = cancelled(store.corrections())
    found = store.corrections(subject=subject, document_id=document_id)
    return [correction_out(c, undone) for c in found]
