"""/api/config: what the web UI needs to know about this server."""

from __future__ import annotations

from fastapi import APIRouter

from rasd import __version__
from rasd.api.deps import OptionalPrincipalDep, SettingsDep
from rasd.api.schemas import ConfigOut

router = APIRouter(tags=["meta"])


@router.get("/config", response_model=ConfigOut)
def get_config(settings: SettingsDep, principal: OptionalPrincipalDep) -> ConfigOut:
    """The optional online tile URL (null: offline base map only) and, for a signed-in
    caller only, the rasd version (a stranger learns nothing to match against
    advisories)."""
    version = __version__ if principal is not None else None
    return ConfigOut(tile_url=settings.tile_url or None, version=version)
