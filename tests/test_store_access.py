"""The access side of both stores (rasd.store.abase): organisations, users, API tokens,
sessions, login failures, shares and the audit log, each test against the in-memory
fake and a fresh SQLite file (the ``kstore`` fixture)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError
from strategies import aware_datetimes, texts

from rasd.access.tokens import TOKEN_PREFIX, digest, new_secret
from rasd.exceptions import Conflict, NotFound
from rasd.records import SHARE_KINDS, AuditEntry, Org, Share, User, Viewer
from rasd.store import SqlStore
from rasd.store.abase import AccessStore, SessionInfo
from rasd.taxonomy import LOCAL_ORG, TLP_LEVELS

T0 = datetime(2026, 1, 1, 12, tzinfo=UTC)
HOUR = timedelta(hours=1)
ORGS = ("alpha", "beta", LOCAL_ORG)


@pytest.fixture
def store(kstore: Any) -> Any:
    return kstore


def _org(store: Any, org_id: str) -> Org:
    return store.create_org(Org(id=org_id, name=org_id.title()))


def _user(store: Any, name: str, org: str = LOCAL_ORG, role: str = "analyst") -> User:
    return store.create_user(
        User(id=f"u-{name}", username=name, org=org, role=role), f"hash-{name}"
    )


def _orgs(store: Any) -> None:
    known = {o.id for o in store.orgs()}
    for org_id in ORGS:
        if org_id not in known:
            _org(store, org_id)


def _credentials(store: Any, user: User) -> tuple[str, str]:
    """A live API token and a live session for ``user``: their digests."""
    token, session = digest(new_secret(TOKEN_PREFIX)), digest(new_secret())
    store.add_token(user.id, "ci", token, None)
    store.add_session(user.id, session, "csrf-1", T0 + HOUR)
    assert store.token_user(token, T0) == user
    assert store.session_user(session, T0) is not None
    return token, session


# -- organisations and users ---------------------------------------------------------------


def test_store_access_starts_with_the_local_org(store: Any) -> None:
    assert isinstance(store, AccessStore)
    assert store.orgs() == [Org(id=LOCAL_ORG, name="Local", default_tlp="AMBER")]


def test_store_access_orgs_create_get_list_update(store: Any) -> None:
    made = store.create_org(Org(id="fctd", name="FCTD", default_tlp="GREEN"))
    _org(store, "abc")
    assert store.get_org("fctd") == made
    assert [o.id for o in store.orgs()] == ["abc", "fctd", LOCAL_ORG]
    updated = store.update_org("fctd", default_tlp="RED")
    assert updated == Org(id="fctd", name="FCTD", default_tlp="RED") == store.get_org("fctd")
    assert store.update_org("fctd", name="Renamed").default_tlp == "RED"
    with pytest.raises(ValidationError):
        store.update_org("fctd", default_tlp="PURPLE")
    assert store.get_org("fctd").default_tlp == "RED"


def test_store_access_duplicates_are_conflicts(store: Any) -> None:
    _org(store, "fctd")
    with pytest.raises(Conflict, match="fctd"):
        _org(store, "fctd")
    alice = _user(store, "alice")
    with pytest.raises(Conflict, match="alice") as taken:
        store.create_user(alice.model_copy(update={"id": "u-other"}), "h")
    assert "choose another username" in taken.value.fix
    with pytest.raises(Conflict, match="u-alice"):
        store.create_user(alice.model_copy(update={"username": "alice2"}), "h")
    assert [u.username for u in store.users()] == ["alice"]


def test_store_access_unknown_names_are_not_found(store: Any) -> None:
    calls = [
        lambda: store.get_org("nope"),
        lambda: store.update_org("nope", name="x"),
        lambda: store.users(org="nope"),
        lambda: store.create_user(User(id="u", username="u", org="nope", role="viewer"), "h"),
        lambda: store.get_user("nope"),
        lambda: store.update_user("nope", role="admin"),
        lambda: store.add_token("nope", "t", digest("x"), None),
        lambda: store.tokens("nope"),
        lambda: store.revoke_token("nope", "nope"),
        lambda: store.add_session("nope", digest("x"), "c", T0),
        lambda: store.get_share(99),
        lambda: store.withdraw_share(99, T0),
        lambda: store.shares_by("nope"),
        lambda: store.shares_for("nope"),
        lambda: store.add_share(
            Share(org=LOCAL_ORG, partner="nope", kind="event", target="e", created_by="u")
        ),
        lambda: store.audit_log("nope"),
    ]
    for call in calls:
        with pytest.raises(NotFound) as missing:
            call()
        assert missing.value.fix


def test_store_access_user_by_name_returns_the_hash(store: Any) -> None:
    alice = _user(store, "alice", role="admin")
    assert alice.created_at is not None and alice.created_at.tzinfo is not None
    assert store.user_by_name("alice") == (alice, "hash-alice")
    assert store.get_user("u-alice") == alice
    assert store.user_by_name("ALICE") == (alice, "hash-alice")  # any case (issue 12)
    assert store.user_by_name("bob") is None


def test_store_access_users_listed_by_org(store: Any) -> None:
    _org(store, "fctd")
    _user(store, "zoe")
    _user(store, "bob", org="fctd")
    _user(store, "amy", org="fctd")
    assert [u.username for u in store.users()] == ["amy", "bob", "zoe"]
    assert [u.username for u in store.users(org="fctd")] == ["amy", "bob"]
    assert store.users(org=LOCAL_ORG) == [store.get_user("u-zoe")]


def test_store_access_update_user_role_keeps_credentials(store: Any) -> None:
    alice = _user(store, "alice", role="viewer")
    token, session = _credentials(store, alice)
    admin = store.update_user(alice.id, role="admin")
    assert admin == alice.model_copy(update={"role": "admin"}) == store.get_user(alice.id)
    assert store.token_user(token, T0) == admin
    assert store.session_user(session, T0) == SessionInfo(admin, "csrf-1", T0 + HOUR)
    with pytest.raises(ValidationError):
        store.update_user(alice.id, role="root")
    assert store.get_user(alice.id).role == "admin"


def test_store_access_password_change_revokes_tokens_and_sessions(store: Any) -> None:
    alice, bob = _user(store, "alice"), _user(store, "bob")
    token, session = _credentials(store, alice)
    bob_token, _ = _credentials(store, bob)
    store.update_user(alice.id, password_hash="new-hash")
    assert store.user_by_name("alice") == (alice, "new-hash")
    assert store.token_user(token, T0) is None
    assert store.session_user(session, T0) is None
    assert all(t.revoked_at is not None for t in store.tokens(alice.id))
    assert store.token_user(bob_token, T0) == bob  # other users untouched
    fresh = digest(new_secret(TOKEN_PREFIX))
    store.add_token(alice.id, "after", fresh, None)
    assert store.token_user(fresh, T0) == alice


def test_store_access_disabling_revokes_for_good(store: Any) -> None:
    alice = _user(store, "alice")
    token, session = _credentials(store, alice)
    disabled = store.update_user(alice.id, disabled=True)
    assert disabled.disabled and store.user_by_name("alice") == (disabled, "hash-alice")
    later = digest(new_secret())
    store.add_session(alice.id, later, "c", T0 + HOUR)
    assert store.session_user(later, T0) is None  # a disabled user has no live session
    store.update_user(alice.id, disabled=False)
    assert store.token_user(token, T0) is None  # re-enabling does not revive old ones
    assert store.session_user(session, T0) is None
    assert store.session_user(later, T0) is not None


# -- API tokens and sessions ---------------------------------------------------------------


def test_store_access_tokens_expire_and_revoke(store: Any) -> None:
    alice, bob = _user(store, "alice"), _user(store, "bob")
    secret = new_secret(TOKEN_PREFIX)
    info = store.add_token(alice.id, "laptop", digest(secret), T0 + HOUR)
    assert secret.startswith("rasd_") and info.user_id == alice.id and info.name == "laptop"
    assert info.expires_at == T0 + HOUR and info.revoked_at is None
    assert info.created_at.tzinfo is not None
    assert store.token_user(digest(secret), T0) == alice
    assert store.token_user(digest(secret), T0 + HOUR) is None  # expired at expires_at
    assert store.token_user(digest("other"), T0) is None
    with pytest.raises(NotFound):
        store.revoke_token(info.id, bob.id)  # not bob's
    store.revoke_token(info.id, alice.id)
    store.revoke_token(info.id, alice.id)  # again: no change, no error
    assert store.token_user(digest(secret), T0) is None
    (listed,) = store.tokens(alice.id)
    assert listed.id == info.id and listed.revoked_at is not None
    assert store.tokens(bob.id) == []


def test_store_access_token_times_compare_in_utc(store: Any) -> None:
    alice = _user(store, "alice")
    plus3 = timezone(timedelta(hours=3))
    store.add_token(alice.id, "t", digest("s"), (T0 + HOUR).astimezone(plus3))
    assert store.tokens(alice.id)[0].expires_at == T0 + HOUR
    assert store.token_user(digest("s"), (T0 + HOUR / 2).astimezone(plus3)) == alice
    assert store.token_user(digest("s"), (T0 + 2 * HOUR).astimezone(plus3)) is None


def test_store_access_sessions_expire_and_end(store: Any) -> None:
    alice = _user(store, "alice")
    one, two = digest(new_secret()), digest(new_secret())
    store.add_session(alice.id, one, "csrf-one", T0 + HOUR)
    store.add_session(alice.id, two, "csrf-two", T0 + HOUR)
    found = store.session_user(one, T0)
    assert found == SessionInfo(alice, "csrf-one", T0 + HOUR)
    assert found is not None and found.expires_at.tzinfo is not None
    assert store.session_user(one, T0 + HOUR) is None
    with pytest.raises(Conflict):
        store.add_session(alice.id, one, "again", T0 + HOUR)
    store.end_session(one)
    store.end_session(one)  # logging out twice is fine
    store.end_session(digest("never"))
    assert store.session_user(one, T0) is None
    assert store.session_user(two, T0) == SessionInfo(alice, "csrf-two", T0 + HOUR)


# -- login failures ------------------------------------------------------------------------


def test_store_access_login_failures_count_by_name_and_address(store: Any) -> None:
    store.add_login_failure("alice", "10.0.0.1", T0)
    store.add_login_failure("alice", "10.0.0.1", T0 + timedelta(minutes=1))
    store.add_login_failure("bob", "10.0.0.1", T0 + timedelta(minutes=2))
    store.add_login_failure("alice", "10.0.0.2", T0 - HOUR)
    assert store.login_failures(username="alice", address="10.0.0.1", since=T0) == (2, 3)
    assert store.login_failures(username="alice", address="10.0.0.1", since=T0 - 2 * HOUR) == (
        3,
        3,
    )
    assert store.login_failures(username="nobody", address="10.9.9.9", since=T0) == (0, 0)
    store.clear_login_failures("alice")
    assert store.login_failures(username="alice", address="10.0.0.1", since=T0 - 2 * HOUR) == (
        0,
        1,
    )
    assert store.login_failures(username="bob", address="10.0.0.2", since=T0) == (1, 0)


def test_store_access_scoped_view_shares_access_state(store: Any) -> None:
    view = store.scoped(Viewer(org=LOCAL_ORG, user="u-x", role="admin"))
    store.add_login_failure("alice", "10.0.0.1", T0)
    view.clear_login_failures("alice")
    _org(view, "fctd")
    assert store.login_failures(username="alice", address="10.0.0.1", since=T0) == (0, 0)
    assert "fctd" in {o.id for o in store.orgs()}


# -- shares --------------------------------------------------------------------------------


def _share(org: str, partner: str, kind: str = "event", **more: object) -> Share:
    shape: dict[str, object] = {"target": "ev-1"} if kind != "feed" else {"query": "{}"}
    base = {"org": org, "partner": partner, "kind": kind, "created_by": "u-a"}
    return Share.model_validate({**base, **shape, **more})


def test_store_access_shares_add_withdraw_list(store: Any) -> None:
    _orgs(store)
    event = store.add_share(_share("alpha", "beta"))
    feed = store.add_share(_share("alpha", "beta", "feed", name="Basra", created_at=T0))
    other = store.add_share(_share("beta", "alpha", "document", target="doc-1"))
    assert event.id is not None and feed.id is not None and other.id is not None
    assert len({event.id, feed.id, other.id}) == 3
    assert event.created_at is not None and event.created_at.tzinfo is not None
    assert feed.created_at == T0 and store.get_share(feed.id) == feed
    assert store.shares_for("beta") == [event, feed]
    withdrawn = store.withdraw_share(event.id, T0 + HOUR)
    assert withdrawn == event.model_copy(update={"withdrawn_at": T0 + HOUR})
    assert store.withdraw_share(event.id, T0 + 2 * HOUR) == withdrawn  # keeps the first time
    assert store.shares_for("beta") == [feed]
    assert store.shares_by("alpha") == [feed]
    assert store.shares_by("alpha", include_withdrawn=True) == [withdrawn, feed]
    assert store.shares_for("alpha") == [other] and store.shares_for(LOCAL_ORG) == []


# -- audit log -----------------------------------------------------------------------------


def _entry(org: str, action: str = "read", **more: object) -> AuditEntry:
    base = {"org": org, "user": "u-a", "action": action, "resource": "events"}
    return AuditEntry.model_validate({**base, **more})


def test_store_access_audit_newest_first_with_paging_and_filter(store: Any) -> None:
    _orgs(store)
    store.audit([_entry("alpha", ("read", "write")[i % 2], detail=str(i)) for i in range(5)])
    store.audit([_entry("beta", detail="b")])
    store.audit([_entry("alpha", "login", detail="5")])
    store.audit([])
    log = store.audit_log("alpha")
    assert [e.detail for e in log] == ["5", "4", "3", "2", "1", "0"]
    ids = [e.id for e in log]
    assert ids == sorted(ids, reverse=True)
    first = store.audit_log("alpha", limit=2)
    assert [e.detail for e in first] == ["5", "4"]
    rest = store.audit_log("alpha", before=first[-1].id)
    assert [e.detail for e in rest] == ["3", "2", "1", "0"]
    assert [e.detail for e in store.audit_log("alpha", action="write")] == ["3", "1"]
    assert [e.detail for e in store.audit_log("alpha", action="write", limit=1)] == ["3"]
    assert [e.detail for e in store.audit_log("beta")] == ["b"]  # org B never sees A's
    assert all(e.org == "alpha" for e in log)
    assert store.audit_log(LOCAL_ORG) == [] and store.audit_log("alpha", limit=0) == []


def test_store_access_audit_keeps_the_first_thousand_ids(store: Any) -> None:
    ids = tuple(f"ev-{i}" for i in range(1500))
    store.audit([_entry(LOCAL_ORG, items=ids, count=1500), _entry(LOCAL_ORG, items=ids[:3])])
    few, many = store.audit_log(LOCAL_ORG)
    assert many.items == ids[:1000] and many.count == 1500
    assert few.items == ids[:3] and few.count == 3  # count is at least the ids given
    assert many.at is not None and many.at.tzinfo is not None


# -- round trips ---------------------------------------------------------------------------


@st.composite
def shares(draw: st.DrawFn) -> Share:
    org, partner = draw(st.permutations(ORGS))[:2]
    kind = draw(st.sampled_from(SHARE_KINDS))
    return Share(
        org=org,
        partner=partner,
        kind=kind,
        target=None if kind == "feed" else draw(texts(min_size=1, max_size=60)),
        query=draw(texts(max_size=200)) if kind == "feed" else None,
        name=draw(texts()),
        created_by=draw(texts(min_size=1, max_size=30)),
        created_at=draw(st.none() | aware_datetimes),
        withdrawn_at=draw(st.none() | aware_datetimes),
    )


@st.composite
def audit_entries(draw: st.DrawFn) -> AuditEntry:
    items = tuple(draw(st.lists(texts(min_size=1, max_size=40), max_size=6)))
    return AuditEntry(
        at=draw(st.none() | aware_datetimes),
        org=draw(st.sampled_from(ORGS)),
        user=draw(texts(max_size=30)),
        action=draw(st.sampled_from(["read", "write", "login", "login_failed", "share"])),
        resource=draw(st.sampled_from(["events", "documents", "shares", "users", "export"])),
        items=items,
        count=draw(st.integers(len(items), 10_000)),
        tlp=draw(st.sampled_from(("", *TLP_LEVELS))),
        detail=draw(texts()),
    )


ROUNDTRIP = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@ROUNDTRIP
@given(share=shares())
def test_store_access_share_roundtrip(store: Any, share: Share) -> None:
    _orgs(store)
    stored = store.add_share(share)
    assert stored.id is not None and stored.created_at is not None
    assert stored.created_at.tzinfo is not None
    assert store.get_share(stored.id) == stored
    assert Share.model_validate_json(stored.model_dump_json()) == stored
    assert stored.model_copy(update={"id": None, "created_at": share.created_at}) == share
    listed = store.shares_by(share.org, include_withdrawn=True)
    assert listed[-1] == stored


@ROUNDTRIP
@given(entry=audit_entries())
def test_store_access_audit_roundtrip(store: Any, entry: AuditEntry) -> None:
    _orgs(store)
    store.audit([entry])
    (back,) = store.audit_log(entry.org, limit=1)
    assert back.id is not None and back.at is not None and back.at.tzinfo is not None
    assert AuditEntry.model_validate_json(back.model_dump_json()) == back
    assert back.model_copy(update={"id": None, "at": entry.at}) == entry
    if entry.at is not None:
        assert back.at == entry.at


def test_store_access_usernames_unique_whatever_the_case(store: Any) -> None:
    """Issue 12: "alice" and "ALICE" cannot coexist (for SqlStore, the unique index on
    lower(username) of migration 0006 holds even if the store's own check is raced)."""
    _user(store, "alice")
    with pytest.raises(Conflict, match="not available"):
        store.create_user(User(id="u-2", username="ALICE", org=LOCAL_ORG, role="viewer"), "h")
    if isinstance(store, SqlStore):
        from sqlalchemy import create_engine, text
        from sqlalchemy.exc import IntegrityError

        engine = create_engine(store._url)
        insert = text(
            "INSERT INTO users (id, username, org, role, password_hash, disabled, created_at) "
            "VALUES ('u-3', 'Alice', :org, 'viewer', 'h', false, CURRENT_TIMESTAMP)"
        )
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert, {"org": LOCAL_ORG})
        engine.dispose()
