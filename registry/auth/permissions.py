"""Permission checks declared at the route: ``@office_required(Office.ADMIN)``."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import abort
from flask_login import current_user, login_required

from registry.auth.models import Office, User
from registry.auth.offices import offices_held


def current_actor() -> User:
    """The signed-in person as the model object services take (never the login proxy)."""
    return current_user._get_current_object()


def current_offices() -> set[Office]:
    if not current_user.is_authenticated:
        return set()
    return {a.office_enum for a in offices_held(current_user)}


def office_required(*offices: Office) -> Callable:
    """Signed in and holding at least one of ``offices`` now, or 403."""

    def decorator(view: Callable) -> Callable:
        @wraps(view)
        @login_required
        def wrapped(*args: Any, **kwargs: Any) -> Any:
            if not current_offices() & set(offices):
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator
