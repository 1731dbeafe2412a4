"""Each invariant catches the break it is about (a check that cannot fail proves nothing).

Where the break is one a pending fix closes, the test says both halves: while the key is in
PENDING_FIXES the registry still lets it happen and the check sees it; once the fix lands
and the key is removed, the registry refuses it.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from registry.api import services as api_services
from registry.audit.log import record
from registry.auth import appointment_requests, offices
from registry.auth import services as auth_services
from registry.auth.models import Appointment, Office, User
from registry.channels.models import Channel
from registry.errors import RegistryError
from registry.inventory import lifecycle
from registry.proposals import services as proposals
from registry.proposals.models import Proposal
from registry.signoffs.models import Signoff
from tests import factories
from tests.stateful import invariants
from tests.workflow import (
    approved_proposal,
    decide,
    decision_form,
    secure_account,
    submitted_proposal,
)


def keys(found: list[invariants.Violation]) -> set[str]:
    return {v.invariant for v in found}


def pending(key: str) -> bool:
    return key in invariants.PENDING_FIXES | invariants.UNASSIGNED_FINDINGS


def channel_of(db, proposal: Proposal) -> Channel:  # noqa: ANN001
    db.session.expire_all()
    return db.session.scalar(sa.select(Channel).where(Channel.proposal_id == proposal.id))


def go_live(client_as, db, proposal: Proposal, people) -> Channel:  # noqa: ANN001
    channel = channel_of(db, proposal)
    secure_account(channel.id, people)
    response = client_as("comms").post(
        f"/channels/{channel.id}/live", data={"channel_url": "https://www.facebook.com/MECPasifika"}
    )
    assert response.status_code == 302
    return channel_of(db, proposal)


def test_a_clean_approval_keeps_every_promise(client_as, people, db, client, register_on):
    go_live(client_as, db, approved_proposal(client_as, people), people)
    assert invariants.check_all(client, include_pending=True) == []
    assert invariants.register_rows(client.get("/register/").get_data(as_text=True)) == [
        (
            "MEC Pasifika Communities",
            "Facebook",
            "MECPasifika",
            "https://www.facebook.com/MECPasifika",
        )
    ]


def test_an_approval_without_its_three_sign_offs_is_caught(client_as, people, db):
    proposal = approved_proposal(client_as, people)
    assert invariants.approvals_hold() == []
    signoff = db.session.scalars(
        sa.select(Signoff).where(Signoff.proposal_id == proposal.id)
    ).first()
    signoff.void = True  # what a bug voiding a sign-off after approval would leave
    db.session.commit()
    assert keys(invariants.approvals_hold()) == {"three-approvals"}


def test_ending_an_appointment_before_a_signature_it_gave_is_caught(client_as, people, db):
    """Found by the machines (now refused): an admin ending an appointment on a past date
    would make the record say the Chief Executive held no office on the day she signed."""
    approved_proposal(client_as, people)
    ce = db.session.get(User, people.ce.id)
    appointment = next(a for a in ce.appointments if a.office == Office.CHIEF_EXECUTIVE.value)
    yesterday = offices.agency_today() - timedelta(days=1)
    with pytest.raises(RegistryError):
        offices.end_appointment(appointment, yesterday, actor=db.session.get(User, people.admin.id))
    db.session.rollback()  # the registry refuses to rewrite history: the promise holds
    assert invariants.approvals_hold() == []
    # What the back-dated end would have left, written as a bug could: the check sees it.
    appointment = db.session.get(Appointment, appointment.id)
    appointment.ends_on = yesterday
    record("appointment-ended", "appointment", appointment.id, actor=None)
    db.session.commit()
    assert keys(invariants.approvals_hold()) == {"retroactive-appointment-end"}


def test_a_self_appointment_is_refused_and_would_be_caught(people, db):
    admin = db.session.get(User, people.admin.id)
    with pytest.raises(RegistryError):
        appointment_requests.request_appointment(
            admin, admin, Office.MANAGER_COMMUNICATIONS, offices.agency_today(), acting=True
        )
    db.session.rollback()
    assert invariants.no_self_appointments() == []
    # What a registry without the refusal would have left: the check sees it.
    appointment = factories.appoint(
        db.session.get(User, people.admin.id), Office.MANAGER_COMMUNICATIONS, acting=True
    )
    appointment.requested_by_id = people.admin.id
    db.session.commit()
    assert keys(invariants.no_self_appointments()) == {"self-appointment"}


def test_a_request_confirmed_by_its_requester_is_refused_and_would_be_caught(people, db):
    admin = db.session.get(User, people.admin.id)
    appointment = appointment_requests.request_appointment(
        admin,
        db.session.get(User, people.staff_community.id),
        Office.MANAGER_COMMUNICATIONS,
        offices.agency_today() + timedelta(days=40),
        acting=True,
    )
    with pytest.raises(RegistryError):
        appointment_requests.confirm_appointment(admin, appointment.id)
    db.session.rollback()
    assert invariants.no_self_appointments() == []
    appointment = db.session.get(Appointment, appointment.id)
    appointment.confirmed_by_id = people.admin.id
    appointment.confirmed_at = appointment.created_at
    db.session.commit()
    assert keys(invariants.no_self_appointments()) == {"self-appointment"}


def test_a_signer_who_confirmed_their_own_office_is_caught(client_as, people, db):
    """The three sign-offs check: none through an appointment the signer requested or
    confirmed (here the Chief Executive's appointment, as a bug could have recorded it)."""
    approved_proposal(client_as, people)
    assert invariants.approvals_hold() == []
    ce = db.session.get(User, people.ce.id)
    appointment = next(a for a in ce.appointments if a.office == Office.CHIEF_EXECUTIVE.value)
    appointment.confirmed_by_id = ce.id
    db.session.commit()
    assert keys(invariants.approvals_hold()) == {"self-appointment"}


def test_a_channel_url_the_url_rule_refuses_on_the_register_is_caught(
    client_as, people, db, client, register_on
):
    """A change proposal carries its own Channel URL to the live channel on approval."""
    channel = go_live(client_as, db, approved_proposal(client_as, people), people)
    comms = db.session.get(User, people.comms.id)
    change = lifecycle.start_change(channel.id, comms)
    content = change.current_revision.content
    content["channel_url"] = "https://facebook.com.evil.example/MECPasifika"
    with pytest.raises(RegistryError):
        proposals.save_proposal(change.id, comms, content, change.version)
        change = db.session.get(Proposal, change.id)
        proposals.submit_proposal(change.id, comms, change.version)
    db.session.rollback()
    assert invariants.register_matches(client) == []
    # What an unchecked door would have left on the register: the check sees it.
    db.session.execute(
        sa.update(Channel)
        .where(Channel.id == channel.id)
        .values(channel_url="https://facebook.com.evil.example/MECPasifika")
    )
    db.session.commit()
    assert "channel-url" in keys(invariants.register_matches(client))


def test_a_charter_verify_page_that_hides_a_closure_is_caught(client_as, people, db, client):
    channel = go_live(client_as, db, approved_proposal(client_as, people), people)
    lifecycle.decommission(
        channel.id,
        db.session.get(User, people.comms.id),
        offices.agency_today(),
        "Merged into the main page.",
    )
    assert invariants.charter_statuses_match(client) == []

    class PageSayingApproved:
        """The verify page as it was before it stated the channel's state now."""

        status_code = 200

        def get_data(self, as_text: bool = True) -> str:
            return "<dl><dt>Status</dt><dd>Approved</dd></dl>"

    class OldVerifyPages:
        def get(self, path: str) -> PageSayingApproved:
            return PageSayingApproved()

    found = invariants.charter_statuses_match(OldVerifyPages())
    assert keys(found) == {"charter-status"}
    assert "Approved" in found[0].message


def test_sessions_and_tokens_of_deactivated_people_are_checked(app, people, db):
    browser = app.test_client()
    user = db.session.get(User, people.staff_policy.id)
    browser.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    _token, raw = api_services.create_token(user, "report")
    sessions, tokens = {user.id: browser}, {user.id: raw}
    admin = db.session.get(User, people.admin.id)

    def set_active(active: bool) -> None:
        person = db.session.get(User, people.staff_policy.id)
        auth_services.update_user(person, admin, person.display_name, person.business_unit, active)

    assert invariants.inactive_cannot_authenticate(sessions, tokens, []) == []
    set_active(False)
    assert invariants.inactive_cannot_authenticate(sessions, tokens, [user.id]) == []
    set_active(True)
    found = keys(invariants.inactive_cannot_authenticate(sessions, tokens, [user.id]))
    # The old session stays dead; the old token must too.
    assert "session-survives-deactivation" not in found
    assert found == set()


def test_a_tampered_audit_row_is_caught(people, db):
    assert invariants.audit_chain_intact() == []
    if db.engine.dialect.name == "postgresql":
        pytest.skip("PostgreSQL's trigger refuses the UPDATE this test needs")
    db.session.execute(sa.text("UPDATE audit_entry SET summary = '{}' WHERE id = 2"))
    db.session.commit()
    assert keys(invariants.audit_chain_intact()) == {"audit-chain"}


def test_a_sign_off_comment_refused_with_409_is_kept(client_as, people, db):
    """Found by the machines: the proposer saves a new revision while the Manager
    Communications types a request for changes; the refusal must show the comment again."""
    proposal = submitted_proposal(client_as, people)
    form = decision_form(proposal, "request-changes", comment="Please add Tongan hours.")
    proposer = client_as("staff_policy")
    from tests.proposal_data import good_form

    edited = good_form(people, purpose="Share news with Pasifika and Tongan communities.")
    edited["version"] = str(db.session.get(Proposal, proposal.id).version)
    assert proposer.post(f"/proposals/{proposal.id}/edit/about", data=edited).status_code == 302
    response = client_as("manager").post(f"/proposals/{proposal.id}/signoff", data=form)
    kept = "Please add Tongan hours." in response.get_data(as_text=True)
    assert response.status_code == 409
    assert kept is not pending("typed-lost-on-error-page")


def test_appointments_made_by_the_operator_have_no_maker(people, db):
    appointment = db.session.scalars(sa.select(Appointment)).first()
    assert invariants.appointment_made_by(appointment.id) == set()


def test_an_edit_posted_after_the_third_sign_off_is_kept(client_as, people, db):
    """Found by the machines: the proposer opens the edit form while the proposal awaits
    sign-off; the third sign-off lands; the 409 must show what they typed."""
    from tests.proposal_data import good_form

    proposal = submitted_proposal(client_as, people)
    version = db.session.get(Proposal, proposal.id).version
    for role, office in (
        ("manager", "manager-communications"),
        ("dce_policy", "dce"),
        ("ce", "chief-executive"),
    ):
        assert decide(client_as(role), proposal, capacity=office).status_code == 302
    edited = good_form(people, purpose="Share news with Pasifika and Tongan communities.")
    edited["version"] = str(version)
    response = client_as("staff_policy").post(f"/proposals/{proposal.id}/edit/about", data=edited)
    assert response.status_code == 409
    kept = "Pasifika and Tongan communities" in response.get_data(as_text=True)
    assert kept is not pending("typed-lost-on-error-page")


def test_open_data_that_disagrees_with_the_register_is_caught(
    client_as, people, db, client, register_on, monkeypatch
):
    """The open-data check sees a JSON that calls a closed channel official, and a verify
    answer that matches by a rule of its own."""
    from registry.api import open_data
    from registry.channels.lookup import PublicStanding, Standing
    from tests.stateful.open_data_invariants import open_data_matches

    channel = go_live(client_as, db, approved_proposal(client_as, people), people)
    lifecycle.decommission(
        channel.id, db.session.get(User, people.comms.id), offices.agency_today(), "Merged."
    )
    assert open_data_matches(client, invariants.Violation) == []
    # A second rule for "official": every published channel said to be active.
    monkeypatch.setattr(
        open_data, "public_standing", lambda c, today=None: PublicStanding(Standing.ACTIVE)
    )
    assert keys(open_data_matches(client, invariants.Violation)) == {"open-data"}
    monkeypatch.undo()
    # A verify that answers from a lookup of its own (here: never a match).
    monkeypatch.setattr(open_data, "look_up", lambda account: open_data.LookupAnswer(None, ()))
    found = open_data_matches(client, invariants.Violation)
    assert found and all("verify" in v.message for v in found)


def test_a_lookup_that_lets_another_agency_answer_for_ours_is_caught(
    client_as, people, db, monkeypatch
):
    """An all-of-government lookup that asked the other agencies first would answer our own
    channel as another agency's: the check sees it, and leaves no other agency behind."""
    from registry.federation import lookup as federation_lookup
    from registry.federation.models import Subscription
    from tests.stateful.federation_invariants import ours_come_first

    go_live(client_as, db, approved_proposal(client_as, people), people)
    assert ours_come_first(invariants.Violation) == []

    def theirs_first(account, today=None):  # noqa: ANN001, ANN202
        theirs = federation_lookup.look_up_agencies(account, today)
        return federation_lookup.Answer(federation_lookup.LookupAnswer(None, ()), theirs)

    monkeypatch.setattr("tests.stateful.federation_invariants.look_up_everywhere", theirs_first)
    assert keys(ours_come_first(invariants.Violation)) == {"federation"}
    assert db.session.scalar(sa.select(sa.func.count(Subscription.id))) == 0
