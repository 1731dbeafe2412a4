"""Current channels whose people no longer meet the policy's people rules (someone left, was
deactivated or left the Communications team)."""

from __future__ import annotations

from sqlalchemy import select

from registry.channels.models import CLOSED_STATES, Channel
from registry.extensions import db

PEOPLE_RULES = ("SMP-COMMS", "SMP-SPOKESPEOPLE", "SMP-PEER-REVIEW", "SMP-OIA")


def people_problem_of(channel: Channel) -> str:
    if not channel.proposal_id:
        return ""
    from registry.proposals.models import Proposal
    from registry.proposals.policy_view import policy_report

    proposal = db.session.get(Proposal, channel.proposal_id)
    report = policy_report(proposal.current_revision.content, proposal.proposer)
    problems = [
        f"{r.rule.id}: " + " ".join(f.message for f in r.findings)
        for r in report
        if r.rule.id in PEOPLE_RULES and not r.passed
    ]
    return "\n".join(problems)


def recheck_people(user_id: int | None = None) -> list[Channel]:
    """Re-evaluate the people rules for current channels (naming ``user_id``, or all).
    Runs inside the caller's transaction; returns the channels that now need reassignment."""
    # A closing channel is no longer monitored: nobody need be reassigned to run it.
    query = select(Channel).where(
        Channel.state.not_in(CLOSED_STATES), Channel.proposal_id.is_not(None)
    )
    if user_id is not None:
        query = query.where(Channel.people_ids.like(f"%,{int(user_id)},%"))
    flagged = []
    for channel in db.session.scalars(query).unique():
        channel.people_problem = people_problem_of(channel)
        if channel.people_problem:
            flagged.append(channel)
    return flagged


def orphaned_channels() -> list[Channel]:
    return list(
        db.session.scalars(
            select(Channel)
            .where(Channel.state.not_in(CLOSED_STATES), Channel.people_problem != "")
            .order_by(Channel.name)
        ).unique()
    )
