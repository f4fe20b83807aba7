"""Stage protocol, stage registry and the Pipeline that checks stage order at start-up."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from rasd.exceptions import ConfigError, PipelineOrderError
from rasd.pipeline.doc import Doc

if TYPE_CHECKING:
    from rasd.actors.base import ActorKB
    from rasd.config import PipelineConfig
    from rasd.gazetteer.base import Geocoder
    from rasd.models.encoder import Encoder


@runtime_checkable
class Stage(Protocol):
    """A pipeline stage: a callable Doc -> Doc that declares its inputs and outputs."""

    name: str
    requires: tuple[str, ...]
    assigns: tuple[str, ...]

    def load(self) -> None:
        """Load models or data. Called once, by the pipeline, never by the constructor."""

    def __call__(self, doc: Doc) -> Doc: ...


@dataclass
class Backends:
    """Backends passed to stage factories. Unset ones are built from the config."""

    geocoder: Geocoder | None = None
    kb: ActorKB | None = None
    encoder: Encoder | None = None  # the learned coder's sentence encoder; None: from config

    def get_geocoder(self, config: PipelineConfig) -> Geocoder:
        """The geocoder passed in, or the offline GeoNames one (built once, loaded lazily)."""
        if self.geocoder is None:
            from rasd.gazetteer.geocoder import GazetteerGeocoder

            self.geocoder = GazetteerGeocoder(config.gazetteer)
        return self.geocoder

    def get_kb(self, config: PipelineConfig) -> ActorKB:
        """The actor knowledge base passed in, or the YAML one (built once, loaded lazily)."""
        if self.kb is None:
            from rasd.actors.kb import YamlActorKB

            self.kb = YamlActorKB(config.actors)
        return self.kb


StageFactory = Callable[["PipelineConfig", Backends], Stage]
_REGISTRY: dict[str, StageFactory] = {}


def register(name: str) -> Callable[[StageFactory], StageFactory]:
    """Decorator registering a stage factory under ``name``."""

    def deco(factory: StageFactory) -> StageFactory:
        _REGISTRY[name] = factory
        return factory

    return deco


def registered_stages() -> list[str]:
    _import_builtin_stages()
    return sorted(_REGISTRY)


def _import_builtin_stages() -> None:
    # Importing the modules registers their factories.
    from rasd.pipeline import (  # noqa: F401
        actors,
        arguments,
        assemble,
        classify,
        detect,
        geocode,
        nlp,
        normalise,
        temporal,
    )


def check_order(stages: Iterable[Stage]) -> None:
    """Raise PipelineOrderError if a stage requires what no earlier stage assigns."""
    available = {"document"}
    for stage in stages:
        missing = [r for r in stage.requires if r not in available]
        if missing:
            raise PipelineOrderError(
                f"stage {stage.name!r}",
                f"requires {', '.join(missing)}, which no earlier stage assigns",
                "reorder [pipeline] stages so the stages assigning them come first",
            )
        available.update(stage.assigns)


@dataclass
class Pipeline:
    stages: list[Stage]
    loaded: bool = field(default=False)
    config: PipelineConfig | None = None  # the config it was built from, if any

    def __post_init__(self) -> None:
        check_order(self.stages)

    @classmethod
    def from_config(cls, config: PipelineConfig, backends: Backends | None = None) -> Pipeline:
        """Build (without loading) the pipeline a config describes. Safe in a worker process."""
        _import_builtin_stages()
        backends = backends or Backends()
        stages = []
        for name in config.pipeline.stages:
            factory = _REGISTRY.get(name)
            if factory is None:
                raise ConfigError(
                    f"[pipeline] stages: {name!r}",
                    "is not a known stage",
                    f"use only: {', '.join(sorted(_REGISTRY))}",
                )
            stages.append(factory(config, backends))
        return cls(stages, config=config)

    def load(self) -> Pipeline:
        if not self.loaded:
            for stage in self.stages:
                stage.load()
            self.loaded = True
        return self

    def __call__(self, doc: Doc) -> Doc:
        self.load()
        for stage in self.stages:
            doc = stage(doc)
            doc.assigned.update(stage.assigns)
        return doc

    def pipe(self, docs: Iterable[Doc], batch_size: int = 16) -> Iterator[Doc]:
        """Process many documents; stages with a ``pipe`` method get whole batches."""
        self.load()
        batch: list[Doc] = []
        for doc in docs:
            batch.append(doc)
            if len(batch) >= batch_size:
                yield from self._run_batch(batch)
                batch = []
        if batch:
            yield from self._run_batch(batch)

    def _run_batch(self, batch: list[Doc]) -> list[Doc]:
        for stage in self.stages:
            piper = getattr(stage, "pipe", None)
            batch = piper(batch) if callable(piper) else [stage(d) for d in batch]
            for d in batch:
                d.assigned.update(stage.assigns)
        return batch

    def stage(self, name: str) -> Stage:
        for s in self.stages:
            if s.name == name:
                return s
        raise KeyError(name)
