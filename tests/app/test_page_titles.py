"""Page titles, the first thing a screen reader says of a page: the kind of page, "Error:" after
a failed submit, and the outcome after an action (from an independent accessibility audit)."""

from __future__ import annotations

import re

from tests.proposal_data import good_form
from tests.workflow import fill_in, submit, submitted_proposal

SITE = " – Channel governance registry – Ministry for Ethnic Communities"


def title_of(response) -> str:  # noqa: ANN001
    return re.search(r"<title>(.*?)</title>", response.get_data(as_text=True), re.S).group(1)


def _proposal_id(response) -> int:  # noqa: ANN001
    return int(re.search(r"/proposals/(\d+)", response.headers["Location"]).group(1))


def test_a_failed_sign_in_says_error_once(client, people):
    response = client.post(
        "/sign-in", data={"email": people.staff_policy.email, "password": "not it"}
    )
    assert title_of(response) == f"Error: Sign in{SITE}"
    assert title_of(client.get("/sign-in")) == f"Sign in{SITE}"
    # An empty form is the form's errors only: the title's working-out leaks into no page.
    empty = client.post("/sign-in", data={"email": "", "password": ""})
    assert title_of(empty) == f"Error: Sign in{SITE}"
    assert "The email or password is not right" not in empty.get_data(as_text=True)


def test_a_form_shown_again_with_errors_starts_its_title_with_error(client_as, people):
    client = client_as("staff_policy")
    assert title_of(client.get("/proposals/new")) == f"New proposal: About the channel{SITE}"
    refused = client.post("/proposals/new", data={"channel_name": "Pasifika", "action": "save"})
    assert refused.status_code == 200  # no business unit
    assert 'class="error-summary"' in refused.get_data(as_text=True)
    assert title_of(refused) == f"Error: New proposal: About the channel{SITE}"


def test_a_submit_the_policy_refuses_starts_its_title_with_error(client_as, people):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people, neutrality_confirmed=None))
    client.get(f"/proposals/{proposal_id}/edit")  # the task list, with its "Draft saved"
    checking = client.get(f"/proposals/{proposal_id}/check-answers")
    assert title_of(checking) == f"Check your answers: MEC Pasifika Communities{SITE}"
    refused = submit(client, proposal_id)
    assert title_of(refused) == f"Error: Check your answers: MEC Pasifika Communities{SITE}"


def test_a_save_refused_as_out_of_date_starts_its_title_with_error(client_as, people):
    client = client_as("staff_policy")
    created = client.post("/proposals/new", data=good_form(people))
    proposal_id = _proposal_id(created)
    client.get(created.headers["Location"])
    saved = client.post(
        f"/proposals/{proposal_id}/edit/about",
        data=good_form(people, version="1", audience="Another."),
    )
    assert saved.status_code == 302
    client.get(saved.headers["Location"])  # another tab, which shows its "Draft saved"
    stale = client.post(
        f"/proposals/{proposal_id}/edit/about",
        data=good_form(people, version="1", audience="Mine."),
    )
    assert stale.status_code == 409
    assert title_of(stale) == f"Error: About the channel: MEC Pasifika Communities{SITE}"


def test_after_an_action_the_title_starts_with_its_outcome(client_as, people):
    client = client_as("staff_policy")
    saved = client.post("/proposals/new", data=good_form(people), follow_redirects=True)
    assert title_of(saved) == f"Draft saved – Edit proposal: MEC Pasifika Communities{SITE}"
    # Once: the next page is only the page.
    proposal_id = int(re.search(r'/proposals/(\d+)/edit/about"', saved.get_data(as_text=True))[1])
    assert title_of(client.get(f"/proposals/{proposal_id}/edit")) == (
        f"Edit proposal: MEC Pasifika Communities{SITE}"
    )


def test_a_signatory_sees_what_they_sign_and_what_they_signed(client_as, people):
    proposal = submitted_proposal(client_as, people)
    client = client_as("manager")
    page = client.get(f"/proposals/{proposal.id}/signoff")
    assert title_of(page) == f"Sign off: {proposal.title}{SITE}"


def test_adding_a_window_says_which_and_focuses_it(client_as, people):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people), sections=["about"])
    terms = f"/proposals/{proposal_id}/edit/terms"
    page = client.get(terms).get_data(as_text=True)
    rows = page.count('name="monitoring_windows-') // 3
    blank_rows = {
        f"monitoring_windows-{row}-{part}": ""
        for row in range(rows)
        for part in ("weekday", "starts", "ends")
    }
    response = client.post(
        terms, data={"terms_of_use": "Be kind.", "action": "add_window", **blank_rows}
    )
    body = response.get_data(as_text=True)
    assert f"Monitoring window {rows + 1} added." in body
    focused = re.findall(r"<select[^>]*data-autofocus[^>]*>", body)
    assert len(focused) == 1 and f'id="monitoring_windows-{rows}-weekday"' in focused[0]
    # Enter in a text box presses the first submit button: Save and continue, not Add a window.
    first_button = re.search(r"<button[^>]*>", body.split('class="proposal-form"', 1)[1])[0]
    assert 'value="save"' in first_button and 'tabindex="-1"' in first_button
