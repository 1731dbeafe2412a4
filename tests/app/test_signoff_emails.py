"""Notifications reach a real SMTP server on loopback, with the right recipients."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import update

from registry.extensions import db
from registry.proposals.models import Proposal
from registry.timeutil import utcnow
from tests.conftest import run_isolated
from tests.proposal_data import good_form
from tests.workflow import decide, submitted_proposal


def test_submit_tells_every_signatory_still_needed(client_as, people, mailbox):
    proposal = submitted_proposal(client_as, people)
    told = {address for m in mailbox.messages for address in m.recipients}
    assert told == {
        people.manager.email,
        people.dce_policy.email,
        people.ce.email,
        people.acting_ce.email,
    }
    message = mailbox.to(people.ce.email)[0]
    assert f"Sign-off needed: {proposal.title}" in message["Subject"]
    assert f"/proposals/{proposal.id}/signoff" in message.get_content()


def test_each_decision_tells_the_proposer_and_approval_tells_the_liaison(
    client_as, people, mailbox
):
    proposal = submitted_proposal(client_as, people)
    mailbox.messages.clear()
    decide(client_as("manager"), proposal, capacity="manager-communications")
    assert mailbox.subjects_for(people.staff_policy.email) == [
        f"[MEC channel registry] Signed off by Manager Communications: {proposal.title}"
    ]
    decide(client_as("dce_policy"), proposal, capacity="dce")
    decide(client_as("acting_ce"), proposal, capacity="chief-executive")
    approved = [m for m in mailbox.messages if "Approved:" in m["Subject"]]
    assert len(approved) == 1
    assert set(approved[0].recipients) == {people.staff_policy.email, people.comms.email}
    assert "Acting Chief Executive" in approved[0].get_content()


def test_changes_requested_email_carries_the_comment(client_as, people, mailbox):
    proposal = submitted_proposal(client_as, people)
    mailbox.messages.clear()
    decide(
        client_as("ce"), proposal, "request-changes", comment="Name the spokespeople's deputies."
    )
    [message] = mailbox.to(people.staff_policy.email)
    assert "Changes requested" in message["Subject"]
    assert "Name the spokespeople's deputies." in message.get_content()


def test_an_edit_after_signing_tells_the_signatories_their_signoff_is_void(
    client_as, people, mailbox
):
    proposal = submitted_proposal(client_as, people)
    decide(client_as("manager"), proposal, capacity="manager-communications")
    mailbox.messages.clear()
    db.session.expire_all()
    version = db.session.get(Proposal, proposal.id).version
    saved = client_as("staff_policy").post(
        f"/proposals/{proposal.id}/edit/about",
        data=good_form(people, version=str(version), audience="Everyone."),
    )
    assert saved.status_code == 302
    assert mailbox.subjects_for(people.manager.email) == [
        f"[MEC channel registry] Your sign-off no longer applies: {proposal.title}"
    ]


def test_remind_emails_signatories_about_proposals_waiting_too_long(
    app, client_as, people, mailbox
):
    waiting = submitted_proposal(client_as, people)
    decide(client_as("ce"), waiting, capacity="chief-executive")
    fresh = submitted_proposal(client_as, people, handle="MECFresh", channel_name="Fresh one")
    db.session.execute(
        update(Proposal)
        .where(Proposal.id == waiting.id)
        .values(submitted_at=utcnow() - timedelta(days=21))
    )
    db.session.commit()
    mailbox.messages.clear()
    result = run_isolated(app.test_cli_runner().invoke, args=["registry", "remind"])
    assert result.exit_code == 0, result.output
    assert "waiting more than 3 working days for sign-off: 1" in result.output
    assert waiting.reference in result.output and fresh.reference not in result.output
    reminded = {address for m in mailbox.messages for address in m.recipients}
    # The CE has signed; the acting CE cannot fill a filled capacity: only MC and the DCE.
    assert reminded == {people.manager.email, people.dce_policy.email}
