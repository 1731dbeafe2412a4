"""Sign-off through the HTTP client: who may sign, once, on the exact revision."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import func, select

from registry.auth.models import Office
from registry.auth.offices import agency_today
from registry.proposals.models import Proposal, ProposalState
from registry.signoffs.models import Signoff
from tests import factories
from tests.proposal_data import good_form
from tests.workflow import decide, decision_form, save_section, submit, submitted_proposal


def state_of(db, proposal) -> ProposalState:  # noqa: ANN001
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id).state_enum


def live_count(db, proposal) -> int:  # noqa: ANN001
    return db.session.scalar(
        select(func.count(Signoff.id)).where(
            Signoff.proposal_id == proposal.id,
            Signoff.void.is_(False),
            Signoff.decision == "approve",
        )
    )


# Who may approve a Policy proposal by Tama, and what everyone else is told.
MATRIX = [
    ("manager", 302, "Manager Communications"),
    ("dce_policy", 302, "Deputy Chief Executive, Policy"),
    ("ce", 302, "Chief Executive"),
    ("acting_ce", 302, "Acting Chief Executive"),
    ("staff_policy", 403, "You proposed this channel"),
    ("dce_community", 404, None),  # another unit's DCE does not even see it
    ("staff_community", 404, None),
    ("admin", 403, "Being a registry administrator gives no sign-off power"),
    ("comms", 403, "You do not hold an office that signs off this proposal"),
]


@pytest.mark.parametrize(("role", "status", "words"), MATRIX)
def test_role_matrix_for_approve(client_as, people, db, role, status, words):
    proposal = submitted_proposal(client_as, people)
    client = client_as(role)
    office = {
        "manager": "manager-communications",
        "dce_policy": "dce",
        "ce": "chief-executive",
        "acting_ce": "chief-executive",
    }.get(role, "chief-executive")
    response = decide(client, proposal, "approve", capacity=office)
    assert response.status_code == status
    if status == 302:
        signoff = db.session.scalar(select(Signoff))
        assert signoff.capacity == words
        assert signoff.acting is (role == "acting_ce")
        assert signoff.revision_number == 1
        assert signoff.content_sha256 == proposal.current_revision.content_sha256
    else:
        assert live_count(db, proposal) == 0
        if words:
            assert words in response.get_data(as_text=True)


@pytest.mark.parametrize("role", ["staff_policy", "admin", "comms"])
def test_non_signatories_cannot_request_changes_or_decline(client_as, people, db, role):
    proposal = submitted_proposal(client_as, people)
    for decision in ("request-changes", "decline"):
        response = decide(client_as(role), proposal, decision, comment="No.")
        assert response.status_code == 403
    assert state_of(db, proposal) is ProposalState.AWAITING_SIGNOFF


@pytest.mark.parametrize(
    "order",
    [
        ("manager", "dce_policy", "ce"),
        ("ce", "manager", "dce_policy"),
        ("dce_policy", "acting_ce", "manager"),
    ],
)
def test_three_signoffs_in_any_order_approve(client_as, people, db, order):
    proposal = submitted_proposal(client_as, people)
    offices = {
        "manager": "manager-communications",
        "dce_policy": "dce",
        "ce": "chief-executive",
        "acting_ce": "chief-executive",
    }
    for index, role in enumerate(order):
        assert state_of(db, proposal) is ProposalState.AWAITING_SIGNOFF
        response = decide(client_as(role), proposal, capacity=offices[role])
        assert response.status_code == 302, index
    assert state_of(db, proposal) is ProposalState.APPROVED
    page = client_as("staff_policy").get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "All 12 rules pass." in page


def test_the_acting_and_substantive_chief_executive_cannot_both_sign(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    assert decide(client_as("ce"), proposal, capacity="chief-executive").status_code == 302
    response = decide(client_as("acting_ce"), proposal, capacity="chief-executive")
    assert response.status_code == 409
    assert "Chief Executive has already signed off, by Priya Sharma" in response.get_data(
        as_text=True
    )
    assert live_count(db, proposal) == 1


def test_one_person_cannot_give_two_signoffs_even_holding_two_offices(client_as, people, db):
    # Daniel, DCE of Policy, is also Acting Manager Communications this fortnight.
    today = agency_today()
    factories.appoint(
        people.dce_policy,
        Office.MANAGER_COMMUNICATIONS,
        acting=True,
        starts_on=today,
        ends_on=today + timedelta(days=13),
    )
    proposal = submitted_proposal(client_as, people)
    daniel = client_as("dce_policy")
    page = daniel.get(f"/proposals/{proposal.id}/signoff").get_data(as_text=True)
    assert "Sign as" in page and "Acting Manager Communications" in page
    assert decide(daniel, proposal, capacity="dce").status_code == 302
    second = decide(daniel, proposal, capacity="manager-communications")
    text = second.get_data(as_text=True)
    assert second.status_code == 409
    assert "One person cannot give two of the three sign-offs" in text
    assert "Manager Communications: Hemi Walker" in text  # who else can sign
    assert live_count(db, proposal) == 1
    page = daniel.get(f"/proposals/{proposal.id}/signoff").get_data(as_text=True)
    assert "You have already signed off this revision as Deputy Chief Executive, Policy" in page
    assert ">Approve</button>" not in page


def test_a_dce_must_hold_the_office_at_the_moment_of_signing(client_as, people, db):
    from registry.auth.offices import end_appointment, holders

    proposal = submitted_proposal(client_as, people)
    appointment = holders(Office.DCE, None, people.policy.id)[0]
    end_appointment(appointment, agency_today() - timedelta(days=1))
    response = decide(client_as("dce_policy"), proposal, capacity="dce")
    assert response.status_code in (403, 404)
    assert live_count(db, proposal) == 0


def test_replaying_an_approval_is_a_conflict_and_records_nothing(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    client = client_as("ce")
    data = decision_form(proposal, "approve", capacity="chief-executive")
    assert client.post(f"/proposals/{proposal.id}/signoff", data=data).status_code == 302
    replay = client.post(f"/proposals/{proposal.id}/signoff", data=data)
    assert replay.status_code == 409
    assert "already signed off this revision" in replay.get_data(as_text=True)
    assert db.session.scalar(select(func.count(Signoff.id))) == 1


def test_an_edit_voids_earlier_signoffs_and_an_old_revision_cannot_be_signed(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    stale_form = decision_form(proposal, "approve", capacity="chief-executive")
    assert (
        decide(client_as("manager"), proposal, capacity="manager-communications").status_code == 302
    )
    proposer = client_as("staff_policy")
    edit = save_section(proposer, proposal.id, "about", good_form(people, purpose="Sharper."))
    assert edit.status_code == 302
    assert submit(proposer, proposal.id).status_code == 302
    assert live_count(db, proposal) == 0
    voided = db.session.scalar(select(Signoff))
    assert voided.void and "Revision 1 was replaced by revision 2" in voided.void_reason
    # The CE's form was for revision 1: refused, nothing recorded.
    old = client_as("ce").post(f"/proposals/{proposal.id}/signoff", data=stale_form)
    assert old.status_code == 409
    assert "Revision 2 replaced the revision you were reading" in old.get_data(as_text=True)
    page = client_as("manager").get(f"/proposals/{proposal.id}/signoff").get_data(as_text=True)
    assert "Void" in page and ">Approve</button>" in page  # must sign revision 2 again


def test_request_changes_needs_a_comment_then_goes_back_to_the_proposer(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    manager = client_as("manager")
    blank = decide(manager, proposal, "request-changes", comment="   ")
    assert blank.status_code == 200
    assert "Say what needs to change." in blank.get_data(as_text=True)
    assert state_of(db, proposal) is ProposalState.AWAITING_SIGNOFF
    assert decide(manager, proposal, "request-changes", comment="Add Samoan.").status_code == 302
    assert state_of(db, proposal) is ProposalState.CHANGES_REQUESTED
    page = client_as("staff_policy").get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Add Samoan." in page and "Changes requested" in page
    # Approving now is out of order.
    assert decide(client_as("ce"), proposal, capacity="chief-executive").status_code == 409


def test_decline_is_terminal(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    assert decide(client_as("ce"), proposal, "decline", comment="").status_code == 200
    assert decide(client_as("ce"), proposal, "decline", comment="Not needed.").status_code == 302
    assert state_of(db, proposal) is ProposalState.DECLINED
    for role, office in (("manager", "manager-communications"), ("dce_policy", "dce")):
        response = decide(client_as(role), proposal, capacity=office)
        assert response.status_code == 409
        assert "it was declined" in response.get_data(as_text=True)
    edit = client_as("staff_policy").get(f"/proposals/{proposal.id}/edit")
    assert edit.status_code == 409


def test_approving_a_withdrawn_proposal_is_a_conflict(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    withdraw = {"version": str(proposal.version)}
    withdrawn = client_as("staff_policy").post(f"/proposals/{proposal.id}/withdraw", data=withdraw)
    assert withdrawn.status_code == 302
    response = decide(client_as("ce"), proposal, capacity="chief-executive")
    assert response.status_code == 409
    assert "it was withdrawn" in response.get_data(as_text=True)


def test_queue_shows_what_each_signatory_can_sign(client_as, people, db):
    policy_proposal = submitted_proposal(client_as, people)
    queue = client_as("dce_policy").get("/signoffs/").get_data(as_text=True)
    assert policy_proposal.title in queue and "0 of 3" in queue
    assert "Nothing is waiting" in client_as("dce_community").get("/signoffs/").get_data(
        as_text=True
    )
    assert policy_proposal.title in client_as("ce").get("/signoffs/").get_data(as_text=True)
    decide(client_as("ce"), policy_proposal, capacity="chief-executive")
    # Signed: it leaves the CE's queue, and the acting CE's (the capacity is filled).
    assert policy_proposal.title not in client_as("ce").get("/signoffs/").get_data(as_text=True)
    assert policy_proposal.title not in client_as("acting_ce").get("/signoffs/").get_data(
        as_text=True
    )
    assert "1 of 3" in client_as("manager").get("/signoffs/").get_data(as_text=True)
    assert "Awaiting my sign-off" in client_as("manager").get("/").get_data(as_text=True)
