"""``rasd serve``: run the API and web UI with uvicorn on the configured store."""

from __future__ import annotations

from collections.abc import Callable

from rasd.config import Settings
from rasd.store.abase import AccessStore


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
        announce(f"  database {store.url}; press Ctrl+C to stop")  # password hidden
        for line in _sign_in_notes(settings, store, host):
            announce(line)
        # proxy_headers=False: uvicorn would believe X-Forwarded-For from 127.0.0.1; the
        # app decides instead, from RASD_TRUSTED_PROXIES (rasd.api.security.client_address)
        uvicorn.run(
            app, host=host, port=port, log_level=settings.log_level.lower(), proxy_headers=False
        )
    finally:
        store.close()


def _sign_in_notes(settings: Settings, store: AccessStore, host: str) -> list[str]:
    if settings.auth == "off":
        notes = ["  sign-in is OFF (RASD_AUTH=off, development): every visitor is the local admin"]
        if host not in ("127.0.0.1", "localhost", "::1"):
            notes.append(
                f"  warning: {host} is reachable from other machines and there is no login"
            )
        return notes
    if not store.users():
        return [
            "  no users yet: create an admin first, e.g. "
            f"`rasd user create NAME --org {settings.org} --role admin`"
        ]
    return []
