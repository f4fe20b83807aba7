"""Stage 'geocode' (placeholder: passes the document through unchanged)."""

from __future__ import annotations

from dataclasses import dataclass

from rasd.config import PipelineConfig
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc


@dataclass
class GeocodeStage:
    name: str = "geocode"
    requires: tuple[str, ...] = ('arguments', 'mentions')
    assigns: tuple[str, ...] = ('places', 'event_places')

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        return doc


@register("geocode")
def make(config: PipelineConfig, backends: Backends) -> GeocodeStage:
    return GeocodeStage()
