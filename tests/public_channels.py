"""Channels in each public state, made the way people make them: HTTP posts as each person."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from registry.channels.models import Channel
from registry.charters.models import Charter
from registry.policy.platforms import expected_channel_url
from registry.proposals.models import Proposal, ProposalState
from registry.timeutil import utcnow
from tests.proposal_data import good_form
from tests.workflow import approved_proposal, change_and_submit, decide, secure_account

SIGNERS = (("manager", "manager-communications"), ("dce_policy", "dce"), ("ce", "chief-executive"))


def channel_of(db, proposal) -> Channel:  # noqa: ANN001
    db.session.expire_all()
    return db.session.scalar(select(Channel).where(Channel.proposal_id == proposal.id))


def charter_of(db, proposal) -> Charter:  # noqa: ANN001
    return db.session.scalar(select(Charter).where(Charter.proposal_id == proposal.id))


def go_live(client_as, people, channel: Channel) -> None:  # noqa: ANN001
    """Comms records a passing account-security checklist, then marks the channel live."""
    secure_account(channel.id, people)
    response = client_as("comms").post(
        f"/channels/{channel.id}/live",
        data={"channel_url": expected_channel_url(channel.platform, channel.handle)},
    )
    assert response.status_code == 302


def close(client_as, channel: Channel, on) -> None:  # noqa: ANN001
    response = client_as("comms").post(
        f"/channels/{channel.id}/decommission",
        data={"decommission-decommissioned_on": on.isoformat(), "decommission-reason": "Merged."},
    )
    assert response.status_code == 302


# What each closing checklist item takes, as the Communications team types it.
CLOSING_ANSWERS = {
    "final-post": {
        "post_url": "https://www.facebook.com/MECPasifika/posts/1",
        "points_to": "https://www.ethniccommunities.govt.nz",
    },
    "profile": {"confirmed": "y"},
    "handle": {"outcome": "dormant", "release_reason": ""},
    "records": {"disposal_authority": "DA 1234", "export_location": "Records file 2026/17"},
}


def finish_closing(client_as, channel: Channel) -> None:  # noqa: ANN001
    """Comms ticks every item of a closing channel's checklist: it is then decommissioned."""
    comms = client_as("comms")
    for key, data in CLOSING_ANSWERS.items():
        response = comms.post(f"/channels/{channel.id}/closing/{key}", data=data)
        assert response.status_code == 302, response.get_data(as_text=True)


def live_channel(client_as, people, db, **overrides) -> Channel:  # noqa: ANN001
    """Live since 60 days ago, so a test can close it on a day in the past (a channel cannot
    close before it went live)."""
    proposal = approved_proposal(client_as, people, **overrides)
    channel = channel_of(db, proposal)
    go_live(client_as, people, channel)
    db.session.execute(
        update(Channel)
        .where(Channel.id == channel.id)
        .values(went_live_at=utcnow() - timedelta(days=60))
    )
    db.session.commit()
    return channel_of(db, proposal)


def reapproved_change(client_as, people, db, channel: Channel) -> Proposal:  # noqa: ANN001
    comms = client_as("comms")
    assert comms.post(f"/channels/{channel.id}/change").status_code == 302
    change = db.session.scalar(
        select(Proposal).where(
            Proposal.channel_id == channel.id, Proposal.id != channel.proposal_id
        )
    )
    change_and_submit(comms, change.id, good_form(people, purpose="Wider."))
    for role, office in SIGNERS:
        assert decide(client_as(role), change, capacity=office).status_code == 302
    db.session.expire_all()
    change = db.session.get(Proposal, change.id)
    assert change.state_enum is ProposalState.APPROVED
    return change
