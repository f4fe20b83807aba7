"""Stage 'actors' (placeholder: passes the document through unchanged)."""

from __future__ import annotations

from dataclasses import dataclass

from rasd.config import PipelineConfig
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc


@dataclass
class ActorsStage:
    name: str = "actors"
    requires: tuple[str, ...] = ('arguments',)
    assigns: tuple[str, ...] = ('actors', 'event_actors')

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        return doc


@register("actors")
def make(config: PipelineConfig, backends: Backends) -> ActorsStage:
    return ActorsStage()
