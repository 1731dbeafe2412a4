"""Wording a person reads: "an Instagram", who asked for changes, and dates that do not exist
said to be so (not "not a valid date", nor an error page)."""

from __future__ import annotations

import html
import io

import pytest

from tests.proposal_data import good_form
from tests.public_channels import live_channel
from tests.workflow import decide, fill_in, submit, submitted_proposal

HEADER = "Name,Platform,Handle,URL,Business unit,Liaison email,Date started\r\n"
LIAISON = "mere.comms@example.govt.nz"


def _text(response) -> str:  # noqa: ANN001
    return html.unescape(response.get_data(as_text=True))


@pytest.mark.parametrize(
    ("platform", "handle", "said"),
    [
        ("instagram", "mecpasifika", "An Instagram Channel URL must be on instagram.com"),
        ("x", "MECPasifika", "An X Channel URL must be on x.com"),
        ("youtube", "@MECPasifika", "A YouTube Channel URL must be on youtube.com"),
    ],
)
def test_a_platform_takes_the_article_its_name_is_said_with(
    client_as, people, platform, handle, said
):
    client = client_as("staff_policy")
    typed = good_form(
        people, platform=platform, handle=handle, channel_url=f"https://www.facebook.com/{handle}"
    )
    response = submit(client, fill_in(client, typed))
    assert said in _text(response)


def test_the_email_says_who_requested_changes(client_as, people, mailbox):
    proposal = submitted_proposal(client_as, people)
    mailbox.messages.clear()
    decide(client_as("ce"), proposal, "request-changes", comment="Name the deputies.")
    [message] = mailbox.to(people.staff_policy.email)
    assert f"Changes requested by {people.ce.display_name}: " in message["Subject"]


@pytest.mark.parametrize(
    ("typed", "said"),
    [
        ("2026-02-30", "30 February 2026 does not exist: February 2026 has 28 days."),
        ("2026-13-01", "There is no month 13"),
        ("2028-02-30", "30 February 2028 does not exist: February 2028 has 29 days."),
    ],
)
def test_a_date_that_does_not_exist_is_said_not_to(client_as, people, db, typed, said):
    channel = live_channel(client_as, people, db)
    response = client_as("comms").post(
        f"/channels/{channel.id}/decommission",
        data={"decommission-decommissioned_on": typed, "decommission-reason": "Merged."},
    )
    assert response.status_code < 500
    page = _text(response)
    assert said in page
    assert "Not a valid date" not in page and "Enter the date the channel" not in page


def test_an_information_requests_impossible_date_is_said_not_to_exist(client_as, people, db):
    channel = live_channel(client_as, people, db)
    response = client_as("comms").post(
        f"/channels/{channel.id}/information-requests/new",
        data={
            "received_on": "2025-04-31",
            "received_time": "10:15",
            "requester": "@curious_kiwi",
            "summary": "How many followers?",
            "handler": "",
        },
    )
    assert "31 April 2025 does not exist: April 2025 has 30 days." in _text(response)


def test_the_import_preview_says_a_started_date_does_not_exist(client_as, people, db):
    sheet = HEADER + (
        f"MEC Pasifika,Facebook,MECPasifika,https://www.facebook.com/MECPasifika,POL,{LIAISON},"
        "30/02/2021\r\n"
    )
    response = client_as("comms").post(
        "/inventory/import",
        data={"channels_csv": (io.BytesIO(sheet.encode()), "channels.csv")},
        content_type="multipart/form-data",
    )
    page = _text(response)
    assert "30 February 2021 does not exist: February 2021 has 28 days." in page
    assert "is not a date" not in page
