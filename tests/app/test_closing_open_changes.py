"""A change still open when its channel closes is withdrawn: it can never issue a charter."""

from __future__ import annotations

from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.auth.offices import agency_today
from registry.charters.models import Charter
from registry.proposals.models import Proposal, ProposalState
from tests.proposal_data import good_form
from tests.public_channels import close, live_channel
from tests.workflow import change_and_submit, decide


def test_closing_a_channel_withdraws_its_open_change(client_as, people, db):  # noqa: ANN001
    channel = live_channel(client_as, people, db)
    comms = client_as("comms")
    assert comms.post(f"/channels/{channel.id}/change").status_code == 302
    change = db.session.scalar(
        select(Proposal).where(
            Proposal.channel_id == channel.id, Proposal.id != channel.proposal_id
        )
    )
    change_and_submit(comms, change.id, good_form(people, purpose="Wider."))
    # Two of the three sign-offs are in when the channel closes.
    assert (
        decide(client_as("manager"), change, capacity="manager-communications").status_code == 302
    )
    assert decide(client_as("dce_policy"), change, capacity="dce").status_code == 302

    close(client_as, channel, agency_today())

    db.session.expire_all()
    assert db.session.get(Proposal, change.id).state_enum is ProposalState.WITHDRAWN
    withdrawn = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.action == "proposal-withdrawn", AuditEntry.object_id == change.reference
        )
    ).one()
    assert "closed on" in withdrawn.summary
    # The third sign-off is refused, and no charter is issued for the closed channel.
    third = decide(client_as("ce"), change, capacity="chief-executive")
    assert third.status_code == 409
    assert db.session.scalar(select(Charter).where(Charter.proposal_id == change.id)) is None
