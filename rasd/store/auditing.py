"""Reads of AMBER and RED items go to the audit log, from the store itself.

Mixed into SqlStore and MemoryStore: a store scoped to a viewer (``store.scoped``)
calls :meth:`ReadAudit._audit_read` after every read that returned events or
documents, so no endpoint, export or profile can read a restricted item unlogged.
The local system (``viewer`` None: the command line) is not logged: it reads the
database directly.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from rasd.records import SYSTEM_USER, AuditEntry, Viewer
from rasd.store.visibility import restricted
from rasd.taxonomy import tlp_rank

MAX_IDS = 1000  # ids kept in one entry; ``count`` has them all


class ReadAudit:
    _viewer: Viewer | None
    audit: Callable[[Sequence[AuditEntry]], None]  # provided by the access mixin

    def _audit_read(self, resource: str, items: Sequence[tuple[str, str]]) -> None:
        """Log that the viewer read these (id, marking) items, if any is AMBER or RED."""
        viewer = self._viewer
        if viewer is None or viewer.user == SYSTEM_USER:
            return
        marked = [(item, tlp) for item, tlp in items if restricted(tlp)]
        if not marked:
            return
        entry = AuditEntry(
            org=viewer.org,
            user=viewer.user,
            action="read",
            resource=resource,
            items=tuple(dict.fromkeys(item for item, _ in marked))[:MAX_IDS],
            count=len(marked),
            tlp=max((tlp for _, tlp in marked), key=tlp_rank),
        )
        self.audit([entry])
