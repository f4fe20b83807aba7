"""Dependencies of the routes: settings, who is asking, the store as they may see it,
and (loaded only when needed) the pipeline.

:class:`ApiState` lives on ``app.state.rasd``. Nothing is opened when the app is
built: the store is opened (and migrated) at startup by the lifespan, or on the
first request if the app runs without one (a bare ``TestClient(app)``); the
spaCy pipeline is loaded on the first POST of a document and then shared.

Every route that reads data takes ``StoreDep``/``KStoreDep``: the store scoped to
the signed-in user's organisation (:meth:`SqlStore.scoped`), so visibility is the
store's business, never a route's. Writes go through ``SystemStoreDep`` (the
unscoped store, for de-duplication across organisations) only after the route has
checked the user's role and ownership. See :mod:`rasd.api.security` for sign-in.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

from fastapi import Depends, Request

from rasd.api.security import Principal, authenticate
from rasd.config import PipelineConfig, Settings
from rasd.exceptions import AuthError, RasdError
from rasd.records import Viewer
from rasd.store.abase import AccessStore
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

    def access(self) -> AccessStore:
        """The store, which must also keep organisations, users and shares."""
        from rasd.store.abase import AccessStore

        store = self.store()
        if not isinstance(store, AccessStore):
            raise RasdError(
                "the store",
                f"({type(store).__name__}) keeps no users or shares",
                "serve a SqlStore (or a MemoryStore in tests)",
            )
        return store

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


def get_principal(request: Request, state: Annotated[ApiState, Depends(get_state)]) -> Principal:
    """Who is asking; a change was already authenticated before its body was read
    (:class:`rasd.api.limits.RequestGuard`), so it is not looked up twice."""
    early = getattr(request.state, "principal", None)
    if isinstance(early, Principal):
        return early
    return authenticate(request, state)


def get_optional_principal(
    request: Request, state: Annotated[ApiState, Depends(get_state)]
) -> Principal | None:
    """Who is asking, or None for a caller who is not signed in (public answers)."""
    try:
        return get_principal(request, state)
    except AuthError:
        return None


def get_viewer(
    state: Annotated[ApiState, Depends(get_state)],
    principal: Annotated[Principal, Depends(get_principal)],
) -> Viewer | None:
    """Who the store shows data to; None when sign-in is off (the local system)."""
    if principal.open:
        return None
    feeds = tuple(s for s in state.access().shares_for(principal.user.org) if s.kind == "feed")
    user = principal.user
    return Viewer(org=user.org, user=user.id, role=user.role, feeds=feeds)


def get_kstore(
    state: Annotated[ApiState, Depends(get_state)],
    viewer: Annotated[Viewer | None, Depends(get_viewer)],
) -> KStore:
    """The store as the signed-in user may see it (StoreDep and KStoreDep alike: one
    scoped view per request)."""
    return state.kstore() if viewer is None else state.kstore().scoped(viewer)


def get_system_store(state: Annotated[ApiState, Depends(get_state)]) -> KStore:
    """The unscoped store: only for writes a route has already authorised."""
    return state.kstore()


def get_access(state: Annotated[ApiState, Depends(get_state)]) -> AccessStore:
    return state.access()


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
PrincipalDep = Annotated[Principal, Depends(get_principal)]
OptionalPrincipalDep = Annotated[Principal | None, Depends(get_optional_principal)]
ViewerDep = Annotated[Viewer | None, Depends(get_viewer)]
StoreDep = Annotated[Store, Depends(get_kstore)]
KStoreDep = Annotated["KStore", Depends(get_kstore)]
SystemStoreDep = Annotated["KStore", Depends(get_system_store)]
AccessDep = Annotated[AccessStore, Depends(get_access)]
KnowledgeDep = Annotated["Knowledge", Depends(get_knowledge)]
PipelineConfigDep = Annotated[PipelineConfig, Depends(get_pipeline_config)]
PipelineLoaderDep = Annotated[PipelineLoader, Depends(get_pipeline_loader)]
