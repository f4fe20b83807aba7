"""Stage 'normalise' (placeholder: passes the document through unchanged)."""

from __future__ import annotations

from dataclasses import dataclass

from rasd.config import PipelineConfig
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc


@dataclass
class NormaliseStage:
    name: str = "normalise"
    requires: tuple[str, ...] = ('document',)
    assigns: tuple[str, ...] = ('document',)

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        return doc


@register("normalise")
def make(config: PipelineConfig, backends: Backends) -> NormaliseStage:
    return NormaliseStage()
