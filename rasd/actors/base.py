"""The actor knowledge-base interface."""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import date
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


# --- Optional richer interface (additive). YamlActorKB and FakeActorKB implement it;
# the actors stage uses it when the knowledge base offers it and falls back to the
# plain ActorKB methods otherwise.


@dataclass(frozen=True)
class ActorInfo:
    """Knowledge-base facts about an actor that the Actor record does not carry."""

    id: str
    parent: str | None = None  # the actor id this one is a unit/branch of
    kind: str = ""  # state | unit | agency | militia | ... | spokesbody | media
    country: str = ""

    @property
    def is_actor(self) -> bool:
        """False for spokes-bodies and media outlets, which never take part in events."""
        return self.kind not in NON_ACTOR_KINDS


NON_ACTOR_KINDS = frozenset({"spokesbody", "media"})


@runtime_checkable
class ActorResolver(Protocol):
    def find(self, text: str) -> Actor | None:
        """The actor heading a longer noun phrase ("ISIS terrorist gangs" -> Islamic State)."""
        ...

    def find_all(self, text: str) -> list[tuple[int, int, Actor]]:
        """Every known actor alias in a text: (start, end, actor), non-overlapping."""
        ...

    def context_match(self, text: str, present: Collection[str]) -> Actor | None:
        """Match vague phrases ("the terrorist organization") only to actors in ``present``."""
        ...

    def info(self, actor_id: str) -> ActorInfo | None: ...

    def localise(self, actor: Actor, when: date | None = None, country: str | None = None) -> Actor:
        """The actor as ACLED names it for an event on ``when`` in ``country``."""
        ...
