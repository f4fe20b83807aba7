"""One router per resource; each is mounted under /api by :func:`rasd.api.app.create_app`."""
