""" "My proposals" follows each proposal past its approval: the charter, going live, the next
review and closing, in words a proposer understands."""

from __future__ import annotations

import re
from datetime import timedelta

from registry.auth.offices import agency_today
from registry.timeutil import format_date
from tests.public_channels import channel_of, charter_of, close, go_live, live_channel
from tests.workflow import approved_proposal, decide, submitted_proposal


def _mine(client_as) -> str:  # noqa: ANN001
    page = client_as("staff_policy").get("/proposals/").get_data(as_text=True)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))


def test_an_approved_proposal_waits_to_go_live_with_its_charter(client_as, people, db):
    proposal = approved_proposal(client_as, people)
    assert charter_of(db, proposal) is not None
    assert "Approved, charter issued, waiting to go live" in _mine(client_as)


def test_a_live_channel_says_since_when_and_when_its_review_is_due(client_as, people, db):
    proposal = approved_proposal(client_as, people)
    channel = channel_of(db, proposal)
    go_live(client_as, people, channel)
    channel = channel_of(db, proposal)
    expected = (
        f"Live since {format_date(agency_today())}, review due {format_date(channel.review_due)}"
    )
    assert expected in _mine(client_as)


def test_a_closed_channel_says_when_it_closed(client_as, people, db):
    channel = live_channel(client_as, people, db)
    on = agency_today() - timedelta(days=2)
    close(client_as, channel, on)
    text = _mine(client_as)
    assert f"Closed on {format_date(on)}" in text
    assert "Live since" not in text


def test_a_request_for_changes_says_what_to_do(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    decide(client_as("manager"), proposal, "request-changes", comment="Add Samoan.")
    assert "Changes requested: edit it or reply, then submit it again" in _mine(client_as)
