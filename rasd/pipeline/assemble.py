"""Stage 'assemble' (placeholder: passes the document through unchanged)."""

from __future__ import annotations

from dataclasses import dataclass

from rasd.config import PipelineConfig
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc


@dataclass
class AssembleStage:
    name: str = "assemble"
    requires: tuple[str, ...] = ('event_places', 'event_actors')
    assigns: tuple[str, ...] = ('events',)

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        return doc


@register("assemble")
def make(config: PipelineConfig, backends: Backends) -> AssembleStage:
    return AssembleStage()
