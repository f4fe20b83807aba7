"""Stage 'detect' (placeholder: passes the document through unchanged)."""

from __future__ import annotations

from dataclasses import dataclass

from rasd.config import PipelineConfig
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc


@dataclass
class DetectStage:
    name: str = "detect"
    requires: tuple[str, ...] = ('spacy', 'sentences', 'dates')
    assigns: tuple[str, ...] = ('candidates',)

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        return doc


@register("detect")
def make(config: PipelineConfig, backends: Backends) -> DetectStage:
    return DetectStage()
