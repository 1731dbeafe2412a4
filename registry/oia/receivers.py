"""What information requests add when a lower package reports or shows something
(``registry/signals.py``); connected in ``registry.connect_receivers``."""

from __future__ import annotations

from datetime import date
from typing import Any

from registry.auth.models import User
from registry.channels.models import Channel
from registry.oia import services


def channel_page(channel: Channel, actor: User, today: date, **_: Any) -> dict[str, Any]:
    """The channel's information requests, with their status, and whose requester ``actor``
    may see."""
    requests = services.requests_for(channel)
    return {
        "requests": [(r, services.status_of(r, today)) for r in requests],
        "requester_visible": {r.id for r in requests if services.can_see_requester(actor, r)},
    }
