"""STIX 2.x import: a bundle's reports become rasd documents (with their events when
the bundle was made by rasd).

:func:`import_bundle` reads a bundle (a file or JSON text) and returns an
:class:`ImportResult`, never touching the store:

* a ``report`` (or ``grouping``) that carries ``x_rasd_document`` (made by
  ``rasd export --format stix``) gives back the exact Document and, from the
  ``x_rasd_event`` of the sightings it lists, the exact Events (``coded``);
* any other report (OpenCTI, MISP...) gives a Document whose text is its name and
  description, for the caller to run through the pipeline (``coded`` false).

The importing organisation owns what is imported. A rasd document keeps its id when it
was exported by the same organisation; otherwise the id is the content hash
namespaced by the new owner (:func:`rasd.records.content_id`) and its events get ids
derived from the new document id and their old ids, so importing twice still gives
the same ids. The TLP comes from the report's ``object_marking_refs`` (TLP 1.0, the
OASIS TLP 2.0 definitions, OpenCTI's TLP:AMBER+STRICT, or any marking definition in the
bundle that names a TLP level); the most restricted wins; unmarked reports take
``tlp_default``.

Bad input: a file that is not JSON or not a bundle raises
:class:`rasd.exceptions.InputError`; one invalid object or report is reported as an
:class:`rasd.records.IngestProblem` and skipped, and the rest goes on.
:func:`save_coded` stores coded documents through the one write path
(:func:`rasd.knowledge.write.save_extraction`).
"""

from __future__ import annotations

import hashlib
import json
import stat
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

import stix2
from pydantic import ValidationError
from stix2.exceptions import STIXError

from rasd.exceptions import InputError
from rasd.exchange.stix_export import TLP2_EXTENSION, TLP2_IDS
from rasd.records import Document, Event, IngestProblem, content_id
from rasd.taxonomy import DEFAULT_TLP, LOCAL_ORG, TLP_LEVELS, tlp_rank

if TYPE_CHECKING:
    from rasd.knowledge.dedup import KStore
    from rasd.knowledge.write import Knowledge
    from rasd.store.base import AddResult

#: OpenCTI's own TLP:AMBER+STRICT marking (pycti MarkingDefinition.generate_id("TLP", ...)).
OPENCTI_AMBER_STRICT = "marking-definition--826578e1-40ad-459f-bc73-ede076f81f37"
#: Every marking-definition id rasd knows without seeing its object.
KNOWN_MARKINGS: dict[str, str] = {
    stix2.TLP_WHITE.id: "CLEAR",
    stix2.TLP_GREEN.id: "GREEN",
    stix2.TLP_AMBER.id: "AMBER",
    stix2.TLP_RED.id: "RED",
    OPENCTI_AMBER_STRICT: "AMBER+STRICT",
    **{marking_id: level for level, marking_id in TLP2_IDS.items()},
}
CONTAINERS = ("report", "grouping")
BUNDLE_FIX = (
    "give a STIX 2.1 bundle as JSON: rasd export --format stix, OpenCTI's "
    "'STIX 2.1' export, or MISP's STIX 2.1 export"
)


@dataclass(frozen=True)
class Imported:
    """One document of a bundle: with its events when rasd coded it (``coded``)."""

    document: Document
    events: tuple[Event, ...] = ()
    coded: bool = False
    marked: bool = False  # its marking is the bundle's (not the importing org's default)


@dataclass
class ImportResult:
    source: str  # the file (or "STIX text") it came from
    items: list[Imported] = field(default_factory=list)
    problems: list[IngestProblem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)  # read, but not as the bundle said

    @property
    def coded(self) -> list[Imported]:
        return [i for i in self.items if i.coded]

    @property
    def uncoded(self) -> list[Document]:
        """Documents for the pipeline (reports from other systems)."""
        return [i.document for i in self.items if not i.coded]


@dataclass(frozen=True)
class _Options:
    source: str
    org: str
    tlp_default: str
    warnings: list[str] = field(default_factory=list, compare=False)


# -- reading -----------------------------------------------------------------------------


def import_bundle(
    source: str | Path, *, org: str = LOCAL_ORG, tlp_default: str = DEFAULT_TLP
) -> ImportResult:
    """The documents (and rasd events) of a STIX bundle: a file path, or the JSON text."""
    tlp_rank(tlp_default)  # a bad default is a programming error: ValueError names it
    name, data = read_bundle(source)
    objects, problems = parse_objects(name, data)
    result = ImportResult(name, problems=problems)
    options = _Options(name, org, tlp_default, result.warnings)
    levels = marking_levels(objects.values())
    found: dict[str, Imported] = {}
    for obj in objects.values():
        if obj.get("type") not in CONTAINERS:
            continue
        item = _container(obj, objects, levels, options, result.problems)
        if item is not None:
            found[item.document.id] = _merge(found.get(item.document.id), item)
    result.items = list(found.values())
    return result


def read_bundle(source: str | Path) -> tuple[str, dict[str, Any]]:
    """(name, bundle dict) of a file or JSON text; InputError naming it when it is not one."""
    if isinstance(source, str) and source.lstrip().startswith("{"):
        name, text = "STIX text", source
    else:
        name, text = str(source), _read_text(Path(source))
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputError(name, f"is not JSON ({exc.msg})", BUNDLE_FIX, line=exc.lineno) from None
    except RecursionError:
        raise InputError(
            name,
            "nests JSON arrays or objects too deep to read (a STIX bundle is a few levels deep)",
            BUNDLE_FIX,
        ) from None
    if not isinstance(data, dict) or data.get("type") != "bundle":
        raise InputError(
            name, 'is not a STIX bundle (expected a JSON object with "type": "bundle")', BUNDLE_FIX
        )
    if not isinstance(data.get("objects", []), list):
        raise InputError(name, 'has "objects" that is not a list', BUNDLE_FIX)
    return name, data


def _read_text(path: Path) -> str:
    try:
        if not stat.S_ISREG(path.stat().st_mode):  # a FIFO hangs, /dev/zero never ends
            raise InputError(
                str(path),
                "is not a regular file (a directory, a pipe or a device)",
                "give the path of a STIX bundle saved as a .json file",
            )
        return path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InputError(str(path), "does not exist", "check the path of the bundle") from None
    except UnicodeDecodeError:
        raise InputError(str(path), "is not UTF-8 text", "save the bundle as UTF-8 JSON") from None
    except OSError as exc:
        raise InputError(
            str(path), f"cannot be read ({exc.strerror})", "give a readable JSON file"
        ) from None


def parse_objects(name: str, data: Mapping[str, Any]) -> tuple[dict[str, Any], list[IngestProblem]]:
    """Every valid object by id (validated by the stix2 library); the invalid ones reported.

    The plain dicts are kept (lighter), with their markings as the library read them:
    ``object_marking_refs`` always a list (a single string is one marking), plus the
    ``marking_ref`` of every granular marking (a marked part marks the whole report)."""
    objects: dict[str, Any] = {}
    problems: list[IngestProblem] = []
    for number, raw in enumerate(data.get("objects") or [], start=1):
        try:
            objects[raw["id"]] = _parsed(raw)
        except UnicodeEncodeError:
            problems.append(_object_problem(name, number, raw, ValueError(SURROGATE)))
        except (STIXError, ValueError, TypeError, KeyError, AttributeError, RecursionError) as exc:
            problems.append(_object_problem(name, number, raw, exc))
    return objects, problems


SURROGATE = (
    "it holds a lone surrogate (an escape such as \\ud800 that is half of a character), "
    "which is not text"
)


def _parsed(raw: object) -> dict[str, Any]:
    if not isinstance(raw, dict) or not isinstance(raw.get("id"), str):
        raise ValueError("it is not a JSON object with an id")
    json.dumps(raw, ensure_ascii=False).encode("utf-8")  # UnicodeEncodeError: a surrogate
    parsed = stix2.parse(raw, allow_custom=True)  # validates
    refs = [str(ref) for ref in parsed.get("object_marking_refs") or ()]
    refs += [
        str(g.marking_ref) for g in parsed.get("granular_markings") or () if "marking_ref" in g
    ]
    return {**raw, "object_marking_refs": refs} if refs or "object_marking_refs" in raw else raw


def _object_problem(name: str, number: int, raw: object, exc: BaseException) -> IngestProblem:
    what = f"{raw.get('type', '?')} {raw.get('id', '?')}" if isinstance(raw, dict) else "?"
    reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return IngestProblem(
        source=name,
        message=printable(f"object {number} ({what}) is not valid STIX: {reason}"),
        fix="correct or remove that object; the rest of the bundle was read",
    )


def printable(text: str) -> str:
    """``text`` with any lone surrogate written as its escape (so it can be printed)."""
    return text.encode("utf-8", "backslashreplace").decode("utf-8")


# -- markings ----------------------------------------------------------------------------


#: The level of a marking that is readable but not a TLP marking (a statement): ignored.
NOT_TLP = ""
#: The level of a marking rasd cannot read (unknown id, unreadable TLP): the most restricted.
UNREADABLE = "RED"


def marking_levels(objects: Iterable[Any]) -> dict[str, str]:
    """marking-definition id -> rasd TLP level: the known ids and every marking definition
    in the bundle (:data:`NOT_TLP` for a statement, :data:`UNREADABLE` for a TLP marking
    whose level cannot be read)."""
    levels = dict(KNOWN_MARKINGS)
    for obj in objects:
        if obj.get("type") == "marking-definition" and obj["id"] not in levels:
            levels[obj["id"]] = _marking_level(obj)
    return levels


def _marking_level(obj: Mapping[str, Any]) -> str:
    candidates: list[object] = []
    if obj.get("definition_type") == "tlp":
        candidates.append((obj.get("definition") or {}).get("tlp"))
    extension = (obj.get("extensions") or {}).get(TLP2_EXTENSION)
    if extension is not None:
        candidates.append(extension.get("tlp_2_0"))
    if str(obj.get("x_opencti_definition_type", "")).upper() == "TLP":
        candidates.append(obj.get("x_opencti_definition"))
    claims_tlp = bool(candidates)
    candidates.append(obj.get("name"))
    for candidate in candidates:
        level = tlp_level(candidate)
        if level is not None:
            return level
    return UNREADABLE if claims_tlp else NOT_TLP


def tlp_level(text: object) -> str | None:
    """'TLP:AMBER+STRICT', 'amber+strict', 'white'... -> a rasd TLP level, or None."""
    if not isinstance(text, str):
        return None
    value = text.strip().upper().removeprefix("TLP:").strip().replace("_", "+")
    value = "CLEAR" if value == "WHITE" else value
    return value if value in TLP_LEVELS else None


def tlp_of(obj: Mapping[str, Any], levels: Mapping[str, str], default: str) -> str:
    """The most restricted TLP among an object's markings (a marking rasd cannot read
    counts as RED, never as none), or ``default`` if it has no TLP marking."""
    found = [_level(ref, levels) for ref in marking_refs(obj)]
    tlps = [level for level in found if level != NOT_TLP]
    return max(tlps, key=tlp_rank) if tlps else default


def marking_refs(obj: Mapping[str, Any]) -> list[str]:
    """The object's marking refs (as :func:`parse_objects` left them: a list)."""
    refs = obj.get("object_marking_refs") or []
    return [refs] if isinstance(refs, str) else [str(ref) for ref in refs]


def _level(ref: str, levels: Mapping[str, str]) -> str:
    return levels.get(ref, UNREADABLE)


# -- reports -----------------------------------------------------------------------------


def _container(
    obj: Any,
    objects: Mapping[str, Any],
    levels: Mapping[str, str],
    options: _Options,
    problems: list[IngestProblem],
) -> Imported | None:
    """One report as an Imported, or None (and a problem) when it cannot be one."""
    marked = any(_level(ref, levels) != NOT_TLP for ref in marking_refs(obj))
    tlp = tlp_of(obj, levels, options.tlp_default)
    creator = _creator(obj, objects)
    try:
        if "x_rasd_document" in obj:
            return _rasd_report(obj, objects, (tlp if marked else None), creator, options, problems)
        return Imported(_foreign_document(obj, tlp, creator, options.org), marked=marked)
    except (ValidationError, ValueError, TypeError, RecursionError) as exc:
        problems.append(
            IngestProblem(
                source=options.source,
                message=printable(
                    f"{obj['type']} {obj['id']} cannot be read as a document ({_reason(exc)})"
                ),
                fix="correct it or export it again; the other reports were read",
            )
        )
        return None


def _reason(exc: BaseException) -> str:
    if isinstance(exc, ValidationError):
        err = exc.errors()[0]
        return f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']}"
    return str(exc)


def _creator(obj: Mapping[str, Any], objects: Mapping[str, Any]) -> str:
    creator = objects.get(str(obj.get("created_by_ref") or ""))
    name = creator.get("name") if creator is not None else None
    return str(name) if name else "unknown"


def _rasd_report(
    obj: Any,
    objects: Mapping[str, Any],
    marking: str | None,
    creator: str,
    options: _Options,
    problems: list[IngestProblem],
) -> Imported:
    """A rasd report with all its events, or ValueError when one of them is missing or
    invalid: storing the rest would drop that event from the store (an add replaces).
    Its marking: the most restricted of the bundle's and the document's own. A document
    whose id is not the hash of its text (:func:`rasd.records.content_id`) comes in as a
    foreign report, without its events."""
    original = Document.model_validate(dict(obj["x_rasd_document"]))
    tlp = max((original.tlp, marking or original.tlp), key=tlp_rank)
    if original.id != content_id(original.text, original.org):
        options.warnings.append(
            printable(
                f"{obj['type']} {obj['id']}: its document id {original.id} is not the hash of "
                f"its text; read as a new report of {options.org}, for the pipeline"
            )
        )
        return Imported(_owned(original, tlp, creator, options.org, trusted=False), marked=True)
    document = _owned(original, tlp, creator, options.org)
    events: list[Event] = []
    lost = 0
    for ref in obj.get("object_refs") or ():
        if not str(ref).startswith("sighting--"):
            continue
        event = _rasd_event(ref, objects.get(ref), options, problems)
        if event is None:
            lost += 1
        else:
            events.append(rehome(event, document))
    if lost:
        raise ValueError(
            f"{lost} of its sightings are missing or invalid (see above); the report is "
            "skipped so that storing it does not remove their events"
        )
    return Imported(document, tuple(events), coded=True, marked=True)


def _rasd_event(
    ref: str, sighting: Mapping[str, Any] | None, options: _Options, problems: list[IngestProblem]
) -> Event | None:
    if sighting is None or "x_rasd_event" not in sighting:
        return None  # invalid (already reported) or stripped of rasd's properties
    try:
        return Event.model_validate(dict(sighting["x_rasd_event"]))
    except (ValidationError, TypeError, ValueError) as exc:
        problems.append(
            IngestProblem(
                source=options.source,
                message=f"sighting {ref} has an invalid x_rasd_event ({_reason(exc)})",
                fix="export the event again with rasd; the other reports were read",
            )
        )
        return None


def _owned(
    original: Document, tlp: str, creator: str, org: str, *, trusted: bool = True
) -> Document:
    """The document as the importing organisation owns it (unchanged if it already did
    and its id is ``trusted``; else its id is the hash of its text for ``org``)."""
    if trusted and original.org == org:
        return original.model_copy(update={"tlp": tlp})
    source = f"stix:{creator}" + (f" ({original.source})" if original.source else "")
    return Document.from_text(
        original.text,
        source=source,
        url=original.url,
        title=original.title,
        published_at=original.published_at,
        language=original.language,
        org=org,
        tlp=tlp,
    )


def rehome(event: Event, document: Document) -> Event:
    """The event as part of ``document``: its owner and marking, and (if the document
    id changed) a new id derived from the document id and the old one."""
    update: dict[str, Any] = {"org": document.org, "tlp": document.tlp}
    if event.document_id != document.id:
        key = f"{document.id}:{event.id}".encode()
        update["id"] = hashlib.sha256(key).hexdigest()[:24]
        update["document_id"] = document.id
        update["evidence"] = tuple(
            e.model_copy(update={"document_id": document.id}) for e in event.evidence
        )
    return event.model_copy(update=update)


def _foreign_document(obj: Any, tlp: str, creator: str, org: str) -> Document:
    """A report from another system: its name and description, for the pipeline."""
    name = str(obj.get("name") or "").strip()
    description = str(obj.get("description") or "").strip()
    text = "\n\n".join(part for part in (name, description) if part)
    if not text:
        raise ValueError("it has neither a name nor a description: there is no text to read")
    return Document.from_text(
        text,
        source=f"stix:{creator}",
        url=_url(obj),
        title=name or None,
        published_at=_day(obj.get("published") or obj.get("created")),
        language=str(obj.get("lang") or "en"),
        org=org,
        tlp=tlp,
    )


def _url(obj: Mapping[str, Any]) -> str | None:
    for ref in obj.get("external_references") or ():
        if ref.get("url"):
            return str(ref["url"])
    return None


def _day(value: object) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, str) and value:
        return datetime.fromisoformat(value.replace("Z", "+00:00")).date()
    return None


def _merge(old: Imported | None, new: Imported) -> Imported:
    """Two reports with one text are one document: keep every event once."""
    if old is None:
        return new
    events = {e.id: e for e in (*old.events, *new.events)}
    tlp = max(old.document.tlp, new.document.tlp, key=tlp_rank)
    document = new.document.model_copy(update={"tlp": tlp})
    events = {i: e.model_copy(update={"tlp": tlp}) for i, e in events.items()}
    return Imported(
        document, tuple(events.values()), old.coded or new.coded, old.marked or new.marked
    )


# -- storing -----------------------------------------------------------------------------


def save_coded(
    store: KStore, items: Iterable[Imported], knowledge: Knowledge | None = None
) -> list[AddResult]:
    """Store rasd-coded documents with their events through the one write path
    (corrections, de-duplication and person resolution run as for any extraction)."""
    from rasd.knowledge.write import save_extraction

    return [
        save_extraction(store, item.document, item.events, (), knowledge).result
        for item in items
        if item.coded
    ]
