"""What changed in a proposal since the revision a signatory last decided on, so a second
reading is of the changes, not of the whole proposal again."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from registry.auth.models import User
from registry.proposals import presenters
from registry.proposals.models import Proposal
from registry.signoffs.models import Signoff


@dataclass(frozen=True)
class Changes:
    since: int  # the revision number compared with the current one
    yours: bool  # the reader decided on it (otherwise someone else did)
    rows: list[tuple[str, str, Any, Any]]  # (form field id, label, now, then)


def changes_for(reader: User, proposal: Proposal, history: list[Signoff]) -> Changes | None:
    """Changes since the last revision ``reader`` decided on, or failing that the last one
    anyone decided on; None when there is no earlier decided revision to compare with."""
    current = proposal.current_revision
    if any(s.signer_id == reader.id and s.revision_number == current.number for s in history):
        return None  # they have read this one already
    earlier = [s for s in history if s.revision_number < current.number]
    mine = [s for s in earlier if s.signer_id == reader.id]
    chosen = mine or earlier
    if not chosen:
        return None
    since = max(s.revision_number for s in chosen)
    then = next((r for r in proposal.revisions if r.number == since), None)
    if then is None:
        return None
    return Changes(
        since=since,
        yours=bool(mine),
        rows=presenters.differences(current.content, then.content),
    )
