"""De-duplication evaluations: the fixture's integrity, matching and pairwise scoring by
hand, and the UCDP tellings and scores on a tiny invented CSV in UCDP's format."""

from __future__ import annotations

import csv
import json
from datetime import date
from pathlib import Path

import pytest
from kfixtures import KIRKUK, report

from rasd.eval import dedup, ucdp
from rasd.eval.base import EvalContext
from rasd.exceptions import EvalDataError

FIXTURE = Path(dedup.__file__).parent / "dedup_fixture"


def test_eval_dedup_fixture_gold_matches_files() -> None:
    gold = dedup.load_gold(FIXTURE)
    files = {p.name for p in FIXTURE.glob("*.txt")}
    assert files == set(gold["reports"])
    told = {i for incidents in gold["reports"].values() for i in incidents}
    assert told == set(gold["incidents"])
    for path in FIXTURE.glob("*.txt"):
        assert "invented for testing" in path.read_text("utf-8").split("\n\n", 1)[0]


def test_eval_dedup_gold_with_unknown_incident_is_refused(tmp_path: Path) -> None:
    (tmp_path / "gold.json").write_text(json.dumps({"incidents": {}, "reports": {"a.txt": ["x"]}}))
    with pytest.raises(EvalDataError, match="unknown incidents"):
        dedup.load_gold(tmp_path)


def _gold() -> dict:  # type: ignore[type-arg]
    return {
        "incidents": {
            "bomb": {
                "event_type": "Explosions/Remote violence",
                "sub_event_type": "Remote explosive/landmine/IED",
                "date": "2024-03-05",
                "admin1": "Nineveh",
            },
            "arrest": {
                "event_type": "Strategic developments",
                "sub_event_type": "Arrests",
                "date": "2024-03-05",
                "admin1": "Kirkuk",
            },
        },
        "reports": {"r1": ["bomb", "arrest"], "r2": ["bomb"], "r3": ["arrest"]},
    }


def test_eval_dedup_match_report_pairs_incidents_with_events() -> None:
    _, bomb = report("A bomb went off.")
    _, arrest = report("Police arrested two men.", sub="Arrests", place=KIRKUK)
    _, spurious = report("A protest happened.", sub="Peaceful protest", when=date(2024, 1, 1))
    matched, missed, extra = dedup.match_report(
        "r1", ["bomb", "arrest"], _gold(), [arrest, spurious, bomb]
    )
    assert {(m.incident, m.event.id) for m in matched} == {("bomb", bomb.id), ("arrest", arrest.id)}
    assert missed == [] and extra == [spurious]


def test_eval_dedup_pairwise_counts_cross_report_pairs_only() -> None:
    _, a = report("A bomb went off.")
    _, b = report("Bomb exploded.")
    _, c = report("Police arrested two men.", sub="Arrests", place=KIRKUK)
    _, d = report("Two men were arrested.", sub="Arrests", place=KIRKUK)
    m = [
        dedup.Matched("r1", "bomb", a), dedup.Matched("r1", "arrest", c),
        dedup.Matched("r2", "bomb", b), dedup.Matched("r3", "arrest", d),
    ]  # fmt: skip
    everything_one = dedup.pairwise(m, lambda x, y: True)
    assert (everything_one.tp, everything_one.fp, everything_one.fn) == (2, 3, 0)
    nothing = dedup.pairwise(m, lambda x, y: False)
    assert (nothing.tp, nothing.fp, nothing.fn) == (0, 0, 2)


ROWS = [  # invented rows in UCDP GED's columns: two events on one day in one city, one elsewhere
    {"id": "1", "type_of_violence": "1", "side_a": "Government of Iraq", "side_b": "IS", "where_prec": "1", "where_coordinates": "Baghdad city", "adm_1": "Baghdad province", "latitude": "33.34", "longitude": "44.40", "date_start": "2014-01-05", "date_end": "2014-01-05", "low": "1", "best": "2", "high": "3"},
    {"id": "2", "type_of_violence": "3", "side_a": "IS", "side_b": "Civilians", "where_prec": "1", "where_coordinates": "Baghdad city", "adm_1": "Baghdad province", "latitude": "33.34", "longitude": "44.40", "date_start": "2014-01-05", "date_end": "2014-01-05", "low": "10", "best": "12", "high": "15"},
    {"id": "3", "type_of_violence": "1", "side_a": "Government of Iraq", "side_b": "IS", "where_prec": "1", "where_coordinates": "Mosul city", "adm_1": "Nīnawá province", "latitude": "36.33", "longitude": "43.12", "date_start": "2014-01-05", "date_end": "2014-01-06", "low": "1", "best": "1", "high": "1"},
]  # fmt: skip


def test_eval_dedup_ucdp_end_to_end_on_invented_rows(tmp_path: Path) -> None:
    folder = tmp_path / "ucdp_ged_iraq"
    folder.mkdir()
    with (folder / "conflict_data_irq.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(ROWS[0]))
        writer.writeheader()
        writer.writerow({k: "#hxl" for k in ROWS[0]} | {"id": ""})
        writer.writerows(ROWS)
    result = ucdp.evaluate(EvalContext(data_dir=tmp_path))
    assert result.counts["ucdp_events"] == 3 and result.counts["tellings"] == 6
    assert result.metrics["r"] == 1.0 and result.metrics["p"] == 1.0


def test_eval_dedup_ucdp_missing_file_says_where(tmp_path: Path) -> None:
    with pytest.raises(EvalDataError, match="conflict_data_irq.csv"):
        ucdp.evaluate(EvalContext(data_dir=tmp_path))


@pytest.mark.parametrize(
    ("raw", "clean"), [("Al Anbār province", "Al Anbār"), ("Baghdad", "Baghdad")]
)
def test_eval_dedup_ucdp_admin1_names(raw: str, clean: str) -> None:
    assert ucdp._admin1(raw) == clean
