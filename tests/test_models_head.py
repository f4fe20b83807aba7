"""The calibrated softmax head: probabilities, calibration, and plain-array storage."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from rasd.exceptions import ConfigError
from rasd.models.encoder import HashingEncoder, make_encoder
from rasd.models.head import SoftmaxHead, expected_calibration_error, fit_temperature, softmax

finite = st.floats(-30, 30, allow_nan=False, width=32)


@given(arrays(np.float32, st.tuples(st.integers(1, 6), st.integers(2, 8)), elements=finite))
def test_softmax_rows_are_distributions(logits: np.ndarray) -> None:
    p = softmax(logits)
    assert np.all(p >= 0)
    assert np.allclose(p.sum(axis=1), 1.0, atol=1e-5)
    assert np.array_equal(p.argmax(axis=1), logits.argmax(axis=1)) or np.any(
        np.isclose(np.sort(logits, axis=1)[:, -1], np.sort(logits, axis=1)[:, -2])
    )


def test_ece_is_zero_when_confidence_matches_accuracy_and_large_when_overconfident() -> None:
    gold = np.array([0, 0, 0, 0, 1, 1, 1, 1, 0, 1])
    sure_right = np.eye(2)[gold]
    assert expected_calibration_error(sure_right, gold) == pytest.approx(0.0)
    sure_wrong = np.eye(2)[1 - gold]
    assert expected_calibration_error(sure_wrong, gold) == pytest.approx(1.0)


def test_fit_temperature_undoes_overconfidence() -> None:
    rng = np.random.default_rng(0)
    true_logits = rng.normal(size=(2000, 4)) * 1.5
    gold = np.array([rng.choice(4, p=row) for row in softmax(true_logits)])
    assert fit_temperature(true_logits * 3.0, gold) == pytest.approx(3.0, abs=0.4)
    assert fit_temperature(true_logits, gold) == pytest.approx(1.0, abs=0.2)


def _head(encoder: str = "hashing-v1") -> SoftmaxHead:
    rng = np.random.default_rng(1)
    return SoftmaxHead(
        ("a", "b", "none"),
        rng.normal(size=(5, 3)).astype(np.float32),
        np.zeros(3, np.float32),
        1.5,
        encoder,
    )


def test_head_round_trips_byte_for_byte(tmp_path: Path) -> None:
    head = _head()
    head.save(tmp_path / "h.npz")
    again = SoftmaxHead.load(tmp_path / "h.npz")
    assert again.classes == head.classes and again.encoder == head.encoder
    assert again.temperature == head.temperature
    assert np.array_equal(again.weights, head.weights)
    assert again.to_bytes() == head.to_bytes()


def test_a_file_that_is_not_a_head_is_refused_with_the_fix(tmp_path: Path) -> None:
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip")
    with pytest.raises(ConfigError, match="rasd train"):
        SoftmaxHead.load(bad)


def test_hashing_encoder_is_deterministic_and_normalised() -> None:
    enc = HashingEncoder(64)
    a = enc.embed(["Gunmen killed two shepherds", "Protesters marched in Basra"])
    b = enc.embed(["Gunmen killed two shepherds", "Protesters marched in Basra"])
    assert np.array_equal(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1.0)
    assert float(a[0] @ a[1]) < 0.9


def test_unknown_encoder_names_the_choices() -> None:
    with pytest.raises(ConfigError, match="e5, hashing, minilm"):
        make_encoder("bert")


@pytest.mark.slow
@settings(max_examples=5, deadline=None)
@given(st.text(min_size=1, max_size=80))
def test_e5_encoder_embeds_any_text_to_a_unit_vector(text: str) -> None:
    vec = make_encoder("e5").embed([text])
    assert vec.shape == (1, 384)
    assert abs(float(np.linalg.norm(vec[0])) - 1.0) < 1e-3
