"""The knowledge side of SqlStore (see :mod:`rasd.store.kbase` for the semantics)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import delete, func, or_, select
from sqlalchemy.orm import Session

from rasd.exceptions import NotFound
from rasd.records import Correction, Event, EventLink, PersonEntity, PersonRef
from rasd.store.common import to_utc
from rasd.store.models import (
    CorrectionRow,
    EventClusterRow,
    EventLinkRow,
    ExtractionRow,
    PersonEntityRow,
    PersonRefRow,
)
from rasd.store.write import NO_SYNC, chunks

_CORRECTION_FIELDS = tuple(f for f in Correction.model_fields if f not in ("id", "created_at"))


def missing_person(person_id: str) -> NotFound:
    return NotFound(
        f"person {person_id}",
        "is not in the store",
        "search persons by name (`rasd persons NAME` or GET /api/persons?q=NAME)",
    )


class KnowledgeSql:
    """Mixed into SqlStore, which provides ``_session`` and ``_errors``."""

    _session: Callable[..., Session]
    _errors: Callable[[str], AbstractContextManager[None]]

    # -- extractions -------------------------------------------------------------------

    def put_extraction(self, document_id: str, events: Sequence[Event]) -> None:
        payload = json.dumps([json.loads(e.model_dump_json()) for e in events])
        with (
            self._errors(f"keeping the extraction of {document_id}"),
            self._session(writing=True) as s,
        ):
            row = s.get(ExtractionRow, document_id)
            if row is None:
                s.add(
                    ExtractionRow(document_id=document_id, events_json=payload, extracted_at=_now())
                )
            else:
                row.events_json, row.extracted_at = payload, _now()
            s.commit()

    def get_extraction(self, document_id: str) -> list[Event] | None:
        with self._errors(f"reading the extraction of {document_id}"), self._session() as s:
            row = s.get(ExtractionRow, document_id)
            if row is None:
                return None
            return [Event.model_validate(e) for e in json.loads(row.events_json)]

    # -- corrections (append-only) -----------------------------------------------------

    def add_correction(self, correction: Correction) -> Correction:
        values = correction.model_dump(include=set(_CORRECTION_FIELDS))
        with self._errors("recording a correction"), self._session(writing=True) as s:
            row = CorrectionRow(**values, created_at=correction.created_at or _now())
            s.add(row)
            s.commit()
            return _row_to_correction(row)

    def corrections(
        self, *, document_id: str | None = None, subject: str | None = None
    ) -> list[Correction]:
        stmt = select(CorrectionRow).order_by(CorrectionRow.id)
        if document_id is not None:
            stmt = stmt.where(CorrectionRow.document_id == document_id)
        if subject is not None:
            stmt = stmt.where(or_(CorrectionRow.target == subject, CorrectionRow.other == subject))
        with self._errors("reading corrections"), self._session() as s:
            return [_row_to_correction(r) for r in s.scalars(stmt)]

    # -- event links and clusters ------------------------------------------------------

    def links(self, event_ids: Sequence[str]) -> list[EventLink]:
        found: dict[tuple[str, str], EventLink] = {}
        with self._errors("reading event links"), self._session() as s:
            for chunk in chunks(event_ids):
                stmt = select(EventLinkRow).where(
                    or_(EventLinkRow.a.in_(chunk), EventLinkRow.b.in_(chunk))
                )
                for r in s.scalars(stmt):
                    found[(r.a, r.b)] = EventLink(
                        a=r.a, b=r.b, origin=r.origin, score=r.score, reason=r.reason
                    )
        return [found[k] for k in sorted(found)]

    def update_links(
        self, event_ids: Sequence[str], links: Sequence[EventLink], clusters: Mapping[str, str]
    ) -> None:
        with self._errors("writing event links"), self._session(writing=True) as s:
            for chunk in chunks(event_ids):
                stmt = delete(EventLinkRow).where(
                    or_(EventLinkRow.a.in_(chunk), EventLinkRow.b.in_(chunk))
                )
                s.execute(stmt, execution_options=NO_SYNC)
            for chunk in chunks(list(clusters)):
                stmt2 = delete(EventClusterRow).where(EventClusterRow.event_id.in_(chunk))
                s.execute(stmt2, execution_options=NO_SYNC)
            s.add_all(EventLinkRow(**link.model_dump()) for link in links)
            s.add_all(EventClusterRow(event_id=e, cluster_id=c) for e, c in clusters.items())
            s.commit()

    def clusters(self, event_ids: Sequence[str]) -> dict[str, str]:
        out: dict[str, str] = {}
        with self._errors("reading event clusters"), self._session() as s:
            for chunk in chunks(event_ids):
                stmt = select(EventClusterRow).where(EventClusterRow.event_id.in_(chunk))
                out.update({r.event_id: r.cluster_id for r in s.scalars(stmt)})
        return out

    def cluster_groups(self, event_ids: Sequence[str]) -> dict[str, list[str]]:
        """cluster id -> all its members, for the clusters of ``event_ids``: clusters and
        members in one query (per chunk), so a concurrent re-clustering cannot come
        between them."""
        out: dict[str, list[str]] = {}
        with self._errors("reading event clusters"), self._session() as s:
            for chunk in chunks(sorted(set(event_ids))):
                theirs = select(EventClusterRow.cluster_id).where(
                    EventClusterRow.event_id.in_(chunk)
                )
                stmt = (
                    select(EventClusterRow.cluster_id, EventClusterRow.event_id)
                    .where(EventClusterRow.cluster_id.in_(theirs))
                    .order_by(EventClusterRow.event_id)
                )
                for cluster, event in s.execute(stmt):
                    out.setdefault(cluster, []).append(event)
        return out

    def cluster_members(self, cluster_id: str) -> list[str]:
        stmt = (
            select(EventClusterRow.event_id)
            .where(EventClusterRow.cluster_id == cluster_id)
            .order_by(EventClusterRow.event_id)
        )
        with self._errors("reading event clusters"), self._session() as s:
            return list(s.scalars(stmt))

    def cluster_sizes(self, cluster_ids: Sequence[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        with self._errors("reading event clusters"), self._session() as s:
            for chunk in chunks(sorted(set(cluster_ids))):
                stmt = (
                    select(EventClusterRow.cluster_id, func.count())
                    .where(EventClusterRow.cluster_id.in_(chunk))
                    .group_by(EventClusterRow.cluster_id)
                )
                out.update({c: int(n) for c, n in s.execute(stmt)})
        return out

    # -- persons -----------------------------------------------------------------------

    def person_entities(self, keys: Sequence[str]) -> list[PersonEntity]:
        out: list[PersonEntity] = []
        with self._errors("reading persons"), self._session() as s:
            for chunk in chunks(sorted(set(keys))):
                stmt = select(PersonEntityRow).where(PersonEntityRow.key.in_(chunk))
                out.extend(_person(r) for r in s.scalars(stmt))
        return sorted(out, key=lambda p: p.id)

    def get_person(self, person_id: str) -> PersonEntity:
        with self._errors(f"reading person {person_id}"), self._session() as s:
            row = s.get(PersonEntityRow, person_id)
            if row is None:
                raise missing_person(person_id)
            return _person(row)

    def update_person_refs(
        self, event_ids: Sequence[str], refs: Sequence[PersonRef], entities: Sequence[PersonEntity]
    ) -> None:
        with self._errors("writing person references"), self._session(writing=True) as s:
            for chunk in chunks(event_ids):
                stmt = delete(PersonRefRow).where(PersonRefRow.event_id.in_(chunk))
                s.execute(stmt, execution_options=NO_SYNC)
            for entity in entities:
                s.merge(PersonEntityRow(**entity.model_dump()))
            s.add_all(PersonRefRow(**ref.model_dump()) for ref in refs)
            s.commit()

    def person_refs(
        self, *, person_ids: Sequence[str] | None = None, event_ids: Sequence[str] | None = None
    ) -> list[PersonRef]:
        stmt = select(PersonRefRow).order_by(PersonRefRow.event_id, PersonRefRow.position)
        conditions: list[Any] = []
        if person_ids is not None:
            conditions.append(PersonRefRow.person_id.in_(list(person_ids)))
        if event_ids is not None:
            conditions.append(PersonRefRow.event_id.in_(list(event_ids)))
        with self._errors("reading person references"), self._session() as s:
            rows = s.scalars(stmt.where(*conditions))
            return [PersonRef(**{k: getattr(r, k) for k in PersonRef.model_fields}) for r in rows]

    def search_persons(self, text: str = "", limit: int = 50) -> list[PersonEntity]:
        mentioned = select(PersonRefRow.person_id).where(
            PersonRefRow.person_id == PersonEntityRow.id
        )
        stmt = (
            select(PersonEntityRow)
            .where(mentioned.exists())
            .order_by(PersonEntityRow.name, PersonEntityRow.id)
        )
        if text:
            stmt = stmt.where(func.lower(PersonEntityRow.name).contains(text.lower()))
        with self._errors("searching persons"), self._session() as s:
            return [_person(r) for r in s.scalars(stmt.limit(limit))]


def _now() -> datetime:
    return datetime.now(UTC)


def _person(row: PersonEntityRow) -> PersonEntity:
    return PersonEntity(id=row.id, name=row.name, key=row.key)


def _row_to_correction(row: CorrectionRow) -> Correction:
    created = to_utc(row.created_at)  # naive on SQLite; in the session's zone on PostgreSQL
    values = {f: getattr(row, f) for f in _CORRECTION_FIELDS}
    return Correction(id=row.id, created_at=created, **values)
