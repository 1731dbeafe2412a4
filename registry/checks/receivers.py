"""What the daily channel check adds to a channel's page (``signals.channel_page``);
connected in ``registry.connect_receivers``."""

from __future__ import annotations

from datetime import date
from typing import Any

from registry.auth.models import User
from registry.channels.models import Channel, ChannelState
from registry.checks import flags, services
from registry.policy.channel_checks import checkable


def channel_page(channel: Channel, actor: User, today: date, **_: Any) -> dict[str, Any]:
    """The channel's open and past flags with what each saw, and its last check. Read only."""
    shown = flags.flags_of(channel.id)
    enabled, can_check = services.checks_enabled(), checkable(channel.platform)
    # The last check is shown only for a live channel the registry checks: no query otherwise.
    shows_latest = enabled and can_check and channel.state_enum is ChannelState.ACTIVE
    return {
        "channel_checks": {
            "enabled": enabled,
            "checkable": can_check,
            "open_flags": [f for f in shown if f.is_open],
            "closed_flags": [f for f in shown if not f.is_open],
            "latest": services.latest_check(channel.id) if shows_latest else None,
            "sentence": flags.finding_sentence,
        }
    }
