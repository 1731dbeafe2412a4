"""The proposal form's people questions: searched for, not listed (thousands of staff).

The search answers the pickers as someone types; without JavaScript, "Find people" shows the
form again as typed, with who matches to tick, and whoever was chosen stays chosen.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from registry.auth.people_search import SEARCH_LIMIT
from registry.extensions import db
from registry.proposals.models import Proposal
from tests import factories
from tests.people_data import seed_people
from tests.proposal_data import good_form
from tests.workflow import fill_in, save_section


class Inputs(HTMLParser):
    """Every input on a page, as (type, name, value, checked)."""

    def __init__(self, page: str) -> None:
        super().__init__()
        self.found: list[tuple[str, str, str, bool]] = []
        self.feed(page)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag == "input":
            a = dict(attrs)
            self.found.append(
                (a.get("type", "text"), a.get("name", ""), a.get("value", ""), "checked" in a)
            )


def inputs(page: str, name: str) -> list[tuple[str, str, bool]]:
    return [(kind, value, checked) for kind, n, value, checked in Inputs(page).found if n == name]


def search(client, field: str, q: str):  # noqa: ANN001, ANN201
    response = client.get("/people/search", query_string={"field": field, "q": q})
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_json()


def names(body: dict) -> list[str]:
    return [person["name"] for person in body["people"]]


def test_search_finds_people_by_name_or_email_ignoring_case_and_macrons(client_as, people):
    client = client_as("staff_policy")
    body = search(client, "spokespeople", "RĀWIRI")
    assert body == {
        "people": [
            {
                "id": people.staff_policy.id,
                "name": "Tama Rāwiri",
                "email": people.staff_policy.email,
                "unit": "Policy",
            }
        ],
        "more": False,
    }
    assert names(search(client, "spokespeople", "rawiri")) == ["Tama Rāwiri"]
    assert names(search(client, "spokespeople", "  tama   rā ")) == ["Tama Rāwiri"]
    assert names(search(client, "peer_reviewers", "Daniel.DCE@")) == ["Daniel Chen"]
    # A name with a word that starts with what was typed (or an email address that does)
    # comes first; then the names that only contain it; each by name.
    assert names(search(client, "spokespeople", "ta")) == [
        "Mere Tane",
        "Tama Rāwiri",
        "Aroha Ngata",
        "Lin Nguyen",  # lin.staff@...
    ]
    assert search(client, "spokespeople", "")["people"] == []
    assert search(client, "spokespeople", "nobody-has-this")["people"] == []


def test_each_question_finds_only_who_it_may_name(client_as, people, db):
    from registry.auth import services

    client = client_as("staff_policy")
    # The liaison: the Communications team now (Mere, and Hemi, who manages them).
    assert names(search(client, "liaison", "e")) == ["Hemi Walker", "Mere Tane"]
    assert names(search(client, "liaison", "tama")) == []
    assert "Tama Rāwiri" in names(search(client, "information_contact", "tama"))
    # A deactivated person is found by no question.
    services.update_user(people.staff_community, people.admin, "Lin Nguyen", None, active=False)
    for field in ("spokespeople", "peer_reviewers", "information_contact", "liaison"):
        assert names(search(client, field, "lin")) == [], field


def test_at_most_twenty_people_and_a_word_that_more_match(client_as, people, db):
    seed_people(300, [people.policy, people.community])
    body = search(client_as("staff_policy"), "spokespeople", "a")
    assert len(body["people"]) == SEARCH_LIMIT == 20
    assert body["more"] is True
    assert {"id", "name", "email", "unit"} == set(body["people"][0])
    narrower = search(client_as("staff_policy"), "spokespeople", "wikitoria br")
    assert names(narrower) == ["Wikitoria Brown"]
    assert narrower["more"] is False


def test_the_search_is_for_signed_in_staff_only(client, people):
    response = client.get("/people/search?field=spokespeople&q=tama")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/sign-in")
    assert "Tama" not in response.get_data(as_text=True)


def test_a_search_for_no_known_question_is_refused(client_as, people):
    response = client_as("staff_policy").get("/people/search?field=password&q=tama")
    assert response.status_code == 400
    assert "spokespeople" in response.get_json()["error"]


def _people_page(client, people) -> tuple[int, str]:  # noqa: ANN001
    """A draft with "About the channel" saved, and the address of its People page."""
    proposal_id = fill_in(client, good_form(people), sections=("about",))
    return proposal_id, f"/proposals/{proposal_id}/edit/people"


def _content(proposal_id: int) -> dict:
    db.session.expire_all()
    return dict(db.session.get(Proposal, proposal_id).current_revision.content)


def test_the_form_lists_no_one_until_someone_searches(client_as, people, db):
    seed_people(3000, [people.policy, people.community])
    client = client_as("staff_policy")
    _, url = _people_page(client, people)
    page = client.get(url).get_data(as_text=True)
    assert "Wikitoria" not in page
    assert len(re.findall(r"<(?:option|input)\b", page)) < 100
    assert 'data-search-url="/people/search?field=liaison"' in page


def test_find_people_without_javascript_keeps_what_was_typed_and_who_was_chosen(
    client_as, people, db
):
    client = client_as("staff_policy")
    proposal_id, _ = _people_page(client, people)
    before = _content(proposal_id)
    typed = good_form(
        people,
        spokespeople=[str(people.staff_policy.id)],
        peer_reviewers=[],
        information_contact=None,
        action="find:peer_reviewers",
        **{"peer_reviewers-search": "daniel"},
    )
    response = save_section(client, proposal_id, "people", typed)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert _content(proposal_id) == before  # a search saves nothing
    assert "1 person found for “daniel”." in page
    assert inputs(page, "peer_reviewers") == [("checkbox", str(people.dce_policy.id), False)]
    assert inputs(page, "peer_reviewers-search") == [("text", "daniel", False)]
    # The spokesperson chosen before stays chosen; the liaison too.
    assert inputs(page, "spokespeople") == [("checkbox", str(people.staff_policy.id), True)]
    assert ("radio", str(people.comms.id), True) in inputs(page, "liaison")

    # Tick the one found and save: both are kept.
    typed.update(peer_reviewers=[str(people.dce_policy.id)], action="save")
    assert save_section(client, proposal_id, "people", typed).status_code == 302
    content = _content(proposal_id)
    assert content["peer_reviewer_ids"] == [people.dce_policy.id]
    assert content["spokespeople_ids"] == [people.staff_policy.id]
    assert content["liaison_id"] == people.comms.id
    assert content["information_contact_id"] is None


def test_find_one_person_offers_radios_and_no_one(client_as, people, db):
    client = client_as("staff_policy")
    proposal_id, _ = _people_page(client, people)
    typed = good_form(people, action="find:liaison", **{"liaison-search": "hemi"})
    page = save_section(client, proposal_id, "people", typed).get_data(as_text=True)
    assert inputs(page, "liaison") == [
        ("radio", str(people.comms.id), True),  # chosen
        ("radio", "", False),  # "No one"
        ("radio", str(people.manager.id), False),  # found
    ]
    nobody = good_form(people, action="find:liaison", **{"liaison-search": "tama"})
    page = save_section(client, proposal_id, "people", nobody).get_data(as_text=True)
    assert "No one found for “tama”." in page
    # "No one" clears the liaison.
    assert save_section(client, proposal_id, "people", good_form(people)).status_code == 302
    assert _content(proposal_id)["liaison_id"] == people.comms.id
    cleared = good_form(people, liaison="")
    assert save_section(client, proposal_id, "people", cleared).status_code == 302
    assert _content(proposal_id)["liaison_id"] is None


@pytest.mark.parametrize("action", ["find:", "find:version", "find:csrf_token", "find:nobody"])
def test_a_find_for_no_people_question_shows_the_form_again(client_as, people, action):
    client = client_as("staff_policy")
    proposal_id, _ = _people_page(client, people)
    response = save_section(client, proposal_id, "people", good_form(people, action=action))
    assert response.status_code == 200
    assert "Communications liaison" in response.get_data(as_text=True)


def test_ids_no_one_has_are_refused_and_the_form_kept(client_as, people, db):
    client = client_as("staff_policy")
    proposal_id, _ = _people_page(client, people)
    before = _content(proposal_id)
    for field, value in (("spokespeople", ["999999"]), ("liaison", "999999")):
        page = save_section(client, proposal_id, "people", good_form(people, **{field: value}))
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Choose from the list." in text
        assert f'href="#{field}"' in text
    page = save_section(client, proposal_id, "people", good_form(people, spokespeople=["x"]))
    assert "Invalid choice(s)" in page.get_data(as_text=True)
    assert _content(proposal_id) == before


def test_saved_people_show_on_the_people_page_by_name(client_as, people, db):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people))
    page = client.get(f"/proposals/{proposal_id}/edit/people").get_data(as_text=True)
    assert inputs(page, "spokespeople") == [("checkbox", str(people.staff_policy.id), True)]
    assert inputs(page, "peer_reviewers") == [("checkbox", str(people.dce_policy.id), True)]
    assert "Tama Rāwiri" in page and people.dce_policy.email in page
    assert factories.PASSWORD not in page
