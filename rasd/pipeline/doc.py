"""The working object that flows through the pipeline stages.

Records (``rasd.records``) are frozen and cross module boundaries; ``Doc`` is the
mutable scratch-pad a single pipeline run fills in, stage by stage. Each stage
declares which ``Doc`` attributes it requires and which it assigns.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING, Any

from rasd.records import Actor, Document, Event, Mention, Person, Place

if TYPE_CHECKING:
    from spacy.tokens import Doc as SpacyDoc


@dataclass(frozen=True)
class Span:
    """A character span of the document text."""

    start: int
    end: int
    text: str

    def overlaps(self, other: Span) -> bool:
        return self.start < other.end and other.start < self.end

    def contains(self, other: Span) -> bool:
        return self.start <= other.start and other.end <= self.end


@dataclass(frozen=True)
class DateMention:
    """A temporal expression resolved to an absolute date."""

    span: Span
    value: date
    precision: int  # ACLED time_precision: 1 day, 2 week, 3 month


@dataclass
class PlaceRef:
    """A place argument of an event: the mention and how it relates to the event."""

    span: Span
    near: bool = False  # "near X", "outskirts of X", "X district": geo_precision 2
    role: str = "in"  # in | near | region


@dataclass
class PersonRef:
    span: Span  # the name
    role: Span | None = None  # "so-called commander of the foreign terrorist battalion"
    nationality: Span | None = None  # where the nationality is stated ("of Uzbek nationality")
    nationality_value: str | None = None  # the canonical demonym: "Uzbek"
    status: str | None = None  # arrested | killed | injured | abducted
    actor_span: Span | None = None  # the group the person belongs to


@dataclass
class EventCandidate:
    """One detected event, filled in by the detect, arguments, geocode and actors stages."""

    sub_event_type: str
    trigger: Span
    sentence: Span
    confidence: float
    # arguments (spans)
    date: DateMention | None = None
    date_evidence: Span | None = None
    actor1: list[Span] = field(default_factory=list)  # first is actor1, rest assoc_actor_1
    actor2: list[Span] = field(default_factory=list)  # first is actor2, rest assoc_actor_2
    places: list[PlaceRef] = field(default_factory=list)  # most specific first
    fatalities: int = 0
    fatalities_span: Span | None = None
    persons: list[PersonRef] = field(default_factory=list)
    # resolutions
    place: Place | None = None
    place_span: Span | None = None
    geo_precision: int = 1
    actor1_resolved: list[Actor] = field(default_factory=list)
    actor2_resolved: list[Actor] = field(default_factory=list)
    persons_resolved: list[Person] = field(default_factory=list)
    # other mentions of the same incident merged into this one
    merged: list[EventCandidate] = field(default_factory=list)
    notes: str = ""


@dataclass
class Doc:
    """Pipeline state for one document."""

    document: Document
    spacy: SpacyDoc | None = None
    sentences: list[Span] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    dates: list[DateMention] = field(default_factory=list)
    candidates: list[EventCandidate] = field(default_factory=list)
    places: dict[tuple[int, int], Place] = field(default_factory=dict)  # toponym span -> place
    actors: dict[tuple[int, int], Actor] = field(default_factory=dict)  # actor span -> actor
    events: list[Event] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    # attributes already assigned, for the pipeline's order checks
    assigned: set[str] = field(default_factory=lambda: {"document"})
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return self.document.text

    def span(self, start: int, end: int) -> Span:
        return Span(start, end, self.document.text[start:end])

    def sentence_of(self, offset: int) -> Span:
        """The sentence containing a character offset (the whole text if no sentences)."""
        for sent in self.sentences:
            if sent.start <= offset < sent.end:
                return sent
        return Span(0, len(self.text), self.text)
