"""What the charters package does when a lower package reports a change
(``registry/signals.py``); connected in ``registry.connect_receivers``."""

from __future__ import annotations

from typing import Any

from registry.charters import services
from registry.proposals.models import Proposal


def issue_charter(proposal: Proposal, **_: Any) -> None:
    services.issue_after_approval(proposal)


def proposal_page(proposal: Proposal, **_: Any) -> dict[str, Any]:
    return {"charter": services.charter_for(proposal)}
