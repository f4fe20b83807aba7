"""`rasd train`: the same corpus and seed give the same bytes; the manifest says what
was trained on what; bad corpora are refused with the fix."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest

from rasd.config import PipelineConfig
from rasd.exceptions import InputError
from rasd.models.encoder import HashingEncoder
from rasd.models.features import CLASSES
from rasd.models.head import SoftmaxHead
from rasd.models.train import read_corpus, train

CORPUS = Path(__file__).resolve().parent.parent / "corpus"


@pytest.fixture(scope="module")
def tiny_corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The first 40 lines of each corpus file: every group, both splits."""
    root = tmp_path_factory.mktemp("corpus")
    (root / "en").mkdir()
    for path in sorted(CORPUS.glob("en/*.jsonl")):
        lines = path.read_text("utf-8").splitlines()[:40]
        (root / "en" / path.name).write_text("\n".join(lines) + "\n", "utf-8")
    return root


def _digests(paths: list[Path]) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in paths}


@pytest.mark.slow
def test_training_twice_gives_identical_bytes(tiny_corpus: Path, tmp_path: Path) -> None:
    config = PipelineConfig()
    _, first = train(tiny_corpus, tmp_path / "a", config, HashingEncoder(), seed=7)
    _, second = train(tiny_corpus, tmp_path / "b", config, HashingEncoder(), seed=7)
    assert _digests(first) == _digests(second)
    manifest = json.loads((tmp_path / "a" / "manifest.json").read_text("utf-8"))
    _, sha = read_corpus(tiny_corpus)
    assert manifest["corpus_sha256"] == sha
    assert manifest["encoder"] == "hashing-v1"
    assert 0.0 <= manifest["valid"]["ece"] <= 1.0
    head = SoftmaxHead.load(tmp_path / "a" / "event_type.npz")
    assert head.classes == CLASSES and head.encoder == "hashing-v1"


@pytest.mark.slow
def test_a_changed_corpus_changes_the_manifest(tiny_corpus: Path, tmp_path: Path) -> None:
    other = tmp_path / "corpus"
    (other / "en").mkdir(parents=True)
    for path in (tiny_corpus / "en").glob("*.jsonl"):
        lines = path.read_text("utf-8").splitlines()
        (other / "en" / path.name).write_text("\n".join(lines[:-1]) + "\n", "utf-8")
    assert read_corpus(other)[1] != read_corpus(tiny_corpus)[1]


def test_a_corpus_line_in_authoring_form_is_refused_with_the_fix(tmp_path: Path) -> None:
    (tmp_path / "en").mkdir()
    line = {
        "id": "x-1",
        "voice": "wire",
        "country": "IQ",
        "text": "Gunmen shot a man.",
        "type": "Attack",
        "actor1": "Gunmen",
    }
    (tmp_path / "en" / "x.jsonl").write_text(json.dumps(line) + "\n", "utf-8")
    with pytest.raises(InputError, match="rasd.corpus.annotate"):
        read_corpus(tmp_path)


def test_an_empty_corpus_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="--corpus"):
        read_corpus(tmp_path)
