"""The YAML actor knowledge base: loading, errors, alias matching and generic fallbacks."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any, TypeVar

import pytest

from rasd.actors.base import ActorKB, ActorResolver
from rasd.actors.kb import FakeActorKB, YamlActorKB
from rasd.config import ActorsConfig
from rasd.exceptions import KnowledgeBaseError
from rasd.taxonomy import ActorType

T = TypeVar("T")


@pytest.fixture(scope="module")
def kb() -> YamlActorKB:
    kb = YamlActorKB()
    kb.load()
    return kb


def must(value: T | None) -> T:
    assert value is not None
    return value


def write(tmp_path: Path, text: str, name: str = "user.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, "utf-8")
    return path


# --- loading ------------------------------------------------------------------------


def test_actors_kb_builtin_loads_and_implements_protocols(kb: YamlActorKB) -> None:
    assert isinstance(kb, ActorKB)
    assert isinstance(kb, ActorResolver)
    assert 60 <= len(kb) <= 200


def test_actors_kb_constructor_does_not_load() -> None:
    kb = YamlActorKB(ActorsConfig(extra_files=(Path("/does/not/exist.yaml"),)))
    assert kb._index is None  # the missing file only matters on load()
    with pytest.raises(KnowledgeBaseError, match="cannot be read"):
        kb.load()


def test_actors_kb_user_file_overrides_and_extends(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
actors:
  - id: islamic-state
    name: "IS (custom)"
    actor_type: 2
    aliases: ["Daesh", "ISIS"]
  - id: my-militia
    name: "Brigade of Testing"
    actor_type: 3
    country: Iraq
    aliases: ["Testing Brigade", "Liwa al-Test"]
""",
    )
    kb = YamlActorKB(ActorsConfig(extra_files=(path,)))
    kb.load()
    assert must(kb.match("Daesh")).name == "IS (custom)"
    assert kb.match("ISIL") is None  # the override replaced the whole entry
    assert must(kb.match("the Testing Brigade")).id == "my-militia"
    assert must(kb.match("Liwa Test")).id == "my-militia"  # leading "al" variant


def test_actors_kb_docs_example_loads(tmp_path: Path) -> None:
    docs = Path(__file__).resolve().parent.parent / "docs" / "actors.md"
    example = docs.read_text("utf-8").split("```yaml\n", 1)[1].split("```", 1)[0]
    kb = YamlActorKB(ActorsConfig(extra_files=(write(tmp_path, example),)))
    kb.load()
    assert must(kb.match("Sarayat al-Mithal")).id == "saraya-example"
    kuwait = must(kb.generic("soldiers", "Kuwait"))
    assert (
        kb.localise(kuwait, date(2019, 1, 1), "Kuwait").name
        == "Military Forces of Kuwait (2006-2020)"
    )
    assert must(kb.generic("armed smugglers")).name == "Unidentified Armed Group (Iraq)"


MALFORMED = {
    "yaml-syntax": ("actors: [\n  - id: x\n", "not valid YAML"),
    "not-a-mapping": ("- just\n- a list\n", "must be a mapping"),
    "unknown-file-key": ("actorz: []\n", "unknown key"),
    "missing-name": ("actors:\n  - id: x\n    actor_type: 3\n", "has no `name`"),
    "bad-actor-type": ("actors:\n  - {id: x, name: X, actor_type: 9}\n", "unknown actor_type 9"),
    "text-actor-type": (
        "actors:\n  - {id: x, name: X, actor_type: militia}\n",
        "unknown actor_type",
    ),
    "unknown-actor-key": ("actors:\n  - {id: x, name: X, actor_type: 3, alias: [a]}\n", "alias"),
    "aliases-not-list": ("actors:\n  - {id: x, name: X, actor_type: 3, aliases: Foo}\n", "list"),
    "bad-kind": ("actors:\n  - {id: x, name: X, actor_type: 3, kind: gang}\n", "unknown kind"),
    "unknown-parent": ("actors:\n  - {id: x, name: X, actor_type: 3, parent: nope}\n", "parent"),
    "unknown-regime": (
        "actors:\n  - {id: x, name: X (2022-), actor_type: 1, regime: nope}\n",
        "regime",
    ),
    "duplicate-id": (
        "actors:\n  - {id: x, name: X, actor_type: 3}\n  - {id: x, name: Y, actor_type: 3}\n",
        "defined twice",
    ),
    "alias-clash-with-builtin": (
        "actors:\n  - {id: x, name: X, actor_type: 3, aliases: [Daesh]}\n",
        "also an alias of 'islamic-state'",
    ),
    "bad-generic-template": (
        "generics:\n  - {id: g, name: 'X ({place})', actor_type: 3, phrases: [foo]}\n",
        "template",
    ),
    "bad-national-role": (
        "actors:\n  - {id: x, name: X, actor_type: 1, national: navy}\n",
        "national role",
    ),
}


@pytest.mark.parametrize("case", sorted(MALFORMED))
def test_actors_kb_malformed_file_raises_with_file_and_fix(tmp_path: Path, case: str) -> None:
    text, expected = MALFORMED[case]
    path = write(tmp_path, text, f"{case}.yaml")
    kb = YamlActorKB(ActorsConfig(extra_files=(path,)))
    with pytest.raises(KnowledgeBaseError) as info:
        kb.load()
    err = info.value
    assert path.name in err.subject
    assert expected in str(err)
    assert err.fix


def test_actors_kb_alias_clash_names_both_actors(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "actors:\n  - {id: a, name: A, actor_type: 3, aliases: [Foo Front]}\n"
        "  - {id: b, name: B, actor_type: 3, aliases: [foo-front]}\n",
    )
    with pytest.raises(KnowledgeBaseError) as info:
        YamlActorKB(ActorsConfig(extra_files=(path,))).load()
    assert "'b'" in info.value.subject and "'a'" in info.value.problem


# --- alias matching ----------------------------------------------------------------

VARIANTS = [
    ("ISIS", "islamic-state"),
    ("ISIL", "islamic-state"),
    ("IS", "islamic-state"),
    ("the Islamic State", "islamic-state"),
    ("Islamic State of Iraq and the Levant", "islamic-state"),
    ("Islamic State of Iraq and Syria", "islamic-state"),
    ("Daesh", "islamic-state"),
    ("Da'esh", "islamic-state"),
    ("Da’esh", "islamic-state"),
    ("Daish", "islamic-state"),
    ("ISIS's", "islamic-state"),
    ("Asayish", "iq-asayish"),
    ("Asayesh", "iq-asayish"),
    ("Asaish", "iq-asayish"),
    ("Asayîş", "iq-asayish"),
    ("Kurdistan Region Security Council", "iq-asayish"),
    ("KRSC", "iq-asayish"),
    ("Peshmerga", "iq-peshmerga"),
    ("Peshmarga", "iq-peshmerga"),
    ("Kataib Hezbollah", "kataib-hezbollah"),
    ("Kata'ib Hezbollah", "kataib-hezbollah"),
    ("Kata’ib Hizbollah", "kataib-hezbollah"),
    ("Hashd al-Shaabi", "iq-pmf"),
    ("al-Hashd al-Sha'abi", "iq-pmf"),
    ("Hashed al-Shaabi", "iq-pmf"),
    ("Popular Mobilisation Units", "iq-pmf"),
    ("PMF", "iq-pmf"),
    ("PMUs", "iq-pmf"),
    ("Counter-Terrorism Service", "iq-cts"),
    ("Counter Terrorism Service", "iq-cts"),
    ("the ICTS", "iq-cts"),
    ("Counter-Terrorism Apparatus", "iq-cts"),
    ("the units of the Counter-Terrorism Service", "iq-cts"),
    ("forces of the PMF", "iq-pmf"),
    ("Iraqi army aviation", "iq-army-aviation"),
    ("Army Aviation Command", "iq-army-aviation"),
    ("Iraqi Federal Police", "iq-federal-police"),
    ("Security Media Cell", "iq-security-media-cell"),
    ("Joint Operations Command", "iq-joint-operations-command"),
    ("U.S.-led coalition", "global-coalition"),
    ("US-led coalition", "global-coalition"),
    ("CJTF-OIR", "global-coalition"),
    ("Kurdistan Workers' Party", "pkk"),
    ("TAF", "tr-military"),
    ("Revolutionary Guards", "ir-irgc"),
    ("Hay'at Tahrir al-Sham", "hts"),
    ("SDF", "sdf"),
    ("YPG", "ypg"),
    ("Syrian Arab Army", "sy-military"),
    ("ad-Dawla al-Islamiya", "islamic-state"),
    ("Hurras ad-Din", "hurras-al-din"),
    ("Asaib Ahl Haq", "asaib-ahl-al-haq"),
    ("Hizbollah", "hezbollah"),
    ("al-Qaida", "al-qaeda"),
    ("U.S. forces", "us-military"),
]


@pytest.mark.parametrize(("text", "actor_id"), VARIANTS)
def test_actors_kb_match_variants(kb: YamlActorKB, text: str, actor_id: str) -> None:
    actor = kb.match(text)
    assert actor is not None and actor.id == actor_id


@pytest.mark.parametrize("text", ["is", "Is", "this is it", "us", "pmf", "cts", "the army", "Iraq"])
def test_actors_kb_acronyms_match_only_in_capitals(kb: YamlActorKB, text: str) -> None:
    assert kb.match(text) is None
    assert kb.find(text) is None


@pytest.mark.parametrize(
    ("text", "actor_id"),
    [
        ("ISIS terrorist gangs", "islamic-state"),
        ("the foreign terrorist battalion of ISIS", "islamic-state"),
        ("a leader of ISIS terrorist gangs in Anbar", "islamic-state"),
        ("Iraqi army aviation helicopters", "iq-army-aviation"),
        ("the Asayish Operations Department of the Kurdistan Region of Iraq", "iq-asayish"),
        ("the international coalition forces to combat ISIS", "global-coalition"),
        ("Turkish drones over Duhok", "tr-military"),
        ("a PKK unit hiding near the Turkish border", "pkk"),
        ("fighters of Kata'ib Hezbollah and the PMF", "kataib-hezbollah"),
    ],
)
def test_actors_kb_find_longest_head_actor(kb: YamlActorKB, text: str, actor_id: str) -> None:
    actor = kb.find(text)
    assert actor is not None and actor.id == actor_id


def test_actors_kb_find_all_gives_offsets(kb: YamlActorKB) -> None:
    text = "The PMF and ISIS clashed; the Security Media Cell said."
    found = [(text[s:e], a.id) for s, e, a in kb.find_all(text)]
    assert found == [
        ("PMF", "iq-pmf"),
        ("ISIS", "islamic-state"),
        ("Security Media Cell", "iq-security-media-cell"),
    ]


def test_actors_kb_context_aliases_need_the_actor_present(kb: YamlActorKB) -> None:
    assert kb.match("the terrorist organization") is None
    assert kb.context_match("the terrorist organization", set()) is None
    found = kb.context_match("the terrorist organization", {"islamic-state"})
    assert found is not None and found.id == "islamic-state"


# --- generic fallbacks -----------------------------------------------------------------

GENERICS = [
    ("unidentified gunmen", None, "Unidentified Armed Group (Iraq)", 3),
    ("armed men", "Syria", "Unidentified Armed Group (Syria)", 3),
    ("unknown assailants", "Iraq", "Unidentified Armed Group (Iraq)", 3),
    ("protesters", "Iraq", "Protesters (Iraq)", 6),
    ("hundreds of demonstrators", "Iraq", "Protesters (Iraq)", 6),
    ("rioters", "Syria", "Rioters (Syria)", 5),
    ("civilians", "Iraq", "Civilians (Iraq)", 7),
    ("a farmer", "Iraq", "Civilians (Iraq)", 7),
    ("two shepherds", "Iraq", "Civilians (Iraq)", 7),
    ("a child", "Syria", "Civilians (Syria)", 7),
    ("women", "Iraq", "Civilians (Iraq)", 7),
    ("security forces", "Iraq", "Military Forces of Iraq (2022-)", 1),
    ("security forces", "Syria", "Military Forces of Syria (2024-)", 1),
    ("security forces", "Lebanon", "Military Forces of Lebanon", 1),
    ("police", "Iraq", "Police Forces of Iraq (2022-)", 1),
    ("policemen", "Turkey", "Police Forces of Turkey (2016-)", 1),
    ("army aviation", "Iraq", "Military Forces of Iraq (2022-) Army Aviation", 1),
    ("army aviation", "Syria", "Military Forces of Syria (2024-)", 1),
    (
        "the Directorate of Military Intelligence",
        "Iraq",
        "Military Forces of Iraq (2022-) Military Intelligence",
        1,
    ),
    ("Turkey", None, "Military Forces of Turkey (2016-)", 1),
    ("the Netherlands", None, "Military Forces of the Netherlands", 1),
    ("Syrian civilians", "Iraq", "Civilians (Syria)", 7),
    ("Jordanian soldiers", "Syria", "Military Forces of Jordan", 1),
    ("protesters outside the Turkish embassy", "Iraq", "Protesters (Iraq)", 6),
    ("Interior Ministry officers", "Iraq", "Police Forces of Iraq (2022-)", 1),
]


@pytest.mark.parametrize(("text", "country", "name", "inter"), GENERICS)
def test_actors_kb_generic_by_country(
    kb: YamlActorKB, text: str, country: str | None, name: str, inter: int
) -> None:
    actor = kb.generic(text, country)
    assert actor is not None
    assert (actor.name, actor.inter) == (name, inter)
    assert kb.get(actor.id) == actor


def test_actors_kb_generic_unknown_phrase(kb: YamlActorKB) -> None:
    assert kb.generic("the weather") is None


# --- naming by date and country --------------------------------------------------------


@pytest.mark.parametrize(
    ("actor_id", "when", "country", "name", "inter"),
    [
        ("iq-military", date(2023, 9, 26), "Iraq", "Military Forces of Iraq (2022-)", 1),
        ("iq-military", date(2019, 1, 1), "Iraq", "Military Forces of Iraq (2018-2020)", 1),
        (
            "iq-cts",
            date(2021, 5, 1),
            "Iraq",
            "Military Forces of Iraq (2020-2022) Counter Terrorism Service",
            1,
        ),
        (
            "us-military",
            date(2023, 1, 1),
            "Iraq",
            "Military Forces of the United States (2021-2025)",
            8,
        ),
        ("us-military", None, "United States", "Military Forces of the United States (2025-)", 1),
        ("tr-military", date(2023, 1, 1), "Iraq", "Military Forces of Turkey (2016-)", 8),
        ("sy-military", date(2020, 1, 1), "Syria", "Military Forces of Syria (2000-2024)", 1),
        ("islamic-state", date(2020, 1, 1), "Syria", "Islamic State (Syria)", 2),
        ("islamic-state", date(2020, 1, 1), "Iraq", "Islamic State (Iraq)", 2),
    ],
)
def test_actors_kb_localise_by_date_and_country(
    kb: YamlActorKB, actor_id: str, when: date | None, country: str, name: str, inter: int
) -> None:
    actor = kb.get(actor_id)
    assert actor is not None
    local = kb.localise(actor, when, country)
    assert (local.name, local.inter) == (name, inter)


def test_actors_kb_info_parent_and_kind(kb: YamlActorKB) -> None:
    info = kb.info("iq-military-intelligence")
    assert info is not None and info.parent == "iq-military" and info.is_actor
    smc = kb.info("iq-security-media-cell")
    assert smc is not None and not smc.is_actor


# --- EntityRuler patterns --------------------------------------------------------------


@pytest.fixture(scope="module")
def patterns(kb: YamlActorKB) -> list[dict[str, Any]]:
    return kb.patterns()


@pytest.fixture(scope="module")
def ruler_nlp(patterns: list[dict[str, Any]]) -> Any:
    import spacy

    nlp = spacy.blank("en")
    ruler = nlp.add_pipe("entity_ruler")
    ruler.add_patterns(patterns)  # type: ignore[attr-defined]
    return nlp


def test_actors_kb_patterns_have_label_and_id(patterns: list[dict[str, Any]]) -> None:
    assert len(patterns) > 500
    assert all(p["label"] == "ACTOR" and p["id"] for p in patterns)
    is_patterns = [
        p["pattern"] for p in patterns if p["id"] == "islamic-state" and len(p["pattern"]) == 1
    ]
    assert [{"ORTH": {"IN": ["IS", "ISs"]}}] in is_patterns


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("This is what IS did.", [("IS", "islamic-state")]),
        ("The PMUs attacked U.S. forces.", [("PMUs", "iq-pmf"), ("U.S. forces", "us-military")]),
        (
            "Kata’ib Hezbollah and the counter-terrorism service",
            [("Kata’ib Hezbollah", "kataib-hezbollah"), ("counter-terrorism service", "iq-cts")],
        ),
        ("the cts and the pmf", []),
        ("al-Hashd al-Shaabi", [("al-Hashd al-Shaabi", "iq-pmf")]),
    ],
)
def test_actors_kb_patterns_case_rules(ruler_nlp: Any, text: str, expected: list) -> None:
    assert [(e.text, e.ent_id_) for e in ruler_nlp(text).ents] == expected


# --- the in-memory fake -------------------------------------------------------------------


def test_actors_kb_fake_matches_like_the_real_one() -> None:
    fake = FakeActorKB(
        {"is": ["Islamic State", "ISIS"], "army": ["Iraqi Army"], "mi": ["Military Intelligence"]},
        types={"is": 2},
        parents={"mi": "army"},
    )
    assert must(fake.match("the Islamic State")).actor_type == ActorType.REBEL_GROUP
    assert must(fake.find("gangs of ISIS")).id == "is"
    assert must(fake.info("mi")).parent == "army"
    assert must(fake.generic("gunmen")).name == "Unidentified Armed Group (Iraq)"
    assert must(fake.generic("protesters", "Syria")).name == "Protesters (Syria)"
