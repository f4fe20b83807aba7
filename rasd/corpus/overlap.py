"""Find runs of N tokens that a corpus shares with other files (a copy check).

Tokens are lower-cased words (``\\w+``); JSON escapes are undone first, so a sentence
inside a JSON string tokenises as it reads. The corpus's own N-grams are held in memory
and the other files are streamed past them, so the check is linear in their size.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from pathlib import Path

_WORD = re.compile(r"\w+", re.UNICODE)
_ESCAPE = re.compile(r"\\[nrtu\"/\\]")
N = 8


def tokens(text: str) -> list[str]:
    return [w.lower() for w in _WORD.findall(_ESCAPE.sub(" ", text))]


def ngrams(words: list[str], n: int = N) -> Iterator[tuple[str, ...]]:
    for i in range(len(words) - n + 1):
        yield tuple(words[i : i + n])


def shared_runs(
    texts: dict[str, str], others: Iterable[Path], n: int = N
) -> list[tuple[str, Path, str]]:
    """(text id, file, run) for every N-token run of a text found in one of ``others``."""
    owner: dict[tuple[str, ...], str] = {}
    for key, text in texts.items():
        for gram in ngrams(tokens(text), n):
            owner.setdefault(gram, key)
    found: list[tuple[str, Path, str]] = []
    for path in others:
        words = tokens(path.read_bytes().decode("utf-8", errors="ignore"))
        for gram in ngrams(words, n):
            if gram in owner:
                found.append((owner[gram], path, " ".join(gram)))
    return found


def main(argv: list[str] | None = None) -> int:
    """``python -m rasd.corpus.overlap CORPUS_FILE... --against DIR``: list shared runs."""
    import argparse
    import json

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("files", nargs="+", type=Path)
    parser.add_argument("--against", type=Path, default=Path("../shared/data"))
    args = parser.parse_args(argv)
    texts = {}
    for path in args.files:
        for line in path.read_text("utf-8").splitlines():
            if line.strip():
                record = json.loads(line)
                texts[record["id"]] = record["text"]
    others = [p for p in sorted(args.against.rglob("*")) if p.is_file()]
    found = shared_runs(texts, others)
    for key, path, run in sorted(set(found)):
        print(f"{key}\t{path.name}\t{run}")
    return 1 if found else 0


if __name__ == "__main__":
    raise SystemExit(main())
