"""Domain errors. Service functions and loaders raise these; each carries its HTTP status.

One app-level handler (``registry._register_error_pages``) rolls back and renders the error
page for any that a view does not show itself; the API blueprint answers the same errors as
JSON. A view shows a refusal on its own page only through ``registry.forms.redisplay_on_refusal``.
"""

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


class NotFoundError(RegistryError):
    """No such record, or not one this person may know exists (answered with HTTP 404).

    The same answer for both, so a URL cannot be used to learn what exists.
    """

    status = 404


class ForbiddenError(RegistryError):
    """The person may not do this, whatever the record's state (answered with HTTP 403)."""

    status = 403
