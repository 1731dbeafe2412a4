"""The proposal form as a task list, through the HTTP client: each section's status as it is
filled in, a section's save keeping the others, check your answers and submitting from it,
and the warning that a saved change voids the sign-offs already given."""

from __future__ import annotations

import html
import re

from sqlalchemy import select

from registry.extensions import db
from registry.proposals.models import Proposal, ProposalState
from registry.signoffs.models import Signoff
from tests.proposal_data import good_form
from tests.workflow import decide, fill_in, save_section, submit, submitted_proposal

STATUS = re.compile(r'id="status-(\w+)"><strong class="tag [^"]*">([^<]+)</strong>')


def statuses(client, proposal_id: int) -> dict[str, str]:  # noqa: ANN001
    page = client.get(f"/proposals/{proposal_id}/edit")
    assert page.status_code == 200
    return dict(STATUS.findall(page.get_data(as_text=True)))


def content_of(proposal_id: int) -> dict:
    db.session.expire_all()
    return dict(db.session.get(Proposal, proposal_id).current_revision.content)


def text(response) -> str:  # noqa: ANN001
    return html.unescape(response.get_data(as_text=True))


def test_a_new_proposal_starts_with_about_the_channel_then_goes_to_its_task_list(
    client_as, people, db
):
    client = client_as("staff_policy")
    page = client.get("/proposals/new").get_data(as_text=True)
    assert "<h1>About the channel</h1>" in page
    assert 'name="channel_name"' in page and 'name="terms_of_use"' not in page
    saved = client.post("/proposals/new", data=good_form(people))
    assert saved.status_code == 302 and re.fullmatch(
        r"/proposals/\d+/edit", saved.headers["Location"]
    )
    proposal_id = int(re.search(r"\d+", saved.headers["Location"])[0])
    assert statuses(client, proposal_id) == {
        "about": "Complete",
        "terms": "Not started",
        "profile": "Not started",
        "people": "Not started",
        "confirmation": "Not started",
    }


def test_the_task_list_follows_each_section_as_it_is_filled_in(client_as, people, db):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people), sections=["about", "terms"])
    assert statuses(client, proposal_id)["terms"] == "Complete"
    # A link to another website where the agency's should be: the policy finds fault with
    # what was typed.
    foreign = good_form(people, profile_links="https://www.example.com/")
    assert save_section(client, proposal_id, "profile", foreign).status_code == 302
    assert statuses(client, proposal_id)["profile"] == "Needs attention"
    # Only a liaison so far: the rest of People is still to do.
    partly = {"liaison": str(people.comms.id), "action": "save"}
    assert save_section(client, proposal_id, "people", partly).status_code == 302
    assert statuses(client, proposal_id)["people"] == "In progress"
    page = client.get(f"/proposals/{proposal_id}/edit").get_data(as_text=True)
    assert "You have completed 2 of 5 sections." in page

    fill_in(client, good_form(people), proposal_id, ["profile", "people", "confirmation"])
    assert set(statuses(client, proposal_id).values()) == {"Complete"}
    page = client.get(f"/proposals/{proposal_id}/edit").get_data(as_text=True)
    assert "You have completed 5 of 5 sections." in page
    assert f'href="/proposals/{proposal_id}/check-answers"' in page


def test_saving_one_section_keeps_every_other_section(client_as, people, db):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people))
    before = content_of(proposal_id)
    # What the Terms page posts: its own fields, and nothing of the other sections.
    terms_page = {
        "terms_of_use": "New terms. " + before["terms_of_use"],
        "monitoring_windows-0-weekday": "5",
        "monitoring_windows-0-starts": "10:00",
        "monitoring_windows-0-ends": "12:00",
        "out_of_hours_message": "",
        "action": "save",
    }
    assert save_section(client, proposal_id, "terms", terms_page).status_code == 302
    after = content_of(proposal_id)
    terms = ("terms_of_use", "monitoring_windows", "out_of_hours_message")
    assert {k: v for k, v in after.items() if k not in terms} == {
        k: v for k, v in before.items() if k not in terms
    }
    assert after["terms_of_use"].startswith("New terms. ")
    assert after["monitoring_windows"] == [{"weekday": 5, "starts": "10:00", "ends": "12:00"}]
    assert after["out_of_hours_message"] == ""
    # Fields of other sections posted to a section's page change nothing there either.
    elsewhere = good_form(people, purpose="Not this page's field.", liaison="")
    assert save_section(client, proposal_id, "confirmation", elsewhere).status_code == 302
    assert content_of(proposal_id) == after


def test_a_section_page_with_errors_shows_what_was_typed_and_saves_nothing(client_as, people, db):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people))
    before = content_of(proposal_id)
    typed = good_form(people, platform="other", platform_other="", purpose="Typed, not saved.")
    response = save_section(client, proposal_id, "about", typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page and 'href="#platform_other"' in page
    assert "Typed, not saved." in page
    assert content_of(proposal_id) == before


def test_the_people_section_shows_the_four_people_fields(client_as, people, db):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people), sections=["about"])
    page = client.get(f"/proposals/{proposal_id}/edit/people").get_data(as_text=True)
    for label in (
        "Communications liaison",
        "Authorised spokespeople",
        "Peer reviewers",
        "Information requests contact",
    ):
        assert label in page
    assert 'name="channel_name"' not in page
    # Enter saves: the form's first button is the hidden Save and continue.
    first = re.search(r"<button[^>]*>", page.split('class="proposal-form"', 1)[1])[0]
    assert 'value="save"' in first and 'tabindex="-1"' in first
    assert client.get(f"/proposals/{proposal_id}/edit/signoffs").status_code == 404


def test_check_your_answers_shows_each_answer_with_a_link_to_change_it(client_as, people, db):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people))
    page = text(client.get(f"/proposals/{proposal_id}/check-answers"))
    for shown in (
        "MEC Pasifika Communities",
        "Share news and events with Pasifika communities.",
        "Monday, 8:30am to 5:00pm",
        "Mere Tane",  # the liaison, by name
        "Confirmed",
    ):
        assert shown in page, shown
    base = f"/proposals/{proposal_id}/edit"
    for link in (
        f"{base}/about#channel_name",
        f"{base}/about#languages",
        f"{base}/terms#monitoring_windows",
        f"{base}/profile#related_channels",
        f"{base}/people#spokespeople",
        f"{base}/confirmation#neutrality_confirmed",
    ):
        assert f'href="{link}">Change<span class="visually-hidden"> ' in page, link
    assert page.count(">Change<") == 20
    assert "Every rule of the Social Media Policy passes." in page
    assert f'action="/proposals/{proposal_id}/submit"' in page
    assert ">Submit for sign-off</button>" in page


def test_check_your_answers_lists_what_the_policy_still_needs(client_as, people, db):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people, neutrality_confirmed=None))
    page = text(client.get(f"/proposals/{proposal_id}/check-answers"))
    assert "What the policy still needs" in page
    assert (
        f'href="/proposals/{proposal_id}/edit/confirmation#neutrality_confirmed">SMP-NEUTRAL'
        in page
    )
    assert "There is a problem" not in page  # nothing refused yet


def test_submitting_from_check_your_answers(client_as, people, db):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people))
    response = submit(client, proposal_id)
    assert response.status_code == 302
    assert response.headers["Location"] == f"/proposals/{proposal_id}"
    db.session.expire_all()
    assert db.session.get(Proposal, proposal_id).state_enum is ProposalState.AWAITING_SIGNOFF
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "Submitted for sign-off." in page
    # The proposal page sends the proposer to check their answers; it submits nothing itself.
    assert client.get(f"/proposals/{proposal_id}/check-answers").status_code == 409


def test_a_submit_the_policy_refuses_shows_why_and_where_to_fix_it(client_as, people, db):
    client = client_as("staff_policy")
    typed = good_form(people, profile_statement="Pasifika news and events.")
    proposal_id = fill_in(client, typed)
    page = text(client.get(f"/proposals/{proposal_id}"))
    assert f'href="/proposals/{proposal_id}/check-answers"' in page
    assert "Check your answers and submit" in page
    response = submit(client, proposal_id)
    page = text(response)
    assert response.status_code == 200
    assert "There is a problem" in page and 'role="alert"' in page
    assert "cannot be submitted until these rules pass: SMP-SUPPORTED-BY" in page
    assert (
        f'href="/proposals/{proposal_id}/edit/profile#profile_statement">SMP-SUPPORTED-BY' in page
    )
    assert "Pasifika news and events." in page  # the answers, still there to check
    db.session.expire_all()
    assert db.session.get(Proposal, proposal_id).state_enum is ProposalState.DRAFT


def test_editing_warns_which_signoffs_a_save_voids_and_saving_voids_them(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    proposer = client_as("staff_policy")
    assert "will be voided" not in text(proposer.get(f"/proposals/{proposal.id}/edit"))
    assert (
        decide(client_as("manager"), proposal, capacity="manager-communications").status_code == 302
    )
    assert decide(client_as("dce_policy"), proposal, capacity="dce").status_code == 302

    warning = (
        "2 sign-offs will be voided if you save changes: Hemi Walker (Manager Communications); "
        "Daniel Chen (Deputy Chief Executive, Policy). They will be asked to sign off again."
    )
    for page in ("", "/about", "/people"):
        shown = text(proposer.get(f"/proposals/{proposal.id}/edit{page}"))
        assert warning in shown, page
        assert 'class="warning-text"' in shown
    # Saving what is already there changes nothing, so voids nothing.
    assert save_section(proposer, proposal.id, "about", good_form(people)).status_code == 302
    assert warning in text(proposer.get(f"/proposals/{proposal.id}/edit"))

    changed = good_form(people, purpose="A sharper purpose.")
    assert save_section(proposer, proposal.id, "about", changed).status_code == 302
    db.session.expire_all()
    signoffs = db.session.scalars(select(Signoff).where(Signoff.proposal_id == proposal.id)).all()
    assert len(signoffs) == 2 and all(s.void for s in signoffs)
    page = text(proposer.get(f"/proposals/{proposal.id}/edit"))
    assert "will be voided" not in page
    assert "Saved as revision 2. It needs to be submitted for sign-off again." in page


def test_one_signoff_is_named_in_the_singular(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    assert decide(client_as("ce"), proposal, capacity="chief-executive").status_code == 302
    page = text(client_as("staff_policy").get(f"/proposals/{proposal.id}/edit/terms"))
    assert "1 sign-off will be voided if you save changes: Priya Sharma (Chief Executive)." in page


def test_save_draft_keeps_you_on_the_section(client_as, people, db):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people))
    page = {"purpose": "Half written, to finish later.", "action": "draft"}
    saved = save_section(client, proposal_id, "about", {**good_form(people), **page})
    assert saved.status_code == 302
    assert saved.headers["Location"].endswith(f"/proposals/{proposal_id}/edit/about")
    assert content_of(proposal_id)["purpose"] == "Half written, to finish later."
    again = text(client.get(saved.headers["Location"]))
    assert "Draft saved." in again and "Half written, to finish later." in again
