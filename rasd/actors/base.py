"""The actor knowledge-base interface."""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

from rasd.records import Actor


@runtime_checkable
class ActorKB(Protocol):
    def load(self) -> None:
        """Read the YAML files (idempotent). Constructors never load."""

    def match(self, text: str) -> Actor | None:
        """The actor a name or alias denotes ("Daesh", "the CTS"), or None."""
        ...

    def generic(self, text: str, country: str | None = None) -> Actor | None:
        """ACLED-style fallback for descriptive phrases ("unidentified gunmen")."""
        ...

    def get(self, actor_id: str) -> Actor | None: ...

    def patterns(self) -> list[dict[str, Any]]:
        """spaCy EntityRuler patterns, label "ACTOR", with ``id`` set to the actor id."""
        ...
