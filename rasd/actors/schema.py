"""Parse and validate actor knowledge-base YAML files (see docs/actors.md for the format).

Every problem raises :class:`~rasd.exceptions.KnowledgeBaseError` naming the file,
the entry and the fix.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from typing import Any

import yaml

from rasd.exceptions import KnowledgeBaseError
from rasd.taxonomy import ActorType

KINDS = frozenset(
    {
        "state", "unit", "agency", "command", "government", "coalition", "militia",
        "rebel", "terrorist", "party", "identity", "external", "civilian", "protesters",
        "rioters", "generic", "unidentified", "spokesbody", "media",
    }
)  # fmt: skip
#: National roles an actor can fill for its country, and the role standing in for each
#: when a country has no actor for it (a country's "army aviation" -> its military).
ROLE_PARENT: dict[str, str | None] = {
    "military": None,
    "police": None,
    "military-intelligence": "military",
    "air-force": "military",
    "army-aviation": "military",
    "counter-terrorism": "military",
    "federal-police": "police",
    "border-guard": "police",
}
NATIONAL_ROLES = frozenset(ROLE_PARENT)
_ACTOR_KEYS = frozenset(
    {
        "id", "name", "actor_type", "country", "aliases", "context_aliases", "parent",
        "kind", "regime", "national", "by_country", "note",
    }
)  # fmt: skip
_GENERIC_KEYS = frozenset({"id", "name", "actor_type", "phrases", "national", "kind", "note"})
_FILE_KEYS = frozenset({"description", "country", "regimes", "actors", "generics"})
#: PyYAML's C safe loader when available (several times faster), else the Python one.
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
_TYPES_HELP = (
    "use an ACLED inter code 1-8: 1 state forces, 2 rebel group, 3 political militia, "
    "4 identity militia, 5 rioters, 6 protesters, 7 civilians, 8 external/other forces"
)


@dataclass(frozen=True)
class Period:
    """A government period: from ``start`` on, state actors carry ``label`` ("2022-")."""

    label: str
    start: date


@dataclass(frozen=True)
class Variant:
    """How an actor is named (and typed) when the event is in a given country."""

    name: str
    actor_type: ActorType | None = None


@dataclass(frozen=True)
class ActorEntry:
    id: str
    name: str
    actor_type: ActorType
    source: str
    country: str = ""
    aliases: tuple[str, ...] = ()
    context_aliases: tuple[str, ...] = ()
    parent: str | None = None
    kind: str = ""
    regime: str | None = None
    national: str | None = None
    by_country: dict[str, Variant] = field(default_factory=dict)


@dataclass(frozen=True)
class GenericEntry:
    id: str
    name: str  # template with "{country}"
    actor_type: ActorType
    source: str
    phrases: tuple[str, ...] = ()
    national: str | None = None
    kind: str = "generic"


@dataclass
class KBFile:
    source: str
    actors: list[ActorEntry] = field(default_factory=list)
    generics: list[GenericEntry] = field(default_factory=list)
    regimes: dict[str, list[Period]] = field(default_factory=dict)


def _fail(subject: str, problem: str, fix: str) -> KnowledgeBaseError:
    return KnowledgeBaseError(subject, problem, fix)


def parse_file(text: str, source: str) -> KBFile:
    """Parse one YAML file's text. ``source`` names it in error messages."""
    try:
        raw = yaml.load(text, Loader=_LOADER)  # _LOADER is a safe loader
    except yaml.YAMLError as exc:
        where = getattr(exc, "problem_mark", None)
        line = f" at line {where.line + 1}" if where is not None else ""
        raise _fail(source, f"is not valid YAML{line} ({exc})", "fix the YAML syntax") from exc
    if raw is None:
        return KBFile(source)
    if not isinstance(raw, dict):
        raise _fail(source, "must be a mapping with an `actors:` list", "see docs/actors.md")
    _unknown_keys(raw, _FILE_KEYS, source)
    kb = KBFile(source)
    kb.regimes = _regimes(raw.get("regimes") or {}, source)
    default_country = str(raw.get("country") or "")
    for i, item in enumerate(_list(raw, "actors", source)):
        kb.actors.append(_actor(item, i, source, default_country))
    for i, item in enumerate(_list(raw, "generics", source)):
        kb.generics.append(_generic(item, i, source))
    _no_duplicate_ids(kb)
    return kb


def _list(raw: dict[str, Any], key: str, source: str) -> list[Any]:
    value = raw.get(key) or []
    if not isinstance(value, list):
        raise _fail(
            f"{source}: {key}", "must be a list of entries", f"write `{key}:` then `- id: ...`"
        )
    return value


def _unknown_keys(raw: dict[str, Any], allowed: frozenset[str], subject: str) -> None:
    unknown = sorted(str(k) for k in raw if k not in allowed)
    if unknown:
        raise _fail(
            subject,
            f"has unknown key(s) {', '.join(unknown)}",
            f"use only: {', '.join(sorted(allowed))}",
        )


def _regimes(raw: Any, source: str) -> dict[str, list[Period]]:
    if not isinstance(raw, dict):
        raise _fail(f"{source}: regimes", "must map a regime name to a list", "see docs/actors.md")
    out = {}
    for name, periods in raw.items():
        subject = f"{source}: regime {name!r}"
        if not isinstance(periods, list) or not periods:
            raise _fail(
                subject, "must be a non-empty list", 'write `- {label: "2022-", start: 2022-10-27}`'
            )
        parsed = []
        for p in periods:
            if not isinstance(p, dict) or "label" not in p or "start" not in p:
                raise _fail(
                    subject, f"has a bad period {p!r}", "give each period a label and a start date"
                )
            parsed.append(Period(str(p["label"]), _date(p["start"], subject)))
        out[str(name)] = sorted(parsed, key=lambda x: x.start)
    return out


def _date(value: Any, subject: str) -> date:
    if isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise _fail(subject, f"has a bad date {value!r}", "write dates as YYYY-MM-DD") from exc


def _actor_type(value: Any, subject: str) -> ActorType:
    try:
        return ActorType(int(value))
    except (TypeError, ValueError) as exc:
        raise _fail(subject, f"has unknown actor_type {value!r}", _TYPES_HELP) from exc


def _strings(item: dict[str, Any], key: str, subject: str) -> tuple[str, ...]:
    value = item.get(key) or []
    if isinstance(value, str) or not isinstance(value, list):
        raise _fail(subject, f"`{key}` must be a list of strings", f'write `{key}: ["...", "..."]`')
    bad = [v for v in value if not isinstance(v, str) or not v.strip()]
    if bad:
        raise _fail(subject, f"`{key}` has non-text or empty item(s) {bad!r}", "quote each alias")
    return tuple(v.strip() for v in value)


def _entry_head(item: Any, index: int, source: str, what: str) -> tuple[str, str]:
    if not isinstance(item, dict):
        raise _fail(
            f"{source}: {what} #{index + 1}", "must be a mapping", "write `- id: ...` fields"
        )
    ident = item.get("id")
    subject = f"{source}: {what} {ident!r}" if ident else f"{source}: {what} #{index + 1}"
    for key in ("id", "name", "actor_type"):
        if item.get(key) in (None, ""):
            raise _fail(subject, f"has no `{key}`", "every entry needs id, name and actor_type")
    return str(ident), subject


def _kind(value: Any, subject: str) -> str:
    kind = str(value or "")
    if kind and kind not in KINDS:
        raise _fail(
            subject, f"has unknown kind {kind!r}", f"use one of: {', '.join(sorted(KINDS))}"
        )
    return kind


def _national(value: Any, subject: str) -> str | None:
    if value is None:
        return None
    if value not in NATIONAL_ROLES:
        raise _fail(
            subject,
            f"has unknown national role {value!r}",
            f"use one of: {', '.join(sorted(NATIONAL_ROLES))}",
        )
    return str(value)


def _actor(item: Any, index: int, source: str, default_country: str) -> ActorEntry:
    ident, subject = _entry_head(item, index, source, "actor")
    _unknown_keys(item, _ACTOR_KEYS, subject)
    return ActorEntry(
        id=ident,
        name=str(item["name"]),
        actor_type=_actor_type(item["actor_type"], subject),
        source=source,
        country=str(item.get("country", default_country) or ""),
        aliases=_strings(item, "aliases", subject),
        context_aliases=_strings(item, "context_aliases", subject),
        parent=str(item["parent"]) if item.get("parent") else None,
        kind=_kind(item.get("kind"), subject),
        regime=str(item["regime"]) if item.get("regime") else None,
        national=_national(item.get("national"), subject),
        by_country=_variants(item.get("by_country") or {}, subject),
    )


def _variants(raw: Any, subject: str) -> dict[str, Variant]:
    if not isinstance(raw, dict):
        raise _fail(subject, "`by_country` must map a country to a name", "see docs/actors.md")
    out = {}
    for country, value in raw.items():
        if isinstance(value, str):
            out[str(country)] = Variant(value)
        elif isinstance(value, dict) and "name" in value:
            kind = value.get("actor_type")
            out[str(country)] = Variant(
                str(value["name"]), _actor_type(kind, subject) if kind is not None else None
            )
        else:
            raise _fail(subject, f"has a bad by_country entry for {country!r}", "give a name")
    return out


def _generic(item: Any, index: int, source: str) -> GenericEntry:
    ident, subject = _entry_head(item, index, source, "generic")
    _unknown_keys(item, _GENERIC_KEYS, subject)
    phrases = _strings(item, "phrases", subject)
    if not phrases:
        raise _fail(subject, "has no `phrases`", "list the descriptive phrases it covers")
    try:
        str(item["name"]).format(country="Iraq")
    except (KeyError, IndexError, ValueError) as exc:
        raise _fail(
            subject,
            f"name {item['name']!r} is not a valid template",
            "use only the placeholder {country}",
        ) from exc
    return GenericEntry(
        id=ident,
        name=str(item["name"]),
        actor_type=_actor_type(item["actor_type"], subject),
        source=source,
        phrases=phrases,
        national=_national(item.get("national"), subject),
        kind=_kind(item.get("kind") or "generic", subject),
    )


def _no_duplicate_ids(kb: KBFile) -> None:
    seen: set[str] = set()
    ids = [a.id for a in kb.actors] + [g.id for g in kb.generics]
    for ident in ids:
        if ident in seen:
            raise _fail(
                f"{kb.source}: actor {ident!r}",
                "is defined twice in the same file",
                "merge the two entries or rename one id",
            )
        seen.add(ident)
