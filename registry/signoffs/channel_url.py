"""The last check before an approval: the channel's address is its own page."""

from __future__ import annotations

from flask_babel import gettext as _

from registry.channels.queries import channel_url_after_approval
from registry.errors import RegistryError
from registry.policy.platforms import channel_url_problem
from registry.proposals.models import Proposal


def refuse_unusable_channel_url(proposal: Proposal, content: dict) -> None:
    """No sign-off on an address that is not the channel's own page: the revision may predate
    the check, and an approval puts the address on the channel and its charter."""
    url = channel_url_after_approval(proposal.channel_id, content)
    problem = url and channel_url_problem(
        content.get("platform", ""), content.get("handle", ""), url
    )
    if problem:
        raise RegistryError(
            _(
                "This revision cannot be approved: %(problem)s Request changes so the proposer"
                " fixes the Channel URL.",
                problem=problem,
            )
        )
