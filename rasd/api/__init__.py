"""rasd's HTTP API (FastAPI): see docs/api.md. ``create_app()`` builds it; ``rasd serve`` runs it."""

from rasd.api.app import create_app

__all__ = ["create_app"]
