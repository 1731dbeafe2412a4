"""Proposals through the HTTP client: draft, check, fix, submit; access; nothing lost.
(The task list, the section pages and check your answers: test_task_list.py.)"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import select

from registry.proposals.models import Proposal, ProposalState
from tests import factories
from tests.proposal_data import good_form
from tests.workflow import fill_in, save_section, submit


def create(client, people, **overrides) -> Proposal:  # noqa: ANN001
    """A draft with every section filled in from ``good_form``."""
    proposal_id = fill_in(client, good_form(people, **overrides))
    from registry.extensions import db

    db.session.expire_all()
    return db.session.get(Proposal, proposal_id)


def failing_ids(page: str) -> list[str]:
    rows = re.findall(r'<tr class="fail">.*?<span class="rule-id">([A-Z-]+)</span>', page, re.S)
    return rows


def test_incomplete_draft_saves_and_the_report_lists_what_fails(client_as, people, db):
    client = client_as("staff_policy")
    response = client.post(
        "/proposals/new",
        data={
            "channel_name": "Half-finished idea",
            "business_unit": str(people.policy.id),
            "action": "save",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith("/edit")  # its task list
    proposal_id = re.search(r"/proposals/(\d+)", response.headers["Location"]).group(1)
    page = client.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "Half-finished idea" in page
    assert set(failing_ids(page)) == {
        "SMP-TERMS",
        "SMP-HOURS",
        "SMP-SUPPORTED-BY",
        "SMP-WEBSITE-LINK",
        "SMP-RELATED-LINKS",
        "SMP-COMMS",
        "SMP-SPOKESPEOPLE",
        "SMP-PEER-REVIEW",
        "SMP-OIA",
        "SMP-NEUTRAL",
    }
    assert "Draft" in page


def test_create_fix_and_submit(client_as, people, db):
    client = client_as("staff_policy")
    proposal = create(
        client, people, neutrality_confirmed=None, profile_statement="Pasifika news and events."
    )
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert failing_ids(page) == ["SMP-SUPPORTED-BY", "SMP-NEUTRAL"]

    for section in ("profile", "confirmation"):
        assert save_section(client, proposal.id, section, good_form(people)).status_code == 302
    response = submit(client, proposal.id)
    assert response.status_code == 302
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.state_enum is ProposalState.AWAITING_SIGNOFF
    assert proposal.current_revision.submitted
    assert len(proposal.current_revision.content_sha256) == 64
    page = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "Awaiting sign-off" in page
    # Every rule a proposer controls passes; only the sign-offs remain, waiting, not failing.
    assert failing_ids(page) == []
    assert re.findall(
        r'<tr class="waiting">.*?<span class="rule-id">([A-Z-]+)</span>', page, re.S
    ) == ["SMP-APPROVALS"]


def test_submit_is_refused_while_a_rule_fails_and_the_page_says_which(client_as, people, db):
    client = client_as("staff_policy")
    proposal = create(client, people, neutrality_confirmed=None)
    response = submit(client, proposal.id)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "cannot be submitted until these rules pass: SMP-NEUTRAL" in page
    # Each failing rule links to the field to fix, on its section's page.
    assert f'href="/proposals/{proposal.id}/edit/confirmation#neutrality_confirmed"' in page
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.state_enum is ProposalState.DRAFT  # saved, not submitted
    assert "MEC Pasifika Communities" in page  # the answers are still there to check


def test_submit_button_on_the_page_is_refused_too(client_as, people, db):
    client = client_as("staff_policy")
    proposal = create(client, people, terms_of_use="   \n  ")
    response = client.post(f"/proposals/{proposal.id}/submit", data={"version": proposal.version})
    assert response.status_code == 200  # check your answers again, saying why
    page = response.get_data(as_text=True)
    assert "cannot be submitted until these rules pass: SMP-TERMS, SMP-HOURS" in page
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).state_enum is ProposalState.DRAFT


def test_duplicate_handle_is_refused_naming_the_other_proposal(client_as, people, db):
    first = create(client_as("staff_policy"), people)
    response = client_as("staff_community").post(
        "/proposals/new",
        data=good_form(people, handle="@mecpasifika", business_unit=str(people.community.id)),
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert f"already claimed by {first.reference}" in page
    assert db.session.scalar(select(Proposal).where(Proposal.id != first.id)) is None


def test_a_withdrawn_proposal_frees_its_handle(client_as, people, db):
    client = client_as("staff_policy")
    first = create(client, people)
    client.post(f"/proposals/{first.id}/withdraw", data={"version": first.version})
    second = create(client, people)
    assert second.id != first.id


def test_other_units_staff_cannot_open_a_draft_but_comms_can(client_as, people, db):
    proposal = create(client_as("staff_policy"), people)
    outsider = client_as("staff_community")
    assert outsider.get(f"/proposals/{proposal.id}").status_code == 404
    assert outsider.get(f"/proposals/{proposal.id}/edit").status_code == 404
    assert outsider.get(f"/proposals/{proposal.id}/edit/people").status_code == 404
    assert outsider.get(f"/proposals/{proposal.id}/check-answers").status_code == 404
    assert outsider.post(f"/proposals/{proposal.id}/withdraw").status_code == 404
    assert client_as("comms").get(f"/proposals/{proposal.id}").status_code == 200
    assert client_as("admin").get(f"/proposals/{proposal.id}").status_code == 200
    # A signatory sees it only once it is submitted.
    assert client_as("ce").get(f"/proposals/{proposal.id}").status_code == 404
    assert client_as("comms").get(f"/proposals/{proposal.id}/edit").status_code == 403
    assert client_as("comms").get(f"/proposals/{proposal.id}/edit/about").status_code == 403


def test_staff_cannot_propose_for_another_unit(client_as, people, db):
    response = client_as("staff_policy").post(
        "/proposals/new", data=good_form(people, business_unit=str(people.community.id))
    )
    assert "only for your own business unit" in response.get_data(as_text=True)
    assert db.session.scalar(select(Proposal)) is None


def test_a_stale_edit_is_refused_and_both_versions_are_shown(client_as, people, db):
    client = client_as("staff_policy")
    proposal = create(client, people)
    loaded_version = str(proposal.version)
    first_tab = good_form(people, version=loaded_version, channel_name="First tab's name")
    second_tab = good_form(people, version=loaded_version, channel_name="Second tab's name")
    about = f"/proposals/{proposal.id}/edit/about"
    assert client.post(about, data=first_tab).status_code == 302
    response = client.post(about, data=second_tab)
    page = response.get_data(as_text=True)
    assert response.status_code == 409
    assert "This proposal changed while you were editing" in page
    assert "First tab&#39;s name" in page and "Second tab&#39;s name" in page
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).channel_name == "First tab's name"
    # Saving again from the re-shown form (now at the new version) keeps the second tab's.
    new_version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    retry = client.post(about, data={**second_tab, "version": new_version})
    assert retry.status_code == 302
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).channel_name == "Second tab's name"


def test_insert_monitoring_hours_statement_writes_a_human_sentence(client_as, people, db):
    client = client_as("staff_policy")
    proposal = create(client, people)
    data = good_form(people, terms_of_use="Be kind.", action="insert_hours")
    data["monitoring_windows-5-weekday"] = "5"
    data["monitoring_windows-5-starts"] = "10:00"
    data["monitoring_windows-5-ends"] = "12:00"
    page = save_section(client, proposal.id, "terms", data).get_data(as_text=True)
    assert "Be kind.\n\nWe monitor this page Monday to Friday, 8:30am to 5:00pm" in page
    assert "Saturday, 10:00am to 12:00pm NZ time" in page
    db.session.expire_all()  # inserted into the form, not saved
    assert db.session.get(Proposal, proposal.id).current_revision.content["terms_of_use"] != (
        "Be kind."
    )


def test_bad_times_get_a_message_and_nothing_typed_is_lost(client_as, people, db):
    client = client_as("staff_policy")
    proposal = create(client, people)
    data = good_form(people, out_of_hours_message="Keep this text")
    data["monitoring_windows-0-starts"] = "25:99"
    data["monitoring_windows-1-weekday"] = ""
    page = save_section(client, proposal.id, "terms", data).get_data(as_text=True)
    assert "There is a problem" in page
    assert "Enter the time as HH:MM on a 24-hour clock" in page
    assert "Give this window a day, a start and an end time, or clear all three." in page
    assert "Keep this text" in page
    assert 'value="25:99"' in page
    db.session.expire_all()
    assert db.session.get(Proposal, proposal.id).version == proposal.version  # nothing saved


def test_a_bad_handle_for_the_platform_is_refused(client_as, people, db):
    page = (
        client_as("staff_policy")
        .post(
            "/proposals/new",
            data=good_form(people, platform="x", handle="this handle is far too long"),
        )
        .get_data(as_text=True)
    )
    assert 'href="#handle"' in page


def test_editing_after_submission_makes_a_new_revision(client_as, people, db):
    client = client_as("staff_policy")
    proposal = create(client, people)
    client.post(f"/proposals/{proposal.id}/submit", data={"version": proposal.version})
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    first_hash = proposal.current_revision.content_sha256
    response = save_section(client, proposal.id, "about", good_form(people, purpose="Sharper."))
    assert response.status_code == 302
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert [r.number for r in proposal.revisions] == [1, 2]
    assert proposal.revisions[0].content_sha256 == first_hash  # the submitted one is untouched
    assert proposal.state_enum is ProposalState.DRAFT


def test_submitting_again_what_is_already_awaiting_sign_off_loses_nothing(client_as, people, db):
    """Submit for sign-off pressed twice (a second tab, a double click): the second changes
    nothing and is told where the proposal is, rather than an error page."""
    client = client_as("staff_policy")
    proposal = create(client, people)
    checked = {"version": str(proposal.version)}  # as the check-your-answers page posts it
    assert client.post(f"/proposals/{proposal.id}/submit", data=checked).status_code == 302
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.state_enum is ProposalState.AWAITING_SIGNOFF
    again = client.post(f"/proposals/{proposal.id}/submit", data=checked, follow_redirects=True)
    assert again.status_code == 200
    page = again.get_data(as_text=True)
    assert "MEC Pasifika Communities is already awaiting sign-off." in page
    db.session.expire_all()
    proposal = db.session.get(Proposal, proposal.id)
    assert proposal.state_enum is ProposalState.AWAITING_SIGNOFF
    assert len(proposal.revisions) == 1


def test_withdraw_twice_is_a_conflict(client_as, people, db):
    client = client_as("staff_policy")
    proposal = create(client, people)
    loaded = {"version": str(proposal.version)}
    assert client.post(f"/proposals/{proposal.id}/withdraw", data=loaded).status_code == 302
    again = client.post(f"/proposals/{proposal.id}/withdraw", data=loaded)
    assert again.status_code == 409
    assert "it was withdrawn" in again.get_data(as_text=True)
    assert client.get(f"/proposals/{proposal.id}/edit").status_code == 409


def test_an_expired_session_keeps_the_typed_draft(app, client_as, people, db):
    client = client_as("staff_policy")
    proposal = create(client, people)
    # Signing out on another device ends this session too; the cookie still names them.
    client_as("staff_policy").post("/sign-out")
    typed = good_form(people, version=str(proposal.version), purpose="Typed after lunch")
    response = client.post(f"/proposals/{proposal.id}/edit/about", data=typed)
    assert response.status_code == 302
    sign_in_url = response.headers["Location"]
    assert sign_in_url.startswith("/sign-in")
    next_url = parse_qs(urlsplit(sign_in_url).query)["next"][0]
    assert "restore=" in next_url
    signed = client.post(
        sign_in_url, data={"email": people.staff_policy.email, "password": factories.PASSWORD}
    )
    assert signed.headers["Location"] == next_url
    page = client.get(next_url).get_data(as_text=True)
    assert "We kept what you typed" in page
    assert "Typed after lunch" in page
    # The stash is used once.
    assert "Typed after lunch" not in client.get(next_url).get_data(as_text=True)


def test_my_proposals_lists_mine_only(client_as, people, db):
    create(client_as("staff_policy"), people)
    assert "MEC Pasifika Communities" in client_as("staff_policy").get("/proposals/").get_data(
        as_text=True
    )
    assert "MEC Pasifika Communities" not in client_as("staff_community").get(
        "/proposals/"
    ).get_data(as_text=True)
