"""After "Request changes" the proposer edits or replies before resubmitting (item: workflow)."""

from __future__ import annotations

from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.proposals.models import Proposal, ProposalState
from tests.proposal_data import good_form
from tests.workflow import decide, save_section, submitted_proposal


def _state(_db, proposal: Proposal) -> ProposalState:  # noqa: ANN001
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id).state_enum


def _version(proposal: Proposal) -> str:
    db.session.expire_all()
    return str(db.session.get(Proposal, proposal.id).version)


def _submit(client, proposal: Proposal):  # noqa: ANN001, ANN202
    return client.post(f"/proposals/{proposal.id}/submit", data={"version": _version(proposal)})


def _version(proposal: Proposal) -> str:
    """The version the edit page was opened at, as the form sends it."""
    db.session.expire_all()
    return str(db.session.get(Proposal, proposal.id).version)


def _changes_requested(client_as, people, db) -> Proposal:  # noqa: ANN001
    proposal = submitted_proposal(client_as, people)
    response = decide(client_as("manager"), proposal, "request-changes", comment="Add Samoan.")
    assert response.status_code == 302
    assert _state(db, proposal) is ProposalState.CHANGES_REQUESTED
    return proposal


def test_resubmitting_unchanged_is_refused_until_the_proposer_replies(client_as, people, db):
    proposal = _changes_requested(client_as, people, db)
    proposer = client_as("staff_policy")

    refused = _submit(proposer, proposal)
    assert refused.status_code == 302 and refused.headers["Location"].endswith("#reply")
    page = proposer.get(refused.headers["Location"]).get_data(as_text=True)
    assert "nothing has changed since" in page and "reply to the comment" in page
    assert _state(db, proposal) is ProposalState.CHANGES_REQUESTED

    # Saving the same content on a section's page, then submitting, is refused too.
    same = save_section(proposer, proposal.id, "about", good_form(people))
    assert same.status_code == 302
    resubmitted = _submit(proposer, proposal)
    assert resubmitted.status_code == 302 and resubmitted.headers["Location"].endswith("#reply")
    assert _state(db, proposal) is ProposalState.CHANGES_REQUESTED

    blank = proposer.post(f"/proposals/{proposal.id}/reply", data={"body": "  \r\n \x00 "})
    assert blank.status_code == 200
    assert "There is a problem" in blank.get_data(as_text=True)
    assert "Write your reply" in blank.get_data(as_text=True)

    reply = "Samoan is already \x07listed under Languages.\r\nNo change needed."
    assert proposer.post(f"/proposals/{proposal.id}/reply", data={"body": reply}).status_code == 302
    assert _submit(proposer, proposal).status_code == 302
    assert _state(db, proposal) is ProposalState.AWAITING_SIGNOFF

    cleaned = "Samoan is already listed under Languages.\nNo change needed."
    signoff_page = client_as("manager").get(f"/proposals/{proposal.id}/signoff")
    text = signoff_page.get_data(as_text=True)
    assert "Add Samoan." in text and cleaned in text
    assert text.index("Add Samoan.") < text.index(cleaned)
    history = client_as("comms").get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert cleaned in history
    entry = db.session.scalars(
        db.select(AuditEntry).where(AuditEntry.action == "proposal-change-reply")
    ).one()
    assert entry.object_id == proposal.reference


def test_editing_after_a_change_request_lets_the_proposer_resubmit(client_as, people, db):
    proposal = _changes_requested(client_as, people, db)
    proposer = client_as("staff_policy")
    edited = save_section(
        proposer, proposal.id, "about", good_form(people, other_languages="Fijian")
    )
    assert edited.status_code == 302
    response = _submit(proposer, proposal)
    assert response.status_code == 302 and "#reply" not in response.headers["Location"]
    assert _state(db, proposal) is ProposalState.AWAITING_SIGNOFF
    assert db.session.get(Proposal, proposal.id).current_revision.number == 2


def test_editing_back_to_the_requested_content_still_needs_a_reply(client_as, people, db):
    proposal = _changes_requested(client_as, people, db)
    proposer = client_as("staff_policy")
    changed = good_form(people, languages=["English", "Samoan"], version=_version(proposal))
    assert proposer.post(f"/proposals/{proposal.id}/edit/about", data=changed).status_code == 302
    assert _state(db, proposal) is ProposalState.DRAFT
    back = save_section(proposer, proposal.id, "about", good_form(people))
    assert back.status_code == 302
    assert _submit(proposer, proposal).headers["Location"].endswith("#reply")
    assert _state(db, proposal) is ProposalState.DRAFT


def test_a_second_change_request_needs_its_own_answer(client_as, people, db):
    proposal = _changes_requested(client_as, people, db)
    proposer = client_as("staff_policy")
    proposer.post(f"/proposals/{proposal.id}/reply", data={"body": "Samoan is there."})
    assert _submit(proposer, proposal).status_code == 302
    again = decide(client_as("ce"), proposal, "request-changes", comment="Add Hindi.")
    assert again.status_code == 302
    assert _submit(proposer, proposal).headers["Location"].endswith("#reply")
    assert _state(db, proposal) is ProposalState.CHANGES_REQUESTED


def test_only_the_proposer_replies_and_only_to_an_open_request(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    proposer = client_as("staff_policy")
    assert proposer.post(f"/proposals/{proposal.id}/reply", data={"body": "Hi"}).status_code == 409
    decide(client_as("manager"), proposal, "request-changes", comment="Add Samoan.")
    other = client_as("comms").post(f"/proposals/{proposal.id}/reply", data={"body": "Hi"})
    assert other.status_code == 403
    assert "Reply to the comment" not in client_as("comms").get(
        f"/proposals/{proposal.id}"
    ).get_data(as_text=True)
