"""What the API does when a lower package reports a change (``registry/signals.py``);
connected in ``registry.connect_receivers``."""

from __future__ import annotations

from typing import Any

from registry.api.services import revoke_all_tokens
from registry.auth.models import User


def revoke_tokens_of(user: User, actor: User | None = None, **_: Any) -> None:
    """A deactivated person's API tokens stop working for good, not just while inactive."""
    revoke_all_tokens(user, actor, reason="account deactivated")
