"""The public entry points: build a pipeline and extract events from documents."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from functools import lru_cache

from rasd.config import PipelineConfig
from rasd.pipeline.base import Backends, Pipeline
from rasd.pipeline.doc import Doc
from rasd.records import Document, Event


def build_pipeline(
    config: PipelineConfig | None = None, backends: Backends | None = None
) -> Pipeline:
    """Build (but do not load) the pipeline. Loading happens on first use."""
    return Pipeline.from_config(config or PipelineConfig.load(), backends)


@lru_cache(maxsize=4)
def shared_pipeline(config: PipelineConfig) -> Pipeline:
    """One loaded pipeline per configuration per process (the CLI and API reuse it)."""
    return build_pipeline(config).load()


def process(pipeline: Pipeline, document: Document) -> Doc:
    """Run every stage on one document and return the full working state."""
    return pipeline(Doc(document))


def extract(pipeline: Pipeline, document: Document) -> list[Event]:
    return process(pipeline, document).events


def extract_many(
    pipeline: Pipeline, documents: Iterable[Document], batch_size: int = 16
) -> Iterator[Doc]:
    """Process documents in batches (one ``nlp.pipe`` call per batch)."""
    return pipeline.pipe((Doc(d) for d in documents), batch_size=batch_size)
