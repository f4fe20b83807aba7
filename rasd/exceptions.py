"""Every error rasd raises on purpose. Each names the bad input, what was expected, and the fix.

The CLI and API turn these into messages with :func:`describe`; nothing else
formats errors for users.
"""

from __future__ import annotations


class RasdError(Exception):
    """Base class. ``subject`` is the bad input (a file, line, setting or id)."""

    def __init__(self, subject: str, problem: str, fix: str) -> None:
        self.subject = subject
        self.problem = problem
        self.fix = fix
        super().__init__(f"{subject}: {problem}. Fix: {fix}")


class InputError(RasdError):
    """A report file or line cannot be read (empty, binary, bad encoding, too large...)."""

    def __init__(self, subject: str, problem: str, fix: str, line: int | None = None) -> None:
        self.line = line
        where = f"{subject}:{line}" if line is not None else subject
        super().__init__(where, problem, fix)


class TextTooLong(InputError):
    """A report's text is longer than rasd processes as one report (an API maps it to 413)."""


class ConfigError(RasdError):
    """A setting or pipeline configuration is wrong."""


class ModelNotFound(RasdError):
    """The spaCy model named in the settings is not installed."""


class GazetteerError(RasdError):
    """The gazetteer cannot be built or loaded."""


class KnowledgeBaseError(RasdError):
    """An actor knowledge-base file is malformed."""


class PipelineOrderError(ConfigError):
    """A stage requires something no earlier stage assigns."""


class StoreError(RasdError):
    """The database cannot be opened, migrated or written."""


class NotFound(RasdError):
    """An id does not exist in the store."""


class CorrectionError(RasdError):
    """An analyst correction names an unknown field, a bad value or an impossible change."""


class Conflict(RasdError):
    """A name or id that must be unique is taken (a username, an organisation id)."""


class MarkingDowngrade(Conflict):
    """A re-added report would lower its stored TLP marking without the explicit
    permission (``--allow-downgrade``, ``allow_downgrade=true``) (HTTP 409)."""


class AuthError(RasdError):
    """Who is asking is unknown: no, a wrong, an expired or a revoked credential (HTTP 401)."""


class Forbidden(RasdError):
    """The user is known but may not do this: their role or organisation (HTTP 403)."""


class RateLimited(RasdError):
    """Too many failed logins; ``retry_after`` seconds until the next try (HTTP 429)."""

    def __init__(self, subject: str, problem: str, fix: str, retry_after: int) -> None:
        self.retry_after = retry_after
        super().__init__(subject, problem, fix)


class EvalDataError(RasdError):
    """An evaluation dataset is missing or malformed."""


def describe(exc: BaseException) -> str:
    """A one-paragraph user-facing message for any exception."""
    if isinstance(exc, RasdError):
        return f"error: {exc.subject}: {exc.problem}.\n  fix: {exc.fix}"
    return f"error: unexpected {type(exc).__name__}: {exc}"
