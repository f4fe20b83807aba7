"""Dependencies of the routes: settings, the store and (loaded only when needed) the pipeline.

:class:`ApiState` lives on ``app.state.rasd``. Nothing is opened when the app is
built: the store is opened (and migrated) at startup by the lifespan, or on the
first request if the app runs without one (a bare ``TestClient(app)``); the
spaCy pipeline is loaded on the first POST of a document and then shared.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from rasd.config import PipelineConfig, Settings
from rasd.exceptions import RasdError
from rasd.store.base import Store

if TYPE_CHECKING:
    from rasd.knowledge.dedup import KStore
    from rasd.knowledge.write import Knowledge
    from rasd.pipeline.base import Pipeline

PipelineLoader = Callable[[], "Pipeline"]


class ApiState:
    """The app's settings, store and pipeline configuration (one per app)."""

    def __init__(self, settings: Settings, store: Store | None = None) -> None:
        self.settings = settings
        self._store = store
        self._owns_store = store is None  # close only what we opened
        self._config: PipelineConfig | None = None
        self._knowledge: Knowledge | None = None
        self._lock = threading.RLock()

    def store(self) -> Store:
        with self._lock:
            if self._store is None:
                from rasd.service import open_store

                self._store = open_store(self.settings)  # migrates to the shipped schema
            return self._store

    def pipeline_config(self) -> PipelineConfig:
        with self._lock:
            if self._config is None:
                self._config = PipelineConfig.load(self.settings.pipeline_config)
            return self._config

    def pipeline(self) -> Pipeline:
        from rasd.engine import shared_pipeline

        return shared_pipeline(self.pipeline_config())

    def kstore(self) -> KStore:
        """The store, which must also keep knowledge (corrections, links, persons)."""
        from rasd.store.kbase import KnowledgeStore

        store = self.store()
        if not isinstance(store, KnowledgeStore):
            raise RasdError(
                "the store",
                f"({type(store).__name__}) keeps no corrections, event links or persons",
                "serve a SqlStore (or a MemoryStore in tests)",
            )
        return store

    def knowledge(self) -> Knowledge:
        """The write path's settings ([dedup] of the pipeline config), built once."""
        with self._lock:
            if self._knowledge is None:
                from rasd.knowledge.write import Knowledge

                self._knowledge = Knowledge.from_config(self.pipeline_config())
            return self._knowledge

    def close(self) -> None:
        with self._lock:
            if self._owns_store and self._store is not None:
                self._store.close()
                self._store = None


def get_state(request: Request) -> ApiState:
    state: ApiState = request.app.state.rasd
    return state


def get_settings(state: Annotated[ApiState, Depends(get_state)]) -> Settings:
    return state.settings


def get_store(state: Annotated[ApiState, Depends(get_state)]) -> Store:
    return state.store()


def get_kstore(state: Annotated[ApiState, Depends(get_state)]) -> KStore:
    return state.kstore()


def get_knowledge(state: Annotated[ApiState, Depends(get_state)]) -> Knowledge:
    return state.knowledge()


def get_pipeline_config(state: Annotated[ApiState, Depends(get_state)]) -> PipelineConfig:
    return state.pipeline_config()


def get_pipeline_loader(state: Annotated[ApiState, Depends(get_state)]) -> PipelineLoader:
    """A function returning the loaded pipeline. Routes call it only once the request is
    known to be good: the first call loads spaCy and the gazetteer (seconds)."""
    return state.pipeline


StateDep = Annotated[ApiState, Depends(get_state)]
SettingsDep = Annotated[Settings, Depends(get_settings)]
StoreDep = Annotated[Store, Depends(get_store)]
KStoreDep = Annotated["KStore", Depends(get_kstore)]
KnowledgeDep = Annotated["Knowledge", Depends(get_knowledge)]
PipelineConfigDep = Annotated[PipelineConfig, Depends(get_pipeline_config)]
PipelineLoaderDep = Annotated[PipelineLoader, Depends(get_pipeline_loader)]
