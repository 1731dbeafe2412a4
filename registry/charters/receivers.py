"""What the charters package does when a lower package reports a change
(``registry/signals.py``); connected in ``registry.connect_receivers``."""

from __future__ import annotations

from typing import Any

from registry.charters import jobs, services
from registry.proposals.models import Proposal


def schedule_charter(proposal: Proposal, **_: Any) -> None:
    """The approval's charter job, in the approval's transaction (a worker renders it)."""
    jobs.schedule_charter(proposal)


def proposal_page(proposal: Proposal, **_: Any) -> dict[str, Any]:
    charter = services.charter_for(proposal)
    # Without a charter yet: being prepared (its job waits or runs), or failed.
    progress = jobs.progress(proposal) if charter is None else None
    return {"charter": charter, "charter_progress": progress}


def proposals_listed(proposals: list[Proposal], **_: Any) -> dict[str, Any]:
    """Which of ``proposals`` have their charter: "My proposals" says so."""
    return {"charters": services.charters_for([p.id for p in proposals])}
