"""The transparency statement's answer to the channel lifecycle: a new version when what it
says has changed.

Every signal in ``STATEMENT_CHANGES`` is connected to ``record_new_version`` by
``registry.connect_receivers``; a new lifecycle signal that can change the official channels
is one more line here. A channel leaves the statement when it starts closing
(``channel_decommissioned``); the end of its checklist (``channel_closed``) is listened to as
well, and records a version only if the statement reads differently.
"""

from __future__ import annotations

from typing import Any

from registry import signals
from registry.transparency.services import record_if_changed

STATEMENT_CHANGES = (
    signals.channel_went_live,
    signals.channel_approved,
    signals.channel_decommissioned,
    signals.channel_closed,
    signals.channels_imported,
)


def record_new_version(sender: Any, **kwargs: Any) -> None:
    """Inside the decision's transaction: a version if the statement now reads differently.
    ``sender`` is a channel, an import batch or the command line."""
    what = getattr(sender, "reference", str(sender))
    state = getattr(sender, "state", "")
    record_if_changed(f"{what}: {state}" if state else f"{what}: import", kwargs.get("actor"))
