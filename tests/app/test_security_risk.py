"""Going live or recertifying with a failing account-security checklist needs the Manager
Communications to accept the risk, with a reason, for that one action."""

from __future__ import annotations

from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState
from registry.extensions import db as _db
from registry.inventory.models import SecurityRiskAcceptance
from registry.inventory.security import save_security
from tests.workflow import approved_proposal, secure_account

URL = "https://www.facebook.com/MECPasifika"
ANSWERS = {
    "still_needed": "yes",
    "terms_accurate": "yes",
    "hours_kept": "yes",
    "spokespeople_right": "yes",
    "outcome": "attest",
}


def attest(client, channel: Channel, name: str):  # noqa: ANN001, ANN201
    """An attestation for the channel's current review cycle, signed ``name``."""
    cycle = str(fresh(channel).review_cycle)
    return client.post(
        f"/channels/{channel.id}/attest", data={**ANSWERS, "signed_name": name, "cycle": cycle}
    )


def approved_channel(client_as, people) -> Channel:  # noqa: ANN001
    proposal = approved_proposal(client_as, people)
    return _db.session.scalar(select(Channel).where(Channel.proposal_id == proposal.id))


def fresh(channel: Channel) -> Channel:
    _db.session.expire_all()
    return _db.session.get(Channel, channel.id)


def go_live(client, channel: Channel, url: str = URL):  # noqa: ANN001, ANN201
    return client.post(f"/channels/{channel.id}/live", data={"channel_url": url})


def accept(client, channel: Channel, reason: str):  # noqa: ANN001, ANN201
    return client.post(f"/channels/{channel.id}/security-risk", data={"reason": reason})


def acceptances() -> list[SecurityRiskAcceptance]:
    _db.session.expire_all()
    return list(
        _db.session.scalars(select(SecurityRiskAcceptance).order_by(SecurityRiskAcceptance.id))
    )


def test_going_live_with_a_failing_checklist_needs_the_manager_to_accept_the_risk(
    client_as, people, db
):
    channel = approved_channel(client_as, people)
    comms = client_as("comms")
    refused = go_live(comms, channel)
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Multi-factor authentication is on" in page and "Manager Communications" in page
    assert URL in page  # what was typed is kept
    assert fresh(channel).state_enum is ChannelState.APPROVED
    assert "Accept the risk" not in comms.get(f"/channels/{channel.id}").get_data(as_text=True)

    manager = client_as("manager")
    assert "Accept the risk" in manager.get(f"/channels/{channel.id}").get_data(as_text=True)
    blank = accept(manager, channel, " \x00 ")
    assert blank.status_code == 200 and "Say why the risk is acceptable" in blank.get_data(
        as_text=True
    )
    assert acceptances() == []

    reason = "Launch is\x07 booked for today;\r\nMFA goes on this week."
    assert accept(manager, channel, reason).status_code == 302
    [given] = acceptances()
    assert given.accepted_by_id == people.manager.id
    assert given.capacity == "Manager Communications" and given.action == "go-live"
    assert given.reason == "Launch is booked for today;\nMFA goes on this week."
    assert "Multi-factor authentication is on" in given.failing and given.used_at is None
    shown = comms.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "Launch is booked for today;" in shown and "Risk accepted" in shown

    # The Manager Communications is also in the Communications team, but does not take
    # live the channel whose risk they accepted.
    own = go_live(manager, channel)
    assert own.status_code == 200 and "someone else" in own.get_data(as_text=True)
    assert fresh(channel).state_enum is ChannelState.APPROVED

    assert go_live(comms, channel).status_code == 302
    assert fresh(channel).state_enum is ChannelState.ACTIVE
    [used] = acceptances()
    assert used.used_by_id == people.comms.id and used.used_at is not None
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "channel-security-risk-accepted")
    ).one()
    assert entry.actor_id == people.manager.id and "Multi-factor" in entry.summary
    live = db.session.scalars(select(AuditEntry).where(AuditEntry.action == "channel-live")).one()
    assert "Manager Communications" in live.summary


def test_an_acceptance_is_used_once_recertifying_needs_its_own(client_as, people, db):
    channel = approved_channel(client_as, people)
    manager, comms = client_as("manager"), client_as("comms")
    accept(manager, channel, "Launch today.")
    assert go_live(comms, channel).status_code == 302

    # The owner's attestation needs nothing of the checklist; the second one recertifies, so
    # it is refused while the checklist fails and no acceptance covers it.
    assert attest(client_as("staff_policy"), channel, "Tama Rāwiri").status_code == 302
    refused = attest(comms, channel, "Mere Tane")
    assert refused.status_code == 200
    assert "Before recertifying" in refused.get_data(as_text=True)
    before = fresh(channel).review_due

    assert accept(manager, channel, "Admins are being added this month.").status_code == 302
    assert acceptances()[-1].action == "recertify"
    assert attest(comms, channel, "Mere Tane").status_code == 302
    assert fresh(channel).last_reviewed_at is not None

    # The next cycle's recertification needs its own acceptance.
    assert attest(client_as("staff_policy"), channel, "Tama Rāwiri").status_code == 302
    again = attest(comms, channel, "Mere Tane")
    assert again.status_code == 200 and "Before recertifying" in again.get_data(as_text=True)
    assert before is not None


def test_only_the_manager_communications_can_accept(client_as, people, db):
    channel = approved_channel(client_as, people)
    for role in ("comms", "ce", "dce_policy", "acting_ce"):
        assert accept(client_as(role), channel, "Fine by me.").status_code == 403, role
    assert accept(client_as("staff_policy"), channel, "Fine by me.").status_code in (403, 404)
    assert accept(client_as("admin"), channel, "Fine by me.").status_code in (403, 404)
    assert acceptances() == []


def test_a_passing_checklist_needs_no_acceptance(client_as, people, db):
    channel = approved_channel(client_as, people)
    secure_account(channel.id, people)
    assert accept(client_as("manager"), channel, "Just in case.").status_code == 409
    assert go_live(client_as("comms"), channel).status_code == 302
    assert acceptances() == []


def test_an_acceptance_covers_only_the_checks_failing_when_it_was_given(client_as, people, db):
    channel = approved_channel(client_as, people)
    admins = [people.comms.id, people.manager.id]
    save_security(
        channel.id,
        people.comms,
        admins,
        False,
        "social@ethniccommunities.govt.nz",
        "Vault",
        agency_today(),
    )
    assert accept(client_as("manager"), channel, "MFA this week.").status_code == 302
    assert acceptances()[0].failing == ["Multi-factor authentication is on"]
    save_security(
        channel.id, people.comms, admins, False, "someone@gmail.example", "Vault", agency_today()
    )
    refused = go_live(client_as("comms"), channel)
    assert refused.status_code == 200 and "The recovery email is on" in refused.get_data(
        as_text=True
    )
    assert fresh(channel).state_enum is ChannelState.APPROVED
