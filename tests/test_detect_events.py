"""Event detection and typing on single sentences, with the real spaCy model (no rulers)."""

from __future__ import annotations

import pytest

from rasd.config import PipelineConfig
from rasd.pipeline.detect import DetectStage
from rasd.pipeline.doc import Doc
from rasd.pipeline.modality import REFERENCE
from rasd.pipeline.nlp import NlpStage
from rasd.records import Document

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def stages() -> tuple[NlpStage, DetectStage]:
    cfg = PipelineConfig.load()
    nlp = NlpStage(cfg.nlp, [])
    nlp.load()
    return nlp, DetectStage(cfg.events)


def _events(stages: tuple[NlpStage, DetectStage], text: str) -> list[str]:
    nlp, detect = stages
    doc = detect(nlp(Doc(Document.from_text(text))))
    return [c.sub_event_type for c in doc.candidates if c.notes != REFERENCE]


@pytest.mark.parametrize(
    ("sentence", "expected"),
    [
        (
            "Security forces arrested three suspected Islamic State members in Mosul on Monday.",
            ["Arrests"],
        ),
        (
            "Iraqi warplanes struck an ISIS hideout in the Hamrin mountains on Sunday.",
            ["Air/drone strike"],
        ),
        ("Army aviation destroyed two ISIS guest houses in Salah al-Din.", ["Air/drone strike"]),
        (
            "A roadside bomb exploded near an army patrol south of Kirkuk, killing two soldiers.",
            ["Remote explosive/landmine/IED"],
        ),
        ("A suicide bomber blew himself up at a checkpoint in Tarmiyah.", ["Suicide bomb"]),
        (
            "Turkish artillery shelled villages near Zakho on Tuesday.",
            ["Shelling/artillery/missile attack"],
        ),
        ("Gunmen killed a shepherd in the desert west of Samarra.", ["Attack"]),
        (
            "Militants attacked an army checkpoint in Tuz Khurmatu, sparking a two-hour firefight.",
            ["Armed clash"],
        ),
        (
            "Unidentified gunmen kidnapped a local journalist in Basra.",
            ["Abduction/forced disappearance"],
        ),
        (
            "Hundreds of protesters took to the streets of Nasiriyah demanding jobs.",
            ["Peaceful protest"],
        ),
        ("Police fired tear gas to disperse protesters in Basra.", ["Protest with intervention"]),
        ("Engineers defused an IED planted on the road to Baiji.", ["Disrupted weapons use"]),
        ("A man threw a grenade at a shop in Baghdad's Sadr City.", ["Grenade"]),
        (
            "Rioters torched the provincial council building in Kut.",
            ["Looting/property destruction"],
        ),
    ],
)
def test_detect_events_types(
    stages: tuple[NlpStage, DetectStage], sentence: str, expected: list[str]
) -> None:
    assert _events(stages, sentence) == expected


@pytest.mark.parametrize(
    "sentence",
    [
        "The army plans to arrest the remaining cell leaders next month.",
        "ISIS threatened to attack Shiite pilgrims during Arbaeen.",
        "The ministry denied that its forces had shelled the village.",
        "Intensifying strikes is one of its goals.",
        "If the group attacks again, the army will respond with airstrikes.",
        "“Lone wolves” is a term that means a person carries out a terrorist act alone.",
        "He says that the cells operate in a decentralized manner in fighting.",
        "Some information came from previously arrested elements.",
        "Police did not arrest anyone after the demonstration.",
        "The government will sign an agreement with the Kurdistan Region next week.",
    ],
)
def test_detect_events_non_events(stages: tuple[NlpStage, DetectStage], sentence: str) -> None:
    assert _events(stages, sentence) == []
