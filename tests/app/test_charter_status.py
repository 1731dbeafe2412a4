"""A charter's public verify page states its channel's state now, never just "Approved"."""

from __future__ import annotations

import io
import re
from datetime import timedelta

from registry.auth.offices import agency_today
from registry.proposals.models import Proposal
from registry.timeutil import format_date
from tests.public_channels import (
    channel_of,
    charter_of,
    close,
    go_live,
    live_channel,
    reapproved_change,
)
from tests.workflow import approved_proposal

# What a visitor must not learn about the channel when the register is off.
CHANNEL_DETAILS = ("MEC Pasifika Communities", "MECPasifika", "Business unit", "Tama Rāwiri")


def status_of(page: str) -> str:
    return re.search(r"<dt>Status</dt><dd>(.*?)</dd>", page).group(1)


def test_the_verify_page_states_the_channel_state_now(client, client_as, people, db):
    proposal = approved_proposal(client_as, people)
    number = charter_of(db, proposal).number
    url = f"/charters/{number}/verify"
    assert status_of(client.get(url).get_data(as_text=True)) == "Approved, not yet live"

    channel = channel_of(db, proposal)
    go_live(client_as, people, channel)
    page = client.get(url).get_data(as_text=True)
    assert status_of(page) == "Active"
    assert "one of our official channels" in page

    closed_on = agency_today()  # it went live today: it cannot close any earlier
    close(client_as, channel, closed_on)
    page = client.get(url).get_data(as_text=True)
    assert status_of(page) == f"Decommissioned on {format_date(closed_on)}"
    assert "no longer monitored" in page
    assert "one of our official channels" not in page


def test_a_closing_date_ahead_is_still_active_until_then(client, client_as, people, db):
    channel = live_channel(client_as, people, db)
    closes_on = agency_today() + timedelta(days=20)
    close(client_as, channel, closes_on)
    number = charter_of(db, db.session.get(Proposal, channel.proposal_id)).number
    page = client.get(f"/charters/{number}/verify").get_data(as_text=True)
    assert status_of(page) == f"Active until {format_date(closes_on)}, when it closes"


def test_a_reapproved_change_supersedes_the_old_charter(client, client_as, people, db):
    channel = live_channel(client_as, people, db)
    old = charter_of(db, db.session.get(Proposal, channel.proposal_id))
    change = reapproved_change(client_as, people, db, channel)
    new = charter_of(db, change)
    assert new.number != old.number

    page = client.get(f"/charters/{old.number}/verify").get_data(as_text=True)
    assert status_of(page) == f"Superseded by {new.number}"
    assert f'href="/charters/{new.number}/verify"' in page
    assert status_of(client.get(f"/charters/{new.number}/verify").get_data(as_text=True)) == (
        "Active"
    )
    # The genuine old file still matches, and the check says it is no longer in force.
    checked = client.post(
        f"/charters/{old.number}/verify",
        data={"charter_pdf": (io.BytesIO(old.pdf), "charter.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "The file matches." in checked
    assert f"no longer in force (status now: Superseded by {new.number})" in checked
    # The old proposal's page says so too.
    shown = client_as("staff_policy").get(f"/proposals/{old.proposal_id}")
    assert f"Status now: <strong>Superseded by {new.number}</strong>" in shown.get_data(
        as_text=True
    )

    # Once the channel closes, the charter in force says when.
    closed_on = agency_today() - timedelta(days=1)
    close(client_as, channel, closed_on)
    page = client.get(f"/charters/{new.number}/verify").get_data(as_text=True)
    assert status_of(page) == f"Decommissioned on {format_date(closed_on)}"


def test_a_change_still_in_sign_off_leaves_the_charter_in_force(client, client_as, people, db):
    channel = live_channel(client_as, people, db)
    number = charter_of(db, db.session.get(Proposal, channel.proposal_id)).number
    assert client_as("comms").post(f"/channels/{channel.id}/change").status_code == 302
    page = client.get(f"/charters/{number}/verify").get_data(as_text=True)
    assert status_of(page) == "Active"


def test_superseded_while_the_newer_charter_is_pending(app, client, client_as, people, db):
    channel = live_channel(client_as, people, db)
    old = charter_of(db, db.session.get(Proposal, channel.proposal_id))
    saved = app.config["CHARTER_RENDER_TIMEOUT_SECONDS"]
    app.config["CHARTER_RENDER_TIMEOUT_SECONDS"] = 0.001  # the newer charter fails to render
    try:
        change = reapproved_change(client_as, people, db, channel)
    finally:
        app.config["CHARTER_RENDER_TIMEOUT_SECONDS"] = saved
    assert charter_of(db, change) is None
    page = client.get(f"/charters/{old.number}/verify").get_data(as_text=True)
    assert status_of(page) == "Superseded by a newer approval (its charter is not issued yet)"


def test_the_uploaded_file_check_states_a_live_charter_in_force(client, client_as, people, db):
    channel = live_channel(client_as, people, db)
    charter = charter_of(db, db.session.get(Proposal, channel.proposal_id))
    checked = client.post(
        f"/charters/{charter.number}/verify",
        data={"charter_pdf": (io.BytesIO(charter.pdf), "charter.pdf")},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    assert "The file matches." in checked and "It is in force." in checked


def test_an_unknown_charter_number_is_not_ours(client, db):
    response = client.get("/charters/MEC-CH-2026-0999/verify")
    assert response.status_code == 404
    assert "No charter has the number MEC-CH-2026-0999: it is not one of ours." in (
        response.get_data(as_text=True)
    )
    long = client.get("/charters/" + "CALL-0800-000-000-" * 10 + "/verify")
    assert long.status_code == 404
    assert "CALL-0800-000-000-" * 5 not in long.get_data(as_text=True)


def test_with_the_register_off_verify_pages_reveal_no_channel_details(
    client, client_as, people, db
):
    channel = live_channel(client_as, people, db)
    number = charter_of(db, db.session.get(Proposal, channel.proposal_id)).number
    page = client.get(f"/charters/{number}/verify").get_data(as_text=True)
    assert f"{number} is a charter issued by" in page and status_of(page) == "Active"
    for detail in (*CHANNEL_DETAILS, "facebook.com/MECPasifika", "Facebook"):
        assert detail not in page, detail
    staff = client_as("staff_community").get(f"/charters/{number}/verify").get_data(as_text=True)
    assert "MEC Pasifika Communities" in staff and "https://www.facebook.com/MECPasifika" in staff


def test_with_the_register_on_verify_pages_name_public_channels_only(
    client, client_as, people, db, register_on
):
    live = live_channel(client_as, people, db)
    live_number = charter_of(db, db.session.get(Proposal, live.proposal_id)).number
    page = client.get(f"/charters/{live_number}/verify").get_data(as_text=True)
    assert "MEC Pasifika Communities" in page and "https://www.facebook.com/MECPasifika" in page

    pending = approved_proposal(
        client_as, people, channel_name="MEC Youth Launch", handle="MECYouthLaunch"
    )
    page = client.get(f"/charters/{charter_of(db, pending).number}/verify").get_data(as_text=True)
    assert status_of(page) == "Approved, not yet live"
    assert "MEC Youth Launch" not in page and "MECYouthLaunch" not in page
