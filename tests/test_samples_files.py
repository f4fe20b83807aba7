"""The invented sample reports and their expected files are well formed and cover the taxonomy.

Fast checks only (no spaCy model): see tests/test_samples_golden.py for the pipeline run.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from datetime import date
from pathlib import Path
from typing import Any

import pytest
import yaml

from rasd.eval.scoring import normalise_name
from rasd.ingest import read_path
from rasd.records import Document
from rasd.taxonomy import (
    EVENT_TYPES,
    PLOVER,
    SUB_EVENT_TYPES,
    GeoPrecision,
    TimePrecision,
    is_valid_pair,
)

ROOT = Path(__file__).resolve().parent.parent
SAMPLES = ROOT / "rasd" / "samples"
ACTOR_FILES = sorted((ROOT / "rasd" / "data" / "actors").glob("*.yaml"))
REPORT_SUFFIXES = {".txt", ".html", ".jsonl"}
INVENTED = "invented for testing"

REQUIRED = {
    "event_type", "sub_event_type", "event_date", "time_precision", "actor1",
    "country", "admin1", "location", "geo_precision", "fatalities",
}  # fmt: skip
OPTIONAL = {"actor2", "assoc_actor_1", "assoc_actor_2", "admin2", "persons"}
PERSON_KEYS = {"name", "role", "nationality", "status"}

#: Sub-event types the sample set must exercise (all but the rare ones).
REQUIRED_SUB_EVENTS = set(SUB_EVENT_TYPES) - {
    "Chemical weapon", "Sexual violence", "Non-violent transfer of territory", "Other",
}  # fmt: skip

#: Spelling variants that must each appear in some sample.
VARIANTS = {
    "Rutba": ["Rutba", "Ar Rutbah", "Al-Rutba"],
    "Salah al-Din": ["Salah al-Din", "Salah ad Din", "Saladin"],
    "Erbil": ["Erbil", "Arbil", "Hewler"],
    "Islamic State": ["Daesh", "ISIS", "ISIL", "Islamic State"],
    "Mosul": ["Mosul", "Al-Mawsil"],
    "PMF": ["Hashd al-Shaabi", "PMF"],
}


def sample_paths() -> list[Path]:
    return sorted(
        p for p in SAMPLES.iterdir() if p.suffix in REPORT_SUFFIXES and ".expected" not in p.name
    )


def expected_path(sample: Path) -> Path:
    return sample.with_name(f"{sample.stem}.expected.json")


def load_expected(sample: Path) -> dict[str, Any]:
    data: dict[str, Any] = json.loads(expected_path(sample).read_text("utf-8"))
    return data


def documents(sample: Path) -> list[Document]:
    """The sample read by rasd.ingest; fails on any ingest problem."""
    out = []
    for rec in read_path(sample):
        assert isinstance(rec, Document), f"{sample.name}: ingest problem {rec}"
        out.append(rec)
    return out


def expected_per_document(sample: Path) -> list[dict[str, Any]]:
    """One {"events", "notes"} block per document of the sample (per line for JSONL)."""
    data = load_expected(sample)
    if sample.suffix == ".jsonl":
        blocks: list[dict[str, Any]] = data["by_line"]
        return blocks
    return [data]


def all_events() -> Iterator[tuple[Path, dict[str, Any]]]:
    for sample in sample_paths():
        for block in expected_per_document(sample):
            for event in block["events"]:
                yield sample, event


def names(value: str | list[str]) -> list[str]:
    return [value] if isinstance(value, str) else value


PATHS = sample_paths()
IDS = [p.name for p in PATHS]


def test_samples_folder_has_reports_of_each_format() -> None:
    assert len(PATHS) >= 16
    assert {p.suffix for p in PATHS} == REPORT_SUFFIXES


@pytest.mark.parametrize("sample", PATHS, ids=IDS)
def test_samples_every_report_has_an_expected_file(sample: Path) -> None:
    assert expected_path(sample).is_file(), f"write {expected_path(sample).name}"


def test_samples_every_expected_file_has_a_report() -> None:
    for exp in SAMPLES.glob("*.expected.*"):
        stem = exp.name.split(".expected.")[0]
        assert any(p.stem == stem for p in PATHS), f"{exp.name} has no report beside it"
        assert exp.suffix == ".json", f"{exp.name}: expected files are .json (ingest skips them)"


@pytest.mark.parametrize("sample", PATHS, ids=IDS)
def test_samples_say_they_are_invented(sample: Path) -> None:
    text = sample.read_text("utf-8")
    assert INVENTED in text
    for doc in documents(sample):
        if sample.suffix != ".html":  # html: the statement is in a comment and meta tags
            assert INVENTED in doc.source, f"{sample.name}: the source must say {INVENTED!r}"


@pytest.mark.parametrize("sample", [p for p in PATHS if p.suffix == ".txt"], ids=lambda p: p.name)
def test_samples_txt_header_format(sample: Path) -> None:
    lines = sample.read_text("utf-8").split("\n")
    assert re.fullmatch(r"date \d{4}-\d{2}-\d{2}", lines[0]), lines[0]
    header = lines[1 : lines.index("")]
    for line in header:
        assert re.match(r"(title|url|source): \S", line), line
    assert any(line.startswith("source: ") for line in header)


@pytest.mark.parametrize("sample", PATHS, ids=IDS)
def test_samples_ingest_with_publication_date_and_length(sample: Path) -> None:
    docs = documents(sample)
    assert len(docs) == len(expected_per_document(sample))
    low, high = (80, 250) if sample.suffix == ".jsonl" else (150, 450)
    for doc in docs:
        assert doc.published_at is not None
        assert low <= len(doc.text.split()) <= high, f"{sample.name}: {len(doc.text.split())} words"


def _check_event(event: dict[str, Any], published: date) -> None:
    keys = set(event)
    assert keys >= REQUIRED, f"missing {REQUIRED - keys}"
    assert keys <= REQUIRED | OPTIONAL, f"unknown {keys - REQUIRED - OPTIONAL}"
    assert is_valid_pair(event["event_type"], event["sub_event_type"]), event["sub_event_type"]
    day = date.fromisoformat(event["event_date"])
    assert day <= published, "an event cannot come after its report"
    assert (published - day).days <= 31
    assert event["time_precision"] in {int(p) for p in TimePrecision}
    assert event["geo_precision"] in {int(p) for p in GeoPrecision}
    assert isinstance(event["fatalities"], int) and event["fatalities"] >= 0
    for key in ("country", "admin1"):
        assert isinstance(event[key], str) and event[key].strip(), key
    for key in ("actor1", "actor2", "location"):
        if key in event:
            options = names(event[key])
            assert options and all(isinstance(n, str) and n.strip() for n in options), key
    for key in ("assoc_actor_1", "assoc_actor_2"):
        if key in event:
            assert event[key] and all(isinstance(n, str) and n for n in event[key])
    for person in event.get("persons", []):
        assert person.get("name") and set(person) <= PERSON_KEYS, person


@pytest.mark.parametrize("sample", PATHS, ids=IDS)
def test_samples_expected_files_validate(sample: Path) -> None:
    data = load_expected(sample)
    assert isinstance(data.get("notes"), str) and data["notes"].strip()
    blocks = expected_per_document(sample)
    for doc, block in zip(documents(sample), blocks, strict=True):
        assert isinstance(block["events"], list)
        assert doc.published_at is not None
        for event in block["events"]:
            _check_event(event, doc.published_at)
        if sample.suffix == ".jsonl":
            assert isinstance(block.get("notes"), str)
    assert [b.get("line", i + 1) for i, b in enumerate(blocks)] == list(range(1, len(blocks) + 1))


def test_samples_cover_every_event_type() -> None:
    covered = {e["event_type"] for _, e in all_events()}
    assert covered == set(EVENT_TYPES)


def test_samples_cover_the_sub_event_types() -> None:
    covered = {e["sub_event_type"] for _, e in all_events()}
    assert covered >= REQUIRED_SUB_EVENTS, f"not covered: {REQUIRED_SUB_EVENTS - covered}"


def test_samples_cover_each_precision_and_fatalities() -> None:
    events = [e for _, e in all_events()]
    assert {e["geo_precision"] for e in events} == {int(p) for p in GeoPrecision}
    assert any(e["fatalities"] > 0 for e in events)
    assert any(e["fatalities"] == 0 for e in events)
    assert any(p.get("nationality") for e in events for p in e.get("persons", []))


def test_samples_include_no_event_reports() -> None:
    empty = [b for s in PATHS for b in expected_per_document(s) if not b["events"]]
    assert len(empty) >= 3


def test_samples_duplicate_incident_pair() -> None:
    pairs = [(s, load_expected(s)["same_incident_as"]) for s in PATHS
             if "same_incident_as" in load_expected(s)]  # fmt: skip
    assert pairs, "one incident must be reported by two outlets"
    for sample, other_name in pairs:
        other = SAMPLES / other_name
        assert load_expected(other).get("same_incident_as") == sample.name
        a, b = load_expected(sample)["events"], load_expected(other)["events"]
        assert len(a) == len(b) == 1
        assert a[0] == b[0], "the two reports must code the same event"
        assert documents(sample)[0].published_at != documents(other)[0].published_at
        assert sample.read_text("utf-8") != other.read_text("utf-8")


def test_samples_incident_told_twice_in_one_report() -> None:
    sample = SAMPLES / "03_kirkuk_ied_told_twice.txt"
    body = documents(sample)[0].text
    assert body.count("on Monday") >= 2 and body.count("Dibis") >= 2
    assert len(load_expected(sample)["events"]) == 1


@pytest.mark.parametrize("group", sorted(VARIANTS), ids=str)
def test_samples_use_transliteration_variants(group: str) -> None:
    text = "\n".join(p.read_text("utf-8") for p in PATHS)
    missing = [v for v in VARIANTS[group] if v not in text]
    assert not missing, f"no sample spells {group} as {missing}"


def _kb_names(countries: set[str]) -> set[str]:
    """Every actor name the knowledge base can give, normalised (period labels dropped)."""
    out: set[str] = set()
    for path in ACTOR_FILES:
        data = yaml.safe_load(path.read_text("utf-8")) or {}
        for actor in data.get("actors", []):
            out.add(actor["name"])
            for variant in (actor.get("by_country") or {}).values():
                out.add(variant if isinstance(variant, str) else variant["name"])
        for generic in data.get("generics", []):
            out.update(generic["name"].format(country=c) for c in countries)
    return {normalise_name(n) for n in out}


def test_samples_actor_names_are_in_the_knowledge_base() -> None:
    if not ACTOR_FILES:
        pytest.skip("no actor knowledge-base files in rasd/data/actors yet")
    events = [e for _, e in all_events()]
    known = _kb_names({e["country"] for e in events})
    unknown = set()
    for event in events:
        for key in ("actor1", "actor2", "assoc_actor_1", "assoc_actor_2"):
            for name in names(event.get(key, [])):
                if normalise_name(name) not in known:
                    unknown.add(name)
    assert not unknown, f"expected actors the knowledge base cannot name: {sorted(unknown)}"


@pytest.mark.parametrize("sub_event_type", sorted(SUB_EVENT_TYPES), ids=str)
def test_samples_taxonomy_doc_lists_every_sub_event_type(sub_event_type: str) -> None:
    """docs/taxonomy.md (which the samples README points to) never drifts from rasd.taxonomy."""
    doc = (ROOT / "docs" / "taxonomy.md").read_text("utf-8")
    rows = [line for line in doc.splitlines() if line.startswith(f"| {sub_event_type} |")]
    assert rows, f"{sub_event_type} has no row in docs/taxonomy.md"
    assert rows[0].rstrip(" |").endswith(PLOVER[sub_event_type])
