"""The proposal form's people questions: searched for, not listed (thousands of staff).

The search answers the pickers as someone types; without JavaScript, "Find people" shows the
form again as typed, with who matches to tick, and whoever was chosen stays chosen.
"""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from sqlalchemy import select

from registry.auth.people_search import SEARCH_LIMIT
from registry.proposals.models import Proposal
from tests import factories
from tests.people_data import seed_people
from tests.proposal_data import good_form


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


def test_the_form_lists_no_one_until_someone_searches(client_as, people, db):
    seed_people(3000, [people.policy, people.community])
    page = client_as("staff_policy").get("/proposals/new").get_data(as_text=True)
    assert "Wikitoria" not in page
    assert len(re.findall(r"<(?:option|input)\b", page)) < 100
    assert 'data-search-url="/people/search?field=liaison"' in page


def test_find_people_without_javascript_keeps_what_was_typed_and_who_was_chosen(
    client_as, people, db
):
    client = client_as("staff_policy")
    typed = good_form(
        people,
        channel_name="Typed before searching",
        spokespeople=[str(people.staff_policy.id)],
        peer_reviewers=[],
        information_contact=None,
        action="find:peer_reviewers",
        **{"peer_reviewers-search": "daniel"},
    )
    response = client.post("/proposals/new", data=typed)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Typed before searching" in page
    assert client.get("/proposals/").get_data(as_text=True).count("Typed before") == 0  # unsaved
    assert "1 person found for “daniel”." in page
    assert inputs(page, "peer_reviewers") == [("checkbox", str(people.dce_policy.id), False)]
    assert inputs(page, "peer_reviewers-search") == [("text", "daniel", False)]
    # The spokesperson chosen before stays chosen; the liaison too.
    assert inputs(page, "spokespeople") == [("checkbox", str(people.staff_policy.id), True)]
    assert ("radio", str(people.comms.id), True) in inputs(page, "liaison")

    # Tick the one found and save: both are kept.
    typed.update(peer_reviewers=[str(people.dce_policy.id)], action="save")
    assert client.post("/proposals/new", data=typed).status_code == 302
    content = db.session.scalar(select(Proposal)).current_revision.content
    assert content["peer_reviewer_ids"] == [people.dce_policy.id]
    assert content["spokespeople_ids"] == [people.staff_policy.id]
    assert content["liaison_id"] == people.comms.id
    assert content["information_contact_id"] is None


def test_find_one_person_offers_radios_and_no_one(client_as, people, db):
    typed = good_form(people, action="find:liaison", **{"liaison-search": "hemi"})
    page = client_as("staff_policy").post("/proposals/new", data=typed).get_data(as_text=True)
    assert inputs(page, "liaison") == [
        ("radio", str(people.comms.id), True),  # chosen
        ("radio", "", False),  # "No one"
        ("radio", str(people.manager.id), False),  # found
    ]
    nobody = good_form(people, action="find:liaison", **{"liaison-search": "tama"})
    page = client_as("staff_policy").post("/proposals/new", data=nobody).get_data(as_text=True)
    assert "No one found for “tama”." in page
    # "No one" clears the liaison.
    cleared = good_form(people, liaison="")
    assert client_as("staff_policy").post("/proposals/new", data=cleared).status_code == 302
    assert db.session.scalar(select(Proposal)).current_revision.content["liaison_id"] is None


@pytest.mark.parametrize("action", ["find:", "find:version", "find:csrf_token", "find:nobody"])
def test_a_find_for_no_people_question_shows_the_form_again(client_as, people, action):
    response = client_as("staff_policy").post(
        "/proposals/new", data=good_form(people, action=action)
    )
    assert response.status_code == 200
    assert "MEC Pasifika Communities" in response.get_data(as_text=True)


def test_ids_no_one_has_are_refused_and_the_form_kept(client_as, people, db):
    client = client_as("staff_policy")
    for field, value in (("spokespeople", ["999999"]), ("liaison", "999999")):
        page = client.post("/proposals/new", data=good_form(people, **{field: value}))
        assert page.status_code == 200
        text = page.get_data(as_text=True)
        assert "Choose from the list." in text
        assert f'href="#{field}"' in text
    page = client.post("/proposals/new", data=good_form(people, spokespeople=["x"]))
    assert "Invalid choice(s)" in page.get_data(as_text=True)
    assert db.session.scalar(select(Proposal)) is None


def test_saved_people_show_on_the_edit_page_by_name(client_as, people, db):
    client = client_as("staff_policy")
    client.post("/proposals/new", data=good_form(people))
    proposal = db.session.scalar(select(Proposal))
    page = client.get(f"/proposals/{proposal.id}/edit").get_data(as_text=True)
    assert inputs(page, "spokespeople") == [("checkbox", str(people.staff_policy.id), True)]
    assert inputs(page, "peer_reviewers") == [("checkbox", str(people.dce_policy.id), True)]
    assert "Tama Rāwiri" in page and people.dce_policy.email in page
    assert factories.PASSWORD not in page
