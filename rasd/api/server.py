"""``rasd serve``: run the API and web UI with uvicorn on the configured store."""

from __future__ import annotations

from collections.abc import Callable

from rasd.config import Settings


def serve(
    settings: Settings,
    host: str | None = None,
    port: int | None = None,
    announce: Callable[[str], None] = print,
) -> None:
    """Open the store (failing early with a clear error), then serve until interrupted."""
    import uvicorn

    from rasd.api.app import create_app
    from rasd.service import open_store

    host = host or settings.host
    port = port or settings.port
    store = open_store(settings)  # a bad URL or an unwritable file fails here, not in uvicorn
    try:
        app = create_app(settings, store)
        shown = f"[{host}]" if ":" in host else host
        announce(f"rasd: serving the web UI on http://{shown}:{port} (API docs: /docs)")
        announce(f"  database {settings.resolved_database_url()}; press Ctrl+C to stop")
        if host not in ("127.0.0.1", "localhost", "::1"):
            announce(f"  warning: {host} is reachable from other machines and rasd has no login")
        uvicorn.run(app, host=host, port=port, log_level=settings.log_level.lower())
    finally:
        store.close()
