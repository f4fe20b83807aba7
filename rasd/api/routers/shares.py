"""/api/shares: show your organisation's events, reports or standing feeds to a partner.

Only the owner shares, and only its own items (checked here and again in the store's
visibility rule). A share can be withdrawn at any time; it stops at once, because
visibility is decided at every read.
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter

from rasd.access import auth
from rasd.api.aschemas import ShareIn, ShareOut
from rasd.api.audit import record_write
from rasd.api.deps import AccessDep, KStoreDep, PrincipalDep
from rasd.api.errors import problem, raise_problems
from rasd.exceptions import Forbidden, NotFound, RasdError
from rasd.knowledge.dedup import KStore
from rasd.records import Share, User
from rasd.store.base import EventQuery
from rasd.store.visibility import feed_json
from rasd.taxonomy import EVENT_TYPES, SUB_EVENT_TYPES

router = APIRouter(tags=["sharing"])


@router.get("/shares", response_model=list[ShareOut])
def list_shares(principal: PrincipalDep, access: AccessDep) -> list[ShareOut]:
    """What your organisation shares (withdrawn ones too) and what partners share with it."""
    org = principal.user.org
    mine = access.shares_by(org, include_withdrawn=True)
    theirs = access.shares_for(org)
    return [ShareOut.of(s) for s in (*mine, *theirs)]


@router.post("/shares", response_model=ShareOut, status_code=201)
def create_share(
    body: ShareIn, principal: PrincipalDep, access: AccessDep, store: KStoreDep
) -> ShareOut:
    """Share an event (any marking, RED included), a report with its events, or a standing
    feed: your AMBER and AMBER+STRICT events matching the filters, now and later (analyst)."""
    user = principal.user
    auth.require(user, "analyst")
    _check_partner(body, user)
    access.get_org(body.partner)  # 404 for an unknown partner
    query = None
    if body.kind == "feed":
        query = feed_json(_feed_query(body))
    else:
        _check_owned(store, user, body.kind, body.target)
    share = Share(
        org=user.org,
        partner=body.partner,
        kind=body.kind,
        target=body.target if body.kind != "feed" else None,
        query=query,
        name=body.name,
        created_by=user.id,
    )
    saved = access.add_share(share)
    assert saved.id is not None
    record_write(access, principal, "shares", [str(saved.id)], f"{body.kind} -> {body.partner}")
    return ShareOut.of(saved)


@router.post("/shares/{share_id}/withdraw", response_model=ShareOut)
def withdraw_share(share_id: int, principal: PrincipalDep, access: AccessDep) -> ShareOut:
    """Stop sharing (analyst of the owning organisation): the partner loses sight at once."""
    auth.require(principal.user, "analyst")
    try:  # another organisation's share answers as an unknown one: no existence oracle
        share: Share | None = access.get_share(share_id)
    except NotFound:
        share = None
    if share is None or share.org != principal.user.org:
        raise NotFound(f"share {share_id}", "is not one of yours", "list them: GET /api/shares")
    done = access.withdraw_share(share_id, datetime.now(UTC))
    record_write(access, principal, "shares", [str(share_id)], "withdrawn")
    return ShareOut.of(done)


def _check_partner(body: ShareIn, user: User) -> None:
    """422s naming the field: sharing with yourself, or a feed of unknown types (it was
    accepted and matched nothing, for ever)."""
    problems = []
    if body.partner == user.org:
        msg = (
            f"is your own organisation ({user.org!r}), which sees its items already; name a partner"
        )
        problems.append(problem("partner", msg, where="body"))
    for name, chosen, known in (
        ("event_type", body.event_type, EVENT_TYPES),
        ("sub_event_type", body.sub_event_type, SUB_EVENT_TYPES),
    ):
        for value in chosen:
            if value not in known:
                msg = f"{value!r} is not an ACLED {name}; use one of: {', '.join(known)}"
                problems.append(problem(name, msg, where="body"))
    raise_problems(problems)


def _check_owned(store: KStore, user: User, kind: str, target: str | None) -> None:
    """``store`` is the user's view: what they cannot see answers 404, like a missing id."""
    if not target:
        raise RasdError("target", f"is missing for a {kind} share", f"give the {kind} id")
    try:
        owner = (store.get_event(target) if kind == "event" else store.get_document(target)).org
    except NotFound:
        owner = None
    if owner is None:
        raise NotFound(f"{kind} {target}", "is not in the store", f"check the {kind} id")
    if owner != user.org:
        raise Forbidden(
            f"{kind} {target}",
            f"belongs to organisation {owner!r}; only the owner shares it",
            "ask its owner to share it",
        )


def _feed_query(body: ShareIn) -> EventQuery:
    try:
        return EventQuery(
            since=body.since,
            until=body.until,
            event_types=tuple(body.event_type),
            sub_event_types=tuple(body.sub_event_type),
            actor=body.actor,
            country=body.country,
            admin1=body.admin1,
            admin2=body.admin2,
            text=body.q,
            person=body.person,
        )
    except ValueError as exc:
        raise RasdError("feed filters", str(exc), "fix the filters") from exc
