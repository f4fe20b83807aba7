"""SQLAlchemy 2 declarative models: the database schema of the event store.

Only the store package imports this module; records go in and records come out
(see :mod:`rasd.store.mapping`). Types are dialect-neutral (``String``, ``Text``,
``Integer``, ``BigInteger``, ``Float``, ``Date``, ``DateTime``) so PostgreSQL can
follow SQLite. Constraint names follow :data:`NAMING_CONVENTION`, so later
Alembic batch migrations on SQLite can drop or alter them by name.

Actors are coded twice on purpose: ``actors`` holds the latest knowledge-base
view of each actor, while ``event_actors`` keeps a snapshot of the name, type and
country an event was coded with, so an event always reads back as it was stored.

Every document, event and correction has an owning organisation (``org``) and
documents and events a TLP 2.0 marking (``tlp``); an event always carries its
document's. Every read goes through :mod:`rasd.store.query`, where the visibility
filter is. Organisations, users, tokens, shares and the audit log are in
:mod:`rasd.store.amodels`.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship

from rasd.taxonomy import DEFAULT_TLP, LOCAL_ORG

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

ID = 128  # content hashes and event ids are 24-64 characters
ACTOR_ID = 255
NAME = 255
CODE = 16
ORG = 64


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class DocumentRow(Base):
    __tablename__ = "documents"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)  # content hash
    text: Mapped[str] = mapped_column(Text)
    source: Mapped[str] = mapped_column(Text, default="")
    url: Mapped[str | None] = mapped_column(Text)
    title: Mapped[str | None] = mapped_column(Text)
    published_at: Mapped[date | None] = mapped_column(Date)
    language: Mapped[str] = mapped_column(String(35), default="en")
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    org: Mapped[str] = mapped_column(String(ORG), server_default=LOCAL_ORG, index=True)
    tlp: Mapped[str] = mapped_column(String(CODE), server_default=DEFAULT_TLP)

    events: Mapped[list[EventRow]] = relationship(
        back_populates="document", cascade="all, delete-orphan", passive_deletes=True
    )


class ActorRow(Base):
    """Latest known view of a knowledge-base actor (upserted on every add)."""

    __tablename__ = "actors"

    id: Mapped[str] = mapped_column(String(ACTOR_ID), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    actor_type: Mapped[int] = mapped_column(Integer)
    country: Mapped[str] = mapped_column(String(NAME), default="")


class EventRow(Base):
    __tablename__ = "events"
    __table_args__ = (Index("ix_events_latitude_longitude", "latitude", "longitude"),)

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), index=True
    )
    event_date: Mapped[date | None] = mapped_column(Date, index=True)
    time_precision: Mapped[int] = mapped_column(Integer)
    event_type: Mapped[str] = mapped_column(String(64), index=True)
    sub_event_type: Mapped[str] = mapped_column(String(64), index=True)
    # Denormalised primary actors (the full coding is in event_actors).
    actor1_id: Mapped[str | None] = mapped_column(String(ACTOR_ID))
    actor1_name: Mapped[str | None] = mapped_column(Text)
    actor1_type: Mapped[int | None] = mapped_column(Integer)
    actor2_id: Mapped[str | None] = mapped_column(String(ACTOR_ID))
    actor2_name: Mapped[str | None] = mapped_column(Text)
    actor2_type: Mapped[int | None] = mapped_column(Integer)
    # Place: place_name IS NULL means the event has no place.
    location: Mapped[str] = mapped_column(Text, default="")
    place_name: Mapped[str | None] = mapped_column(Text)
    geonameid: Mapped[int | None] = mapped_column(BigInteger)
    country: Mapped[str | None] = mapped_column(String(NAME), index=True)
    country_code: Mapped[str | None] = mapped_column(String(CODE))
    admin1: Mapped[str | None] = mapped_column(String(NAME), index=True)
    admin2: Mapped[str | None] = mapped_column(String(NAME))
    latitude: Mapped[float | None] = mapped_column(Float)
    longitude: Mapped[float | None] = mapped_column(Float)
    feature_class: Mapped[str | None] = mapped_column(String(CODE))
    feature_code: Mapped[str | None] = mapped_column(String(CODE))
    population: Mapped[int | None] = mapped_column(BigInteger)
    geo_precision: Mapped[int] = mapped_column(Integer)
    fatalities: Mapped[int] = mapped_column(Integer, default=0)
    notes: Mapped[str] = mapped_column(Text, default="")
    confidence: Mapped[float] = mapped_column(Float)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    org: Mapped[str] = mapped_column(String(ORG), server_default=LOCAL_ORG, index=True)
    tlp: Mapped[str] = mapped_column(String(CODE), server_default=DEFAULT_TLP, index=True)

    document: Mapped[DocumentRow] = relationship(back_populates="events")
    actors: Mapped[list[EventActorRow]] = relationship(
        cascade="all, delete-orphan",
        passive_deletes=True,
        order_by="(EventActorRow.role, EventActorRow.position)",
    )
    persons: Mapped[list[PersonRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="PersonRow.position"
    )
    evidence: Mapped[list[EvidenceRow]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="EvidenceRow.position"
    )


class EventActorRow(Base):
    """One actor of one event in one role (actor1, assoc_actor_1, actor2, assoc_actor_2)."""

    __tablename__ = "event_actors"
    # Covering index of the actor filter: an actor's events without reading the rows (0003).
    __table_args__ = (Index("ix_event_actors_actor_id_event_id", "actor_id", "event_id"),)

    event_id: Mapped[str] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    role: Mapped[str] = mapped_column(String(16), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    actor_id: Mapped[str] = mapped_column(ForeignKey("actors.id"), index=True)
    # Snapshot of the actor as coded in this event.
    name: Mapped[str] = mapped_column(Text)
    actor_type: Mapped[int] = mapped_column(Integer)
    country: Mapped[str] = mapped_column(String(NAME), default="")


class PersonRow(Base):
    __tablename__ = "persons"

    event_id: Mapped[str] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    role: Mapped[str | None] = mapped_column(Text)
    nationality: Mapped[str | None] = mapped_column(Text)
    actor_id: Mapped[str | None] = mapped_column(String(ACTOR_ID))
    status: Mapped[str | None] = mapped_column(Text)


class EvidenceRow(Base):
    __tablename__ = "evidence"

    event_id: Mapped[str] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    field: Mapped[str] = mapped_column(String(64))
    document_id: Mapped[str] = mapped_column(String(ID))
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    sentence: Mapped[str] = mapped_column(Text)
    sentence_start: Mapped[int] = mapped_column(Integer, default=0)


class MentionRow(Base):
    """Optional labelled spans of a document (entities, dates...), replaced on re-add."""

    __tablename__ = "mentions"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[int] = mapped_column(Integer)
    end: Mapped[int] = mapped_column(Integer)
    text: Mapped[str] = mapped_column(Text)
    label: Mapped[str] = mapped_column(String(64))
    kb_id: Mapped[str | None] = mapped_column(String(ACTOR_ID))


# -- knowledge across reports (rasd.knowledge) ---------------------------------------------


class ExtractionRow(Base):
    """The pipeline's own events for a document, before corrections (JSON list of Event).

    Corrections are re-applied to this on every change, so undoing one never needs
    the pipeline; ``rasd reprocess`` replaces it with a fresh extraction.
    """

    __tablename__ = "extractions"

    document_id: Mapped[str] = mapped_column(
        ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True
    )
    events_json: Mapped[str] = mapped_column(Text)
    extracted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class CorrectionRow(Base):
    """Append-only audit log of analyst corrections (no foreign keys: it outlives events)."""

    __tablename__ = "corrections"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    action: Mapped[str] = mapped_column(String(32))
    target: Mapped[str] = mapped_column(String(ACTOR_ID), index=True)
    other: Mapped[str | None] = mapped_column(String(ACTOR_ID), index=True)
    field: Mapped[str | None] = mapped_column(String(64))
    value: Mapped[str | None] = mapped_column(Text)
    document_id: Mapped[str | None] = mapped_column(String(ID), index=True)
    anchor_start: Mapped[int | None] = mapped_column(Integer)
    anchor_end: Mapped[int | None] = mapped_column(Integer)
    reverts: Mapped[int | None] = mapped_column(Integer)
    analyst: Mapped[str] = mapped_column(String(NAME))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    org: Mapped[str] = mapped_column(String(ORG), server_default=LOCAL_ORG, index=True)


class EventLinkRow(Base):
    """Two events reporting the same incident (a < b), with the reason."""

    __tablename__ = "event_links"

    a: Mapped[str] = mapped_column(ForeignKey("events.id", ondelete="CASCADE"), primary_key=True)
    b: Mapped[str] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    origin: Mapped[str] = mapped_column(String(16))
    score: Mapped[float] = mapped_column(Float)
    reason: Mapped[str] = mapped_column(Text, default="")


class EventClusterRow(Base):
    """Each event's canonical event (cluster): the id of its representative event."""

    __tablename__ = "event_clusters"

    event_id: Mapped[str] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    cluster_id: Mapped[str] = mapped_column(String(ID), index=True)


class PersonEntityRow(Base):
    """A person known across reports; ``key`` is the normalised name used to match."""

    __tablename__ = "person_entities"

    id: Mapped[str] = mapped_column(String(ID), primary_key=True)
    name: Mapped[str] = mapped_column(Text)
    key: Mapped[str] = mapped_column(String(NAME), index=True)


class PersonRefRow(Base):
    """One person mention of an event, resolved to a person entity."""

    __tablename__ = "person_refs"

    event_id: Mapped[str] = mapped_column(
        ForeignKey("events.id", ondelete="CASCADE"), primary_key=True
    )
    position: Mapped[int] = mapped_column(Integer, primary_key=True)
    person_id: Mapped[str] = mapped_column(String(ID), index=True)
    name: Mapped[str] = mapped_column(Text)


# The access tables share this metadata (one schema for Alembic); imported last on purpose.
from rasd.store import amodels as _amodels  # noqa: E402, F401
