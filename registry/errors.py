"""Domain errors. Service functions raise these; views turn them into form errors or pages."""

from __future__ import annotations


class RegistryError(Exception):
    """Something the person asked for cannot be done; the message says why and how to fix it.

    ``field`` names the form field the message belongs to, when there is one. ``status`` is
    the HTTP status the one app-level handler answers with when no view shows it otherwise.
    """

    status = 400

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


class ConflictError(RegistryError):
    """The action does not fit the record's current state (answered with HTTP 409)."""

    status = 409


class ForbiddenError(RegistryError):
    """The person may not do this, whatever the record's state (answered with HTTP 403)."""

    status = 403
