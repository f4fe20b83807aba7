"""/api/corrections: analysts' corrections (append-only audit log)."""

from __future__ import annotations

import json
from typing import Annotated

from fastapi import APIRouter, Query

from rasd.access import auth
from rasd.api.audit import record_write
from rasd.api.deps import AccessDep, KnowledgeDep, KStoreDep, PrincipalDep, SystemStoreDep
from rasd.api.kschemas import CorrectionIn, CorrectionOut, correction_out
from rasd.exceptions import Forbidden, NotFound
from rasd.knowledge.corrections import cancelled
from rasd.knowledge.dedup import KStore
from rasd.knowledge.write import correct, find_actor, parse_value
from rasd.records import Correction, User

router = APIRouter(tags=["corrections"])


@router.post("/corrections", response_model=CorrectionOut, status_code=201)
def post_correction(
    body: CorrectionIn,
    principal: PrincipalDep,
    access: AccessDep,
    store: KStoreDep,
    system: SystemStoreDep,
    knowledge: KnowledgeDep,
) -> CorrectionOut:
    """Record a correction (checked first; nothing is written when it is refused) and
    re-derive what it affects. Undo one with ``{"action": "revert", "reverts": N}``.
    Needs the analyst role; events are corrected by their own organisation only, and
    ``analyst`` is the signed-in user's name."""
    _authorise(store, principal.user, body)
    value = None
    if body.action == "set_field":
        raw = body.value if isinstance(body.value, str) else json.dumps(body.value)
        value = parse_value(store, body.field or "", raw)
    recorded = correct(
        system,
        Correction(
            action=body.action,
            target=body.target,
            other=body.other,
            field=body.field,
            value=value,
            reverts=body.reverts,
            analyst=body.analyst if principal.open else principal.user.username,
            reason=body.reason,
            org=principal.user.org,
        ),
        knowledge,
    )
    assert recorded.id is not None
    record_write(access, principal, "corrections", [str(recorded.id)], body.action)
    return correction_out(recorded, cancelled(store.corrections()))


def _authorise(view: KStore, user: User, body: CorrectionIn) -> None:
    """``view`` is the user's view of the store: what they cannot see answers 404."""
    auth.require(user, "analyst")
    if body.action in ("set_field", "not_event", "merge_events", "split_events"):
        event = view.get_event(body.target)
        if event.org != user.org:
            raise Forbidden(
                f"event {event.id}",
                f"belongs to organisation {event.org!r}; only its owner corrects it",
                "ask its owner, or merge it with one of your own events from that side",
            )
        if body.other:
            view.get_event(body.other)  # unknown and hidden ids both answer 404
    elif body.action == "merge_actors":
        for actor_id in (body.target, body.other or ""):
            if find_actor(view, actor_id) is None:
                raise NotFound(f"actor {actor_id}", "is on none of your events", "check the id")
    elif body.action in ("merge_persons", "split_person"):
        view.get_person(body.target)
        if body.other:
            (view.get_person if body.action == "merge_persons" else view.get_event)(body.other)
    elif body.action == "revert" and body.reverts not in {c.id for c in view.corrections()}:
        raise NotFound(
            f"correction {body.reverts}", "is not one of your organisation's", "list them"
        )


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
