"""What a re-add may do to a stored report's marking and text (issue 12, defects 1 and 2).

Two layers, so that no caller can get it wrong:

* :func:`settle` (the callers: ``rasd ingest``, ``POST /api/documents``, ``rasd import``)
  decides, from the stored copy and a :class:`MarkingRule`, the marking a re-added
  report gets. A stored marking changes only when a marking is given explicitly; an
  upgrade is always allowed; a downgrade needs ``allow_downgrade`` (else
  :class:`rasd.exceptions.MarkingDowngrade` names the report, both markings and the
  flag), or, for a bundle (``keep_higher``), keeps the stored marking.
* :func:`guard` (the stores, inside the write transaction) never changes the text of a
  stored id and never lowers a stored marking unless the caller holds a
  :func:`permit_downgrade` for that report; then it returns the audit entry to write with
  the change. Any other lower marking keeps the stored one (a race, ``rasd load``).
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from contextvars import ContextVar
from dataclasses import dataclass

from rasd.exceptions import MarkingDowngrade, NotFound, StoreError
from rasd.records import AuditEntry, Document
from rasd.store.base import Store
from rasd.taxonomy import tlp_rank


@dataclass(frozen=True)
class MarkingRule:
    """How the marking of a re-added report is settled.

    ``explicit``: the marking was given (``--tlp``, ``?tlp=``, a bundle's marking), not
    taken from the organisation's default. ``allow_downgrade``: an explicit lower marking
    replaces the stored one (audited as ``user``). ``keep_higher``: a lower marking keeps
    the stored one instead of being refused (bundles never lower a marking). ``flag``:
    how the caller's user allows a downgrade, for the error's fix."""

    explicit: bool = False
    allow_downgrade: bool = False
    keep_higher: bool = False
    flag: str = "--allow-downgrade"
    user: str = ""


@dataclass(frozen=True)
class Settled:
    """The report to store; ``lowered_from``: the stored marking an allowed downgrade
    replaces; ``note``: what was kept, for the caller to tell."""

    document: Document
    lowered_from: str | None = None
    note: str | None = None
    user: str = ""  # who lowers it (for the audit log)


def stored_copy(store: Store, document_id: str) -> Document | None:
    """The stored report with this id (read without a viewer: the system store), or None."""
    try:
        return store.get_document(document_id)
    except NotFound:
        return None


def settle(stored: Document | None, document: Document, rule: MarkingRule) -> Settled:
    """The marking ``document`` is stored with, given its ``stored`` copy (see the module)."""
    if stored is None or stored.tlp == document.tlp:
        return Settled(document)
    kept = document.model_copy(update={"tlp": stored.tlp})
    if not rule.explicit:
        return Settled(kept)
    if tlp_rank(document.tlp) > tlp_rank(stored.tlp):
        return Settled(document)
    if rule.allow_downgrade:
        return Settled(document, lowered_from=stored.tlp, user=rule.user)
    if rule.keep_higher:
        note = f"kept its stored marking {stored.tlp}; the bundle marks it {document.tlp}"
        return Settled(kept, note=f"document {document.id} {note}")
    raise downgrade_refused(stored, document.tlp, rule.flag)


def downgrade_refused(stored: Document, tlp: str, flag: str) -> MarkingDowngrade:
    name = f" ({stored.title or stored.source})" if stored.title or stored.source else ""
    return MarkingDowngrade(
        f"document {stored.id}{name}",
        f"is stored as TLP:{stored.tlp}; TLP:{tlp} would lower its marking and that of its events",
        f"to lower it on purpose add {flag} (the change is written to the audit log); to "
        f"keep TLP:{stored.tlp}, give no marking or TLP:{stored.tlp}",
    )


# -- inside the stores ----------------------------------------------------------------------

#: The downgrades permitted in this context: (document id, new marking, user) each.
_PERMITS: ContextVar[tuple[tuple[str, str, str], ...]] = ContextVar("rasd_downgrades", default=())


@contextmanager
def permit_downgrade(document: Document, user: str) -> Iterator[None]:
    """Within this block the stores may lower ``document`` to its marking (writing the
    audit entry, as ``user``, with the change), and no other report."""
    token = _PERMITS.set((*_PERMITS.get(), (document.id, document.tlp, user)))
    try:
        yield
    finally:
        _PERMITS.reset(token)


def permitted(settled: Settled) -> AbstractContextManager[None]:
    """The permit an allowed downgrade needs to be written (nothing for any other report)."""
    if settled.lowered_from is None:
        return nullcontext()
    return permit_downgrade(settled.document, settled.user)


def guard(
    stored_text: str, stored_tlp: str, document: Document
) -> tuple[Document, AuditEntry | None]:
    """``document`` as a store may write it over the stored row: StoreError if its text
    differs; a lower marking kept at ``stored_tlp`` unless permitted (then with the audit
    entry to write in the same transaction)."""
    if stored_text != document.text:
        raise StoreError(
            f"document {document.id}",
            "is stored with another text; a document id is the hash of its text, and a "
            "stored text is never replaced",
            "add the new text as a new document (Document.from_text gives its id)",
        )
    if tlp_rank(document.tlp) >= tlp_rank(stored_tlp):
        return document, None
    users = [u for i, tlp, u in _PERMITS.get() if (i, tlp) == (document.id, document.tlp)]
    if not users:
        return document.model_copy(update={"tlp": stored_tlp}), None
    return document, downgrade_entry(document, stored_tlp, users[-1])


def downgrade_entry(document: Document, previous: str, user: str) -> AuditEntry:
    return AuditEntry(
        org=document.org,
        user=user,
        action="downgrade",
        resource="documents",
        items=(document.id,),
        count=1,
        detail=f"marking lowered from {previous} to {document.tlp} (with its events)",
    )
