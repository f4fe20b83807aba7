"""Stage 'temporal' (placeholder: passes the document through unchanged)."""

from __future__ import annotations

from dataclasses import dataclass

from rasd.config import PipelineConfig
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc


@dataclass
class TemporalStage:
    name: str = "temporal"
    requires: tuple[str, ...] = ('spacy', 'mentions')
    assigns: tuple[str, ...] = ('dates',)

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        return doc


@register("temporal")
def make(config: PipelineConfig, backends: Backends) -> TemporalStage:
    return TemporalStage()
