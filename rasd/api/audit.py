"""Writes reach the audit log from the routes that make them (reads are logged by the
scoped store itself, :mod:`rasd.store.auditing`)."""

from __future__ import annotations

from collections.abc import Sequence

from rasd.api.security import Principal
from rasd.records import AuditEntry
from rasd.store.abase import AccessStore
from rasd.store.auditing import MAX_IDS


def record_write(
    access: AccessStore,
    principal: Principal,
    resource: str,
    items: Sequence[str] = (),
    detail: str = "",
    action: str = "write",
) -> None:
    user = principal.user
    entry = AuditEntry(
        org=user.org,
        user=user.id,
        action=action,
        resource=resource,
        items=tuple(items)[:MAX_IDS],
        count=len(items),
        detail=detail,
    )
    access.audit([entry])
