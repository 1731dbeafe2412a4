"""A refused action answers with the same form, its reason and what the person typed."""

from __future__ import annotations

from registry.extensions import db as _db
from registry.proposals.models import Proposal
from tests.proposal_data import good_form
from tests.workflow import decision_form, save_section, submit, submitted_proposal

TYPED = "Please name a second spokesperson for the Samoan posts."


def _fresh(proposal: Proposal) -> Proposal:
    _db.session.expire_all()
    return _db.session.get(Proposal, proposal.id)


def _new_revision(client_as, people, proposal: Proposal) -> Proposal:  # noqa: ANN001
    proposer = client_as("staff_policy")
    edit = save_section(proposer, proposal.id, "about", good_form(people, purpose="Sharper."))
    assert edit.status_code == 302
    assert submit(proposer, proposal.id).status_code == 302
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


def _sign_all(client_as, proposal: Proposal) -> None:  # noqa: ANN001
    from tests.workflow import decide

    for role, office in (
        ("manager", "manager-communications"),
        ("dce_policy", "dce"),
        ("ce", "chief-executive"),
    ):
        assert decide(client_as(role), proposal, capacity=office).status_code == 302


def test_an_edit_arriving_after_the_third_signoff_is_shown_again_not_lost(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    opened_at = str(proposal.version)
    _sign_all(client_as, proposal)
    typed = good_form(people, version=opened_at, purpose="Typed while the CE was signing.")
    response = client_as("staff_policy").post(f"/proposals/{proposal.id}/edit/about", data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "was approved meanwhile and can no longer be edited" in page
    assert "propose a change to it" in page
    assert "Typed while the CE was signing." in page
    assert ">Save and continue</button>" not in page
    assert _fresh(proposal).current_revision.content["purpose"] != typed["purpose"]


def test_an_edit_arriving_after_a_withdrawal_is_shown_again_not_lost(client_as, people, db):
    client = client_as("staff_policy")
    proposal = submitted_proposal(client_as, people)
    opened_at = str(proposal.version)
    withdrawn = client.post(
        f"/proposals/{proposal.id}/withdraw", data={"version": opened_at, "reason": "Not now."}
    )
    assert withdrawn.status_code == 302
    typed = good_form(people, version=opened_at, audience="Typed in the other tab.")
    response = client.post(f"/proposals/{proposal.id}/edit/about", data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "was withdrawn meanwhile" in page and "start a new proposal" in page
    assert "Typed in the other tab." in page


def test_a_second_decommission_keeps_the_reason_typed(client_as, people, db):
    from registry.auth.offices import agency_today
    from tests.public_channels import close, live_channel

    channel = live_channel(client_as, people, db)
    close(client_as, channel, agency_today())
    typed = "Closed because the community moved to the new page."
    response = client_as("comms").post(
        f"/channels/{channel.id}/decommission",
        data={
            "decommission-decommissioned_on": agency_today().isoformat(),
            "decommission-reason": typed,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "There is a problem" in page and "is already closing" in page
    assert typed in page


def test_review_answers_for_a_channel_closed_meanwhile_are_kept(client_as, people, db):
    from registry.auth.offices import agency_today
    from tests.public_channels import close, live_channel

    channel = live_channel(client_as, people, db)
    close(client_as, channel, agency_today())
    typed = "Weekend hours slipped twice in March."
    answers = {
        "still_needed": "yes",
        "terms_accurate": "yes",
        "hours_kept": "yes",
        "spokespeople_right": "yes",
        "notes": typed,
        "outcome": "recertify",
    }
    response = client_as("comms").post(f"/channels/{channel.id}/review", data=answers)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "is closing, so it has no review" in page
    assert typed in page


def test_a_risk_accepted_after_the_checklist_was_fixed_keeps_the_reason(client_as, people, db):
    from tests.public_channels import channel_of
    from tests.workflow import approved_proposal, secure_account

    channel = channel_of(db, approved_proposal(client_as, people))
    secure_account(channel.id, people)  # fixed in another tab meanwhile
    typed = "The launch event is booked for Friday and the admins are on leave."
    response = client_as("manager").post(
        f"/channels/{channel.id}/security-risk", data={"reason": typed}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "there is no risk to accept" in page
    assert typed in page


def test_a_reply_after_the_proposal_was_submitted_again_keeps_the_text(client_as, people, db):
    from tests.workflow import decide

    proposal = submitted_proposal(client_as, people)
    asked = decide(client_as("manager"), proposal, "request-changes", comment="Add Samoan.")
    assert asked.status_code == 302
    proposer = client_as("staff_policy")
    changed = save_section(proposer, proposal.id, "about", good_form(people, purpose="Changed."))
    assert changed.status_code == 302
    assert submit(proposer, proposal.id).status_code == 302
    typed = "Samoan is already in the languages; see the terms of use."
    response = proposer.post(f"/proposals/{proposal.id}/reply", data={"body": typed})
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "has no open change request to reply to" in page
    assert typed in page


def test_a_withdrawal_refused_after_approval_keeps_the_reason(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    opened_at = str(proposal.version)
    _sign_all(client_as, proposal)
    typed = "The community asked us to use the existing page instead."
    response = client_as("staff_policy").post(
        f"/proposals/{proposal.id}/withdraw", data={"version": opened_at, "reason": typed}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "There is a problem" in page
    assert typed in page
    assert _fresh(proposal).state_enum.value == "approved"


def test_a_stale_withdrawal_keeps_the_reason_in_the_box(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    typed = "Merged into the Community Engagement channel."
    response = client_as("staff_policy").post(
        f"/proposals/{proposal.id}/withdraw", data={"version": "999", "reason": typed}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "so nothing was withdrawn" in page
    assert f'name="reason" maxlength="2000">{typed}</textarea>' in page


def test_an_extension_for_a_request_answered_meanwhile_keeps_the_reason(client_as, people, db):
    from datetime import timedelta

    from sqlalchemy import select

    from registry.auth.offices import agency_today
    from registry.oia.models import InformationRequest
    from tests.app.test_oia import live_channel, log

    channel = live_channel(client_as, people, db)
    comms = client_as("comms")
    today = agency_today()
    log(comms, channel, received_on=(today - timedelta(days=2)).isoformat())
    item = _db.session.scalar(select(InformationRequest))
    url = f"/information-requests/{item.id}"
    answered = comms.post(
        url, data={"action": "respond", "respond-responded_on": today.isoformat()}
    )
    assert answered.status_code == 302
    typed = "Consultation with three community groups is needed."
    response = comms.post(
        url,
        data={
            "action": "extend",
            "extend-new_due_on": (item.due_on + timedelta(days=20)).isoformat(),
            "extend-reason": typed,
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "is already closed" in page
    assert typed in page


def test_an_account_security_save_for_a_channel_closed_meanwhile_keeps_it(client_as, people, db):
    from registry.auth.offices import agency_today
    from tests.public_channels import close, live_channel

    channel = live_channel(client_as, people, db)
    close(client_as, channel, agency_today())
    typed = "Comms vault, item MEC Pasifika (second tab)"
    response = client_as("comms").post(
        f"/channels/{channel.id}/security",
        data={"admins": [str(people.manager.id)], "credentials_reference": typed},
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "Only a current channel has an account security record." in page
    assert typed in page


def test_refusing_an_import_cancelled_meanwhile_keeps_the_reason(client_as, people, db):
    from tests.app.test_import_confirmation import sheet
    from tests.workflow import import_batch_sha256, submit_import

    comms = client_as("comms")
    batch_id = submit_import(comms, sheet("MECCancelledMeanwhile"))
    manager = client_as("manager")
    sha256 = import_batch_sha256(manager, batch_id)
    cancelled = comms.post(f"/inventory/imports/{batch_id}/cancel", data={"sha256": sha256})
    assert cancelled.status_code == 302
    typed = "These are not ours: check with the Policy team first."
    response = manager.post(
        f"/inventory/imports/{batch_id}/refuse", data={"sha256": sha256, "reason": typed}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "There is a problem" in page
    assert typed in page


def test_logging_a_request_by_someone_not_on_the_channel_keeps_the_text(client_as, people, db):
    from tests.app.test_oia import live_channel, log

    channel = live_channel(client_as, people, db)
    typed = "Asked how many followers the page has, by direct message."
    response = log(client_as("ce"), channel, summary=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 403
    assert "you cannot log its information requests" in page
    assert typed in page
