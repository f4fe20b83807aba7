"""/api/config: what the web UI needs to know about this server."""

from __future__ import annotations

from fastapi import APIRouter

from rasd import __version__
from rasd.api.deps import SettingsDep
from rasd.api.schemas import ConfigOut

router = APIRouter(tags=["meta"])


@router.get("/config", response_model=ConfigOut)
def get_config(settings: SettingsDep) -> ConfigOut:
    """The optional online tile URL (null: offline base map only) and the rasd version."""
    return ConfigOut(tile_url=settings.tile_url or None, version=__version__)
