"""A refused action answers with the same form, its reason and what the person typed."""

from __future__ import annotations

from registry.extensions import db as _db
from registry.proposals.models import Proposal
from tests.proposal_data import good_form
from tests.workflow import decision_form, submitted_proposal

TYPED = "Please name a second spokesperson for the Samoan posts."


def _fresh(proposal: Proposal) -> Proposal:
    _db.session.expire_all()
    return _db.session.get(Proposal, proposal.id)


def _new_revision(client_as, people, proposal: Proposal) -> Proposal:  # noqa: ANN001
    edit = client_as("staff_policy").post(
        f"/proposals/{proposal.id}/edit",
        data=good_form(
            people, version=str(proposal.version), purpose="Sharper purpose.", action="submit"
        ),
    )
    assert edit.status_code == 302
    return _fresh(proposal)


def test_a_comment_on_a_replaced_revision_is_kept_with_what_changed(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    stale = decision_form(proposal, "request-changes", comment=TYPED)
    proposal = _new_revision(client_as, people, proposal)
    response = client_as("manager").post(f"/proposals/{proposal.id}/signoff", data=stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Revision 2 replaced the revision you were reading" in page
    assert TYPED in page
    assert 'name="comment"' in page  # still in the field, ready to send again
    assert 'name="revision_number" type="hidden" value="2"' in page
    assert _fresh(proposal).state_enum.value == "awaiting-signoff"


def test_a_decline_that_no_longer_fits_the_state_keeps_the_comment(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    form = decision_form(proposal, "decline", comment="Declined in the first tab.")
    assert client_as("ce").post(f"/proposals/{proposal.id}/signoff", data=form).status_code == 302
    again = decision_form(proposal, "decline", comment=TYPED)
    response = client_as("manager").post(f"/proposals/{proposal.id}/signoff", data=again)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "There is a problem" in page
    assert TYPED in page


def test_a_comment_from_someone_who_may_not_decide_is_shown_to_copy(client_as, people, db):
    # The proposer can see the sign-off page but never decides on their own proposal.
    proposal = submitted_proposal(client_as, people)
    form = decision_form(proposal, "request-changes", comment=TYPED)
    response = client_as("staff_policy").post(f"/proposals/{proposal.id}/signoff", data=form)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "There is a problem" in page
    assert "The comment you typed" in page and TYPED in page


def test_a_go_live_after_someone_else_marked_it_live_keeps_the_typed_address(client_as, people, db):
    from tests.app.test_inventory import live_channel

    channel = live_channel(client_as, people, db)
    typed = "https://www.facebook.com/MECPasifika/typed-in-the-second-tab"
    response = client_as("manager").post(
        f"/channels/{channel.id}/live", data={"channel_url": typed}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "was marked as live meanwhile, at https://www.facebook.com/MECPasifika." in page
    assert typed in page
    _db.session.expire_all()
    assert _db.session.get(type(channel), channel.id).channel_url == (
        "https://www.facebook.com/MECPasifika"
    )
