"""Turn hand-written corpus lines into canonical records: offsets, GeoNames ids, splits.

Writers put span *texts* on a line (``"actor1": "Turkish warplanes"``); this tool finds
each one in ``text`` and writes the character offsets, resolves the intended place
(``"where": "Sharqat|IQ"``, else the first place span) to a GeoNames id, and assigns a
stable train/valid split from the example id. It writes nothing it did not find: a line
whose span is not in its text is left as written and reported. Canonical lines pass
through unchanged, so running it twice changes nothing.

    python -m rasd.corpus.annotate corpus/en/*.jsonl
"""

from __future__ import annotations

import hashlib
import json
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from rasd.corpus.schema import MULTI_ROLES, ROLES, Example, Span

#: A function from (place name, country code) to a GeoNames id, or None.
Resolver = Callable[[str, str], int | None]

VALID_SHARE = 10  # one example in VALID_SHARE goes to the valid split
_AUTHOR_KEYS = {"type": "sub_event_type", "also": "other_types", "deaths": "fatalities"}


def split_of(example_id: str) -> str:
    digest = hashlib.sha256(example_id.encode("utf-8")).digest()
    return "valid" if digest[0] % VALID_SHARE == 0 else "train"


def _texts(value: Any) -> list[str]:
    if value is None:
        return []
    return [value] if isinstance(value, str) else [str(v) for v in value]


def _find(text: str, needle: str, taken: list[tuple[int, int]]) -> tuple[int, int]:
    start = text.find(needle)
    while start >= 0:
        end = start + len(needle)
        if not any(start < e and s < end for s, e in taken):
            return start, end
        start = text.find(needle, start + 1)
    first = text.find(needle)
    if first < 0:
        raise ValueError(f"span {needle!r} is not in the text")
    return first, first + len(needle)


def _spans(raw: dict[str, Any], text: str) -> list[Span]:
    spans: list[Span] = []
    taken: list[tuple[int, int]] = []
    for role in ROLES:
        values = _texts(raw.get(role))
        if len(values) > 1 and role not in MULTI_ROLES:
            raise ValueError(f"{role} takes one span; got {len(values)}")
        for needle in values:
            start, end = _find(text, needle, taken)
            taken.append((start, end))
            spans.append(Span(role=role, start=start, end=end, text=needle))
    return spans


def canonical(raw: dict[str, Any], resolve: Resolver | None) -> Example:
    """A canonical Example from an authored (or already canonical) line."""
    if isinstance(raw.get("spans"), list):
        return Example.model_validate(raw)
    text = raw["text"]
    fields = {_AUTHOR_KEYS.get(k, k): v for k, v in raw.items() if k not in ROLES}
    fields.pop("where", None)
    fields["spans"] = _spans(raw, text)
    fields.setdefault("split", split_of(raw["id"]))
    example = Example.model_validate(fields)
    if example.geonameid is None and resolve is not None:
        example.geonameid = _place_id(raw, example, resolve)
    return example


def _place_id(raw: dict[str, Any], example: Example, resolve: Resolver) -> int | None:
    where = raw.get("where")
    if where:
        name, _, country = str(where).partition("|")
        return resolve(name.strip(), (country or example.country).strip())
    places = example.spans_of("place")
    return resolve(places[0].text, example.country) if places else None


def gazetteer_resolver() -> Resolver:
    """Resolve with rasd's offline gazetteer (built on first use)."""
    from rasd.config import GazetteerConfig
    from rasd.gazetteer.geocoder import GazetteerGeocoder

    geocoder = GazetteerGeocoder(GazetteerConfig())
    geocoder.load()

    def resolve(name: str, country: str) -> int | None:
        found = geocoder.candidates(name, country or None)
        return found[0].geonameid if found else None

    return resolve


def dump(example: Example) -> str:
    return json.dumps(example.model_dump(mode="json"), ensure_ascii=False, sort_keys=False)


def annotate_file(path: Path, resolve: Resolver | None) -> list[str]:
    """Rewrite ``path`` with canonical lines; return the problems (file:line: message)."""
    problems: list[str] = []
    out: list[str] = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            out.append(dump(canonical(json.loads(line), resolve)))
        except (ValueError, KeyError, ValidationError) as exc:
            problems.append(f"{path}:{number}: {exc}")
            out.append(line)
    path.write_text("\n".join(out) + "\n", encoding="utf-8")
    return problems


def main(argv: Iterable[str] | None = None) -> int:
    paths = [Path(p) for p in (sys.argv[1:] if argv is None else argv)]
    resolve = gazetteer_resolver()
    problems = [p for path in paths for p in annotate_file(path, resolve)]
    for problem in problems:
        print(problem)
    print(f"{len(paths)} files, {len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
