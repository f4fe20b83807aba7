"""The 'actors' pipeline stage, with the in-memory FakeActorKB and hand-built candidates."""

from __future__ import annotations

from datetime import date

import pytest

from rasd.actors.kb import FakeActorKB, YamlActorKB
from rasd.config import PipelineConfig
from rasd.pipeline.actors import ActorsStage, dedupe, make, resolve_phrase
from rasd.pipeline.base import Backends
from rasd.pipeline.doc import DateMention, Doc, EventCandidate, Span
from rasd.records import Document, Mention, Place

TEXT = (
    "On Monday, the Security Media Cell announced the arrest of the so-called commander "
    "of the foreign battalion of ISIS in Kirkuk by the units of the Counter-Terrorism "
    "Service and the Asayish. Army aviation struck ISIS hideouts. Unidentified gunmen "
    "killed a farmer. The terrorist organization lost its leader. Blah blah group."
)


def fake_kb() -> FakeActorKB:
    return FakeActorKB(
        {
            "is": ["Islamic State", "ISIS", "Daesh"],
            "army": ["Military Forces of Iraq (2022-)", "Iraqi army"],
            "aviation": ["Military Forces of Iraq (2022-) Army Aviation", "army aviation"],
            "cts": [
                "Military Forces of Iraq (2022-) Counter Terrorism Service",
                "Counter-Terrorism Service",
            ],
            "asayish": ["Police Forces of Iraq (2022-) Asayish", "Asayish"],
            "smc": ["Security Media Cell"],
        },
        types={"is": 2},
        parents={"aviation": "army", "cts": "army"},
        kinds={"smc": "spokesbody"},
    )


def span(text: str, nth: int = 0) -> Span:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(text, start + 1)
    return Span(start, start + len(text), text)


def candidate(actor1: list[Span], actor2: list[Span], country: str | None = None) -> EventCandidate:
    trigger = span("arrest")
    cand = EventCandidate("Arrests", trigger, trigger, 0.8)
    cand.date = DateMention(trigger, date(2023, 9, 25), 1)
    cand.actor1, cand.actor2 = actor1, actor2
    if country:
        cand.place = Place(name="somewhere", country=country)
    return cand


def run(
    candidates: list[EventCandidate],
    kb: object | None = None,
    mentions: list[Mention] | None = None,
) -> Doc:
    doc = Doc(Document.from_text(TEXT, published_at=date(2023, 9, 27)))
    doc.candidates = candidates
    doc.mentions = mentions or []
    stage = ActorsStage(kb or fake_kb())  # type: ignore[arg-type]
    stage.load()
    return stage(doc)


def names(actors: list) -> list[str]:
    return [a.id for a in actors]


def test_actors_stage_declares_order() -> None:
    stage = ActorsStage(fake_kb())
    assert stage.name == "actors"
    assert stage.requires == ("arguments",)
    assert stage.assigns == ("actors", "event_actors")


def test_actors_stage_factory_uses_backend_kb() -> None:
    kb = fake_kb()
    stage = make(PipelineConfig(), Backends(kb=kb))
    assert isinstance(stage, ActorsStage)
    assert stage.kb is kb and stage.default_country == "Iraq"


def test_actors_stage_resolves_main_and_associated_actors() -> None:
    cand = candidate(
        [
            span("the Security Media Cell"),
            span("the units of the Counter-Terrorism Service"),
            span("the Asayish"),
        ],
        [span("the so-called commander of the foreign battalion of ISIS")],
    )
    doc = run([cand])
    assert names(cand.actor1_resolved) == ["cts", "asayish"]  # the spokes-body is dropped
    assert names(cand.actor2_resolved) == ["is"]
    assert doc.warnings == []
    # the spans now line up with the resolved actors, as evidence
    assert [s.text for s in cand.actor1] == [
        "the units of the Counter-Terrorism Service",
        "the Asayish",
    ]


@pytest.mark.parametrize(
    ("phrase", "country", "expected_name"),
    [
        ("Unidentified gunmen", None, "Unidentified Armed Group (Iraq)"),
        ("Unidentified gunmen", "Syria", "Unidentified Armed Group (Syria)"),
        ("a farmer", "Iraq", "Civilians (Iraq)"),
    ],
)
def test_actors_stage_generic_fallback_uses_event_country(
    phrase: str, country: str | None, expected_name: str
) -> None:
    cand = candidate([span(phrase)], [], country)
    run([cand])
    assert [a.name for a in cand.actor1_resolved] == [expected_name]


def test_actors_stage_unknown_span_warns_and_is_skipped() -> None:
    cand = candidate([span("Blah blah group")], [])
    doc = run([cand])
    assert cand.actor1_resolved == []
    assert len(doc.warnings) == 1 and "Blah blah group" in doc.warnings[0]


def test_actors_stage_parent_gives_way_to_unit_and_repeats_drop() -> None:
    cand = candidate(
        [span("Army aviation"), span("ISIS hideouts")], [span("ISIS", 1), span("ISIS")]
    )
    army = Span(0, 0, "Iraqi army")
    cand.actor1.insert(0, army)
    run([cand])
    assert names(cand.actor1_resolved) == ["aviation", "is"]
    assert names(cand.actor2_resolved) == ["is"]


def test_actors_stage_context_alias_needs_actor_in_document() -> None:
    kb = FakeActorKB({"is": ["Islamic State", "ISIS"]})
    with_context = YamlActorKB()  # the built-in IS entry carries the context aliases
    cand = candidate([span("The terrorist organization")], [])
    run([cand], kb=with_context)
    assert names(cand.actor1_resolved) == ["islamic-state"]
    cand = candidate([span("The terrorist organization")], [])
    run([cand], kb=kb)
    assert cand.actor1_resolved == []


def test_actors_stage_fills_doc_actors_from_mentions_and_text() -> None:
    mentions = [
        Mention(
            start=span("ISIS").start, end=span("ISIS").end, text="ISIS", label="ACTOR", kb_id="is"
        ),
        Mention(
            start=span("the Security Media Cell").start + 4,
            end=span("the Security Media Cell").end,
            text="Security Media Cell",
            label="ORG",
        ),
    ]
    doc = run([], mentions=mentions)
    found = {TEXT[s:e]: a.id for (s, e), a in doc.actors.items()}
    assert found["ISIS"] == "is"
    assert found["Counter-Terrorism Service"] == "cts"  # found in the text without a mention
    assert "Security Media Cell" not in found  # spokes-bodies are never actors


def test_actors_stage_names_actors_for_the_event_date() -> None:
    cand = candidate([span("the units of the Counter-Terrorism Service")], [])
    cand.date = DateMention(cand.trigger, date(2019, 3, 1), 1)
    run([cand], kb=YamlActorKB())
    assert [a.name for a in cand.actor1_resolved] == [
        "Military Forces of Iraq (2018-2020) Counter Terrorism Service"
    ]


def test_actors_stage_resolve_phrase_order() -> None:
    kb = fake_kb()
    gunmen = resolve_phrase(kb, "gunmen from ISIS", "Iraq")
    assert gunmen is not None and gunmen.id == "is"
    spokesman = resolve_phrase(kb, "a spokesman for the Asayish", "Iraq")
    assert spokesman is not None and spokesman.id.startswith("spokesbody")
    assert resolve_phrase(kb, "the weather", "Iraq") is None


def test_actors_stage_dedupe_keeps_order() -> None:
    kb = fake_kb()
    kb.load()
    actors = [a for a in (kb.get(i) for i in ["army", "is", "cts", "is"]) if a is not None]
    assert names(dedupe(kb, actors)) == ["is", "cts"]


@pytest.mark.slow
def test_actors_stage_seed_expectations(seed_path) -> None:
    text = seed_path.read_text("utf-8")
    doc = Doc(Document.from_text(text, published_at=date(2023, 9, 27)))

    def sp(phrase: str, nth: int = 0) -> Span:
        start = -1
        for _ in range(nth + 1):
            start = text.index(phrase, start + 1)
        return Span(start, start + len(phrase), phrase)

    first = candidate(
        [sp("the Directorate of Military Intelligence")], [sp("a leader of ISIS terrorist gangs")]
    )
    second = candidate(
        [
            sp("the Security Media Cell"),
            sp("the units of the Counter-Terrorism Service"),
            sp("the Asayish Operations Department of the Kurdistan Region of Iraq"),
        ],
        [sp("the so-called commander of the foreign terrorist battalion of ISIS")],
    )
    third = candidate([sp("army aviation")], [sp("ISIS terrorist gangs", 1)], "Iraq")
    doc.candidates = [first, second, third]
    stage = ActorsStage(YamlActorKB())
    stage.load()
    stage(doc)
    assert [a.name for a in first.actor1_resolved] == [
        "Military Forces of Iraq (2022-) Military Intelligence"
    ]
    assert [a.name for a in second.actor1_resolved] == [
        "Military Forces of Iraq (2022-) Counter Terrorism Service",
        "Police Forces of Iraq (2022-) Asayish",
    ]
    assert [a.name for a in third.actor1_resolved] == [
        "Military Forces of Iraq (2022-) Army Aviation"
    ]
    for cand in doc.candidates:
        assert [a.name for a in cand.actor2_resolved] == ["Islamic State (Iraq)"]
