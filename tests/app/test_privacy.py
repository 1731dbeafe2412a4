"""Who asked for information is seen only by those handling it; signed-in pages are not cached."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from registry.oia.models import InformationRequest
from tests import factories
from tests.app.test_oia import live_channel, log

REQUESTER = "@curious_kiwi"
SUMMARY = "How many followers does the page have?"


@pytest.fixture
def request_item(client_as, people, db):  # noqa: ANN001
    """A request on a Policy channel proposed by Tama (staff_policy), whose information
    requests contact is Daniel (dce_policy), handled by Priya (ce), logged by comms."""
    channel = live_channel(client_as, people, db, information_contact=str(people.dce_policy.id))
    response = log(client_as("comms"), channel, handler=str(people.ce.id))
    assert response.status_code == 302
    return db.session.scalar(select(InformationRequest))


SEES = ["comms", "manager", "ce", "dce_policy"]  # Communications (2), handler, contact
# The proposer, an admin and a signatory see the request exists; a DCE of another unit
# cannot see the channel at all.
WITHHELD = {"staff_policy": 200, "admin": 200, "acting_ce": 200, "dce_community": 404}


@pytest.mark.parametrize("role", SEES)
def test_those_handling_a_request_see_who_asked(client_as, request_item, role):  # noqa: ANN001
    client = client_as(role)
    page = client.get(f"/information-requests/{request_item.id}").get_data(as_text=True)
    assert REQUESTER in page and SUMMARY in page
    channel_page = client.get(f"/channels/{request_item.channel_id}").get_data(as_text=True)
    assert REQUESTER in channel_page


@pytest.mark.parametrize("role", sorted(WITHHELD))
def test_everyone_else_sees_the_request_exists_but_not_who_asked(client_as, request_item, role):  # noqa: ANN001
    client = client_as(role)
    response = client.get(f"/information-requests/{request_item.id}")
    assert response.status_code == WITHHELD[role]
    page = response.get_data(as_text=True)
    assert REQUESTER not in page and SUMMARY not in page
    if response.status_code == 200:
        assert request_item.reference in page and "Withheld" in page
    channel = client.get(f"/channels/{request_item.channel_id}")
    assert REQUESTER not in channel.get_data(as_text=True)
    assert REQUESTER not in client.get("/").get_data(as_text=True)


def test_the_proposer_sees_the_request_exists(client_as, request_item):  # noqa: ANN001
    page = client_as("staff_policy").get(f"/channels/{request_item.channel_id}")
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert request_item.reference in text and "Withheld" in text


def test_the_dashboard_names_the_requester_to_the_contact_only(client_as, request_item):  # noqa: ANN001
    # The request logged for 20 December 2024 is overdue: it is on the dashboards that matter.
    assert REQUESTER in client_as("dce_policy").get("/").get_data(as_text=True)
    assert REQUESTER in client_as("comms").get("/").get_data(as_text=True)
    assert REQUESTER not in client_as("staff_policy").get("/").get_data(as_text=True)


SIGNED_IN_PAGES = {
    "comms": ["/", "/proposals/", "/inventory/", "/channels/{channel}", "/account/tokens"],
    "admin": ["/", "/admin/users", "/proposals/", "/account/tokens"],
    "staff_policy": ["/", "/proposals/", "/proposals/new", "/channels/{channel}"],
    "dce_policy": ["/", "/information-requests/{request}", "/signoffs/"],
    "ce": ["/", "/information-requests/{request}", "/no-such-page"],
}


@pytest.mark.parametrize("role", sorted(SIGNED_IN_PAGES))
def test_signed_in_responses_are_not_stored(client_as, request_item, role):  # noqa: ANN001
    client = client_as(role)
    for template in SIGNED_IN_PAGES[role]:
        path = template.format(channel=request_item.channel_id, request=request_item.id)
        response = client.get(path)
        assert response.headers.get("Cache-Control") == "no-store", (role, path)


def test_signing_in_and_out_are_not_stored(client, people):  # noqa: ANN001
    signed_in = client.post(
        "/sign-in", data={"email": people.comms.email, "password": factories.PASSWORD}
    )
    assert signed_in.status_code == 302
    assert signed_in.headers["Cache-Control"] == "no-store"
    signed_out = client.post("/sign-out")
    assert signed_out.headers["Cache-Control"] == "no-store"


def test_public_pages_keep_their_caching_for_visitors(client, people):  # noqa: ANN001
    assert client.get("/api/v1/openapi.json").headers["Cache-Control"] == "public, max-age=300"
    assert client.get("/sign-in").headers.get("Cache-Control") != "no-store"
