"""Regenerate docs/accuracy.md from the JSON evaluation reports.

    python -m rasd.eval.accuracy_doc --report-dir eval-reports --out docs/accuracy.md

One section per report: the commit, date and exact command that produced it,
then every metric with the baselines and the published anchors side by side,
the counts and the per-corpus figures. Nothing in the output is typed by hand
except the short dataset notes below.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from rasd.eval.runner import DATASETS

NOTES: dict[str, str] = {
    "re3d": (
        "Entity spans per re3d type (gold confidence >= 0.5), exact and overlapping "
        "match; rasd's labels are mapped to re3d types with one table "
        "(`rasd.eval.re3d.RE3D_TYPE`), the same for the plain-spaCy baseline. re3d "
        'also annotates nominal and pronominal mentions ("the Army", "rebels", '
        '"he", "strikes" as a Weapon) that NER never proposes, so recall stays well '
        "below 1 for any NER system. Relations are derived from rasd's events "
        "(FightingAgainst, AlliesOf, CoLocated) and matched on overlapping arguments."
    ),
    "case2021": (
        "ACLED sub-event type of each snippet (top event, else top candidate, else "
        'none). `micro_f1`/`macro_f1`: the 25 ACLED ("seen") classes, subtask 1; '
        '`*_all`: every snippet with the five non-ACLED classes folded into "none". '
        "The BERT anchor was measured on ACLED-derived data, not on these snippets."
    ),
    "acled": (
        "Extraction from `notes` alone, dated by `event_date`; each row's gold event "
        "against rasd's best-matching event. Accuracies are over all rows: a row with "
        "no rasd event is wrong for every field. `event_date` is read as "
        "`2020-05-09`, `09 May 2020` or `9-May-20` (two-digit years 69-99 are 19xx, "
        "00-68 20xx); any other date stops the run. admin3 and iso3 are read when the "
        "export has them but not scored: rasd places stop at admin2."
    ),
    "muc4": (
        "GRIT's role-filler setting, CEAF-REE strict matching (a predicted filler "
        "matches a gold entity when it equals one of its coreferent mentions, each "
        "gold entity counted once). Input is GRIT's lower-cased text. rasd codes no "
        "physical targets or weapons, so Target and Weapon are 0 unless events carry "
        "such evidence. Incident types map ACLED sub-event types onto MUC types."
    ),
    "samples": (
        "Golden sample reports (rasd/samples) and the seed report: an event matches "
        "when sub-event type and admin1 agree and the dates agree; field accuracy is "
        "over matched events."
    ),
    "geoparsing": "Toponym resolution on GeoWebNews, LGL, TR-News and GeoVirus.",
    "dedup": (
        "Cross-report de-duplication on the invented fixture (rasd/eval/dedup_fixture: "
        "40 reports, 18 incidents, 4 look-alike pairs), through the full pipeline and "
        "the write path; pairwise precision/recall over events matched to gold "
        "incidents in different reports. Extraction misses count separately."
    ),
    "ucdp": (
        "UCDP GED Iraq (dev, 5,208 events), each told twice from its coding (the "
        "second telling varied: date +1 day, province only, no perpetrator, low/high "
        "toll), bulk re-linked; pairwise precision/recall against the UCDP event ids. "
        "Coded fields only (no text): a measure of the field rules on real crowding."
    ),
}


def _fmt(value: Any) -> str:
    if isinstance(value, float):
        return f"{value:.3f}"
    return "" if value is None else str(value).replace("|", "\\|")


def _cell(metric: str, value: Any, baselines: dict[str, dict[str, Any]]) -> str:
    others = [_fmt(b[metric]) if metric in b else "–" for b in baselines.values()]
    return " · ".join([_fmt(value), *others])


def metrics_table(report: dict[str, Any]) -> list[str]:
    """Metrics without a dot in their name, one row each: rasd, baselines, anchor."""
    baselines: dict[str, dict[str, Any]] = report.get("baselines") or {}
    anchors: dict[str, str] = report.get("anchors") or {}
    head = ["metric", "rasd", *baselines, "anchor"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for metric, value in (report.get("metrics") or {}).items():
        if "." in metric:
            continue
        cells = [f"`{metric}`", _fmt(value)]
        cells += [_fmt(b.get(metric)) for b in baselines.values()]
        cells.append(_fmt(anchors.get(metric, "")))
        lines.append("| " + " | ".join(cells) + " |")
    return lines


def _pivot(
    keys: list[str], measures: list[str], metrics: dict[str, Any], baselines: dict[str, Any]
) -> list[str]:
    used = {
        n: b for n, b in baselines.items() if any(f"{m}.{k}" in b for m in measures for k in keys)
    }
    legend = " · ".join(["rasd", *used])
    lines = [f"| ({legend}) | " + " | ".join(f"`{m}`" for m in measures) + " |"]
    lines.append("|" + "---|" * (len(measures) + 1))
    for key in keys:
        cells = [_cell(f"{m}.{key}", metrics[f"{m}.{key}"], used) for m in measures]
        lines.append(f"| {key} | " + " | ".join(cells) + " |")
    return [*lines, ""]


def breakdown_tables(report: dict[str, Any]) -> list[str]:
    """Metrics named ``<measure>.<key>`` pivoted: one row per key, one column per measure,
    one table per set of measures. With baselines, a cell reads "rasd · baseline..."."""
    metrics: dict[str, Any] = report.get("metrics") or {}
    baselines: dict[str, dict[str, Any]] = report.get("baselines") or {}
    measures_of: dict[str, list[str]] = {}
    for metric in metrics:
        if "." in metric:
            measure, key = metric.split(".", 1)
            measures_of.setdefault(key, []).append(measure)
    groups: dict[tuple[str, ...], list[str]] = {}
    for key, found in measures_of.items():
        groups.setdefault(tuple(found), []).append(key)
    lines: list[str] = []
    for group, keys in groups.items():
        lines += _pivot(keys, list(group), metrics, baselines)
    return ["Breakdown:", "", *lines] if lines else []


def by_corpus_table(by_corpus: dict[str, dict[str, Any]]) -> list[str]:
    if not by_corpus:
        return []
    columns = sorted({k for metrics in by_corpus.values() for k in metrics})
    lines = ["| corpus | " + " | ".join(f"`{c}`" for c in columns) + " |"]
    lines.append("|" + "---|" * (len(columns) + 1))
    for corpus, metrics in by_corpus.items():
        lines.append(f"| {corpus} | " + " | ".join(_fmt(metrics.get(c)) for c in columns) + " |")
    return lines


def top_confusions(confusion: dict[str, dict[str, int]], n: int = 10) -> list[str]:
    pairs = [
        (count, gold, pred)
        for gold, row in confusion.items()
        for pred, count in row.items()
        if gold != pred
    ]
    pairs.sort(key=lambda x: (-x[0], x[1], x[2]))
    return [f"- {gold} → {pred}: {count}" for count, gold, pred in pairs[:n]]


def section(report: dict[str, Any]) -> list[str]:
    dataset = report.get("dataset", "?")
    lines = [f"## {dataset} ({report.get('split', '?')})", ""]
    if dataset in NOTES:
        lines += [NOTES[dataset], ""]
    lines.append(f"- commit: `{report.get('commit', 'unknown')}`")
    lines.append(f"- created: {report.get('created', '?')}")
    if report.get("command"):
        lines.append(f"- command: `{report['command']}`")
    extra = report.get("extra") or {}
    if "limit" in extra:
        lines.append(f"- **limited run**: first {extra['limit']} items only")
    if "seconds" in extra:
        lines.append(f"- run time: {extra['seconds']} s")
    lines += ["", *metrics_table(report), "", *breakdown_tables(report)]
    anchors = report.get("anchors") or {}
    metrics = report.get("metrics") or {}
    for key, text in anchors.items():
        if key not in metrics:
            lines.append(f"- {key}: {text}")
    counts = report.get("counts") or {}
    if counts:
        lines.append("- counts: " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    lines.append("")
    corpus = by_corpus_table(report.get("by_corpus") or {})
    if corpus:
        lines += ["By corpus:", "", *corpus, ""]
    if extra.get("confusion"):
        lines += ["Most frequent confusions (gold → predicted):", ""]
        lines += [*top_confusions(extra["confusion"]), ""]
    return lines


def _order(report: dict[str, Any]) -> tuple[int, str, str]:
    names = list(DATASETS)
    dataset = str(report.get("dataset", ""))
    rank = names.index(dataset) if dataset in names else len(names)
    return rank, dataset, str(report.get("split", ""))


def load_reports(report_dir: Path) -> list[dict[str, Any]]:
    reports = []
    for path in sorted(report_dir.glob("*.json")):
        try:
            data = json.loads(path.read_text("utf-8"))
        except (OSError, json.JSONDecodeError):
            continue
        if isinstance(data, dict) and "dataset" in data and "metrics" in data:
            reports.append(data)
    return sorted(reports, key=_order)


def render(reports: list[dict[str, Any]], report_dir: Path) -> str:
    lines = [
        "# rasd accuracy",
        "",
        "Generated from the JSON reports in "
        f"`{report_dir}` by `python -m rasd.eval.accuracy_doc --report-dir {report_dir} "
        "--out docs/accuracy.md`. Do not edit by hand: re-run the evaluations "
        "(`rasd eval all`) and regenerate.",
        "",
        "Metrics are fractions (1.000 = perfect). Baseline columns were computed in "
        "the same run; anchors are published figures from other systems and data, "
        "given for scale.",
        "",
    ]
    if not reports:
        lines += ["No reports found. Run `rasd eval all` first.", ""]
    for report in reports:
        lines += section(report)
    return "\n".join(lines).rstrip() + "\n"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--report-dir", type=Path, default=Path("eval-reports"))
    parser.add_argument("--out", type=Path, default=Path("docs/accuracy.md"))
    args = parser.parse_args(argv)
    reports = load_reports(args.report_dir)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(render(reports, args.report_dir), "utf-8")
    print(f"wrote {args.out} from {len(reports)} report(s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
