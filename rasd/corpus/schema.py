"""The corpus record: one labelled example (a sentence or short passage) per JSONL line.

Every label is a character span of ``text`` with a role, so the same record trains the
event-type head (``sub_event_type``), the role head (``spans``), the toll head
(``fatalities``/``wounded`` with their ``fatalities`` span) and the place head
(``place`` span plus ``geonameid``).
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from rasd.taxonomy import SUB_EVENT_TYPES

#: Span roles. actor1/assoc_actor/actor2 follow ACLED; target/victim/weapon follow
#: MUC-4-style role filling; claimant is whoever claimed or attributed the act.
ROLES = (
    "actor1",
    "assoc_actor",
    "actor2",
    "target",
    "victim",
    "weapon",
    "place",
    "date",
    "fatalities",
    "claimant",
)
#: Roles that may occur more than once in one example.
MULTI_ROLES = ("assoc_actor", "actor2", "target", "victim", "weapon", "place")

#: What a non-event example is (sub_event_type null).
NONEVENT_KINDS = (
    "commentary",
    "analysis",
    "threat",
    "plan",
    "denial",
    "history",
    "statistics",
    "condition",
    "quoted",
    "figurative",
    "other",
)

#: The voice an example is written in.
VOICES = (
    "wire",
    "local",
    "ministry",
    "armed_group",
    "ngo",
    "social",
    "acled_note",
    "headline",
    "monitor",
)

Split = Literal["train", "valid"]


class Span(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    role: str
    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _check(self) -> Span:
        if self.role not in ROLES:
            raise ValueError(f"role must be one of {', '.join(ROLES)}; got {self.role!r}")
        if self.end <= self.start:
            raise ValueError(f"span {self.text!r} ends before it starts")
        return self


class Example(BaseModel):
    """One labelled example. ``sub_event_type`` is None for a non-event (``nonevent`` says
    what kind); ``other_types`` lists further sub-event types the passage also reports."""

    model_config = ConfigDict(extra="forbid")

    id: str
    lang: Literal["en", "ar"] = "en"
    split: Split = "train"
    voice: str
    country: str = Field(min_length=2, max_length=2)  # ISO 3166-1 alpha-2 of the event/topic
    text: str = Field(min_length=8)
    sub_event_type: str | None = None
    nonevent: str | None = None
    other_types: list[str] = Field(default_factory=list)
    spans: list[Span] = Field(default_factory=list)
    geonameid: int | None = None  # the intended GeoNames id of the first place span
    fatalities: int | None = Field(default=None, ge=0)
    wounded: int | None = Field(default=None, ge=0)

    @model_validator(mode="after")
    def _check(self) -> Example:
        for label in [self.sub_event_type, *self.other_types]:
            if label is not None and label not in SUB_EVENT_TYPES:
                raise ValueError(f"unknown sub-event type {label!r}")
        if self.sub_event_type is None and self.nonevent not in NONEVENT_KINDS:
            raise ValueError(f"a non-event needs nonevent, one of {', '.join(NONEVENT_KINDS)}")
        if self.sub_event_type is not None and self.nonevent is not None:
            raise ValueError("an event example has no nonevent kind")
        if self.voice not in VOICES:
            raise ValueError(f"voice must be one of {', '.join(VOICES)}; got {self.voice!r}")
        for span in self.spans:
            if self.text[span.start : span.end] != span.text:
                raise ValueError(f"span {span.text!r} is not at {span.start}:{span.end}")
        singles = [s.role for s in self.spans if s.role not in MULTI_ROLES]
        if len(singles) != len(set(singles)):
            raise ValueError(f"roles given twice: {sorted(singles)}")
        return self

    def spans_of(self, role: str) -> list[Span]:
        return [s for s in self.spans if s.role == role]
