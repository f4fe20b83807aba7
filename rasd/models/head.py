"""A calibrated softmax head over fixed features; numpy only at run time.

Trained by ``rasd.models.train`` (scikit-learn's logistic regression), calibrated by
temperature scaling on the corpus's valid split, and saved as an ``.npz`` of plain
arrays (no pickles): weights, bias, class names, temperature and the encoder it needs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from rasd.exceptions import ConfigError


@dataclass(frozen=True)
class SoftmaxHead:
    """Multinomial logistic regression with a calibration temperature."""

    classes: tuple[str, ...]
    weights: np.ndarray  # (n_features, n_classes) float32
    bias: np.ndarray  # (n_classes,) float32
    temperature: float
    encoder: str  # the encoder name the features were built with

    def logits(self, features: np.ndarray) -> np.ndarray:
        return np.asarray(np.asarray(features, dtype=np.float32) @ self.weights + self.bias)

    def proba(self, features: np.ndarray) -> np.ndarray:
        """Calibrated class probabilities, (n, n_classes)."""
        return softmax(self.logits(features) / self.temperature)

    def to_bytes(self) -> bytes:
        buf = io.BytesIO()
        arrays = {
            "classes": np.array(self.classes),
            "weights": self.weights.astype(np.float32),
            "bias": self.bias.astype(np.float32),
            "temperature": np.array([self.temperature], dtype=np.float64),
            "encoder": np.array([self.encoder]),
        }
        np.savez(buf, **arrays)  # type: ignore[arg-type]
        return buf.getvalue()

    def save(self, path: Path) -> None:
        path.write_bytes(self.to_bytes())

    @classmethod
    def load(cls, path: Path) -> SoftmaxHead:
        try:
            with np.load(path, allow_pickle=False) as data:
                return cls(
                    classes=tuple(str(c) for c in data["classes"]),
                    weights=data["weights"],
                    bias=data["bias"],
                    temperature=float(data["temperature"][0]),
                    encoder=str(data["encoder"][0]),
                )
        except (OSError, KeyError, ValueError) as exc:
            raise ConfigError(
                str(path), f"is not a rasd head ({exc})", "rebuild it with `rasd train`"
            ) from exc


def softmax(logits: np.ndarray) -> np.ndarray:
    shifted = logits - logits.max(axis=1, keepdims=True)
    exp = np.exp(shifted)
    return np.asarray(exp / exp.sum(axis=1, keepdims=True))


def expected_calibration_error(proba: np.ndarray, gold: np.ndarray, bins: int = 10) -> float:
    """ECE of the top-class confidence: the bin-weighted gap between confidence and accuracy."""
    confidence = proba.max(axis=1)
    correct = proba.argmax(axis=1) == gold
    edges = np.linspace(0.0, 1.0, bins + 1)
    total = 0.0
    for low, high in zip(edges[:-1], edges[1:], strict=True):
        inside = (confidence > low) & (confidence <= high)
        if inside.any():
            total += inside.mean() * abs(confidence[inside].mean() - correct[inside].mean())
    return float(total)


def fit_temperature(logits: np.ndarray, gold: np.ndarray) -> float:
    """The temperature minimising the negative log-likelihood of ``gold`` (grid search)."""
    best, best_nll = 1.0, float("inf")
    for t in np.round(np.arange(0.25, 5.01, 0.05), 2):
        proba = softmax(logits / t)
        nll = -float(np.mean(np.log(proba[np.arange(len(gold)), gold] + 1e-12)))
        if nll < best_nll:
            best, best_nll = float(t), nll
    return best
