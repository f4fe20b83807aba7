"""Stage 'arguments' (placeholder: passes the document through unchanged)."""

from __future__ import annotations

from dataclasses import dataclass

from rasd.config import PipelineConfig
from rasd.pipeline.base import Backends, register
from rasd.pipeline.doc import Doc


@dataclass
class ArgumentsStage:
    name: str = "arguments"
    requires: tuple[str, ...] = ('candidates', 'mentions', 'dates')
    assigns: tuple[str, ...] = ('arguments',)

    def load(self) -> None:
        pass

    def __call__(self, doc: Doc) -> Doc:
        return doc


@register("arguments")
def make(config: PipelineConfig, backends: Backends) -> ArgumentsStage:
    return ArgumentsStage()
