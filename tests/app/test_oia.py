"""Beyond the charter: information requests, election periods, account security, people changes."""

from __future__ import annotations

import io
from datetime import date, timedelta

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from registry.auth import services as auth_services
from registry.auth.models import Office
from registry.auth.offices import agency_today, end_appointment, holders
from registry.channels.models import Channel
from registry.charters.models import Charter
from registry.oia.models import InformationRequest
from tests.conftest import run_isolated
from tests.workflow import accept_security_risk, approved_proposal


def live_channel(client_as, people, db, **overrides) -> Channel:  # noqa: ANN001
    proposal = approved_proposal(client_as, people, **overrides)
    db.session.expire_all()
    channel = db.session.scalar(select(Channel).where(Channel.proposal_id == proposal.id))
    handle = overrides.get("handle", "MECPasifika")
    accept_security_risk(client_as, channel.id)
    response = client_as("comms").post(
        f"/channels/{channel.id}/live", data={"channel_url": f"https://www.facebook.com/{handle}"}
    )
    assert response.status_code == 302
    db.session.expire_all()
    return db.session.get(Channel, channel.id)


def log(client, channel, **fields):  # noqa: ANN001, ANN003
    data = {
        "received_on": "2024-12-20",
        "received_time": "10:15",
        "requester": "@curious_kiwi",
        "summary": "How many followers does the page have?",
        "handler": "",
    }
    data.update(fields)
    return client.post(f"/channels/{channel.id}/information-requests/new", data=data)


def test_log_a_request_and_see_its_statutory_due_date(client_as, people, db):
    channel = live_channel(client_as, people, db)
    response = log(client_as("comms"), channel)
    assert response.status_code == 302
    item = db.session.scalar(select(InformationRequest))
    assert item.received_on == date(2024, 12, 20)
    assert item.due_on == date(2025, 2, 11)
    page = client_as("comms").get(response.headers["Location"]).get_data(as_text=True)
    assert "11 February 2025" in page and "Overdue" in page
    channel_page = client_as("comms").get(f"/channels/{channel.id}").get_data(as_text=True)
    assert item.reference in channel_page and "Information request logged" in channel_page


def test_bad_requests_are_refused_with_messages(client_as, people, db):
    channel = live_channel(client_as, people, db)
    comms = client_as("comms")
    future = (agency_today() + timedelta(days=3)).isoformat()
    page = log(comms, channel, received_on=future).get_data(as_text=True)
    assert "cannot have been received in the future" in page
    page = log(comms, channel, requester="  ", received_on="not-a-date").get_data(as_text=True)
    assert (
        "Enter who asked" in page and "Not a valid date value" in page or "Enter the date" in page
    )
    assert db.session.scalar(select(InformationRequest)) is None


def test_only_the_channels_people_and_comms_log_requests(client_as, people, db):
    channel = live_channel(client_as, people, db)
    assert log(client_as("staff_community"), channel).status_code == 404  # cannot see it
    assert log(client_as("dce_community"), channel).status_code == 404
    assert log(client_as("staff_policy"), channel).status_code == 302  # the contact


def test_extend_transfer_respond(client_as, people, db):
    channel = live_channel(client_as, people, db)
    today = agency_today()
    comms = client_as("comms")
    log(comms, channel, received_on=(today - timedelta(days=2)).isoformat())
    item = db.session.scalar(select(InformationRequest))
    url = f"/information-requests/{item.id}"
    early = comms.post(
        url,
        data={
            "action": "extend",
            "extend-new_due_on": today.isoformat(),
            "extend-reason": "Consultations",
        },
    )
    assert "must be later than the current due date" in early.get_data(as_text=True)
    later = (item.due_on + timedelta(days=20)).isoformat()
    assert (
        comms.post(
            url,
            data={
                "action": "extend",
                "extend-new_due_on": later,
                "extend-reason": "Consultation needed",
            },
        ).status_code
        == 302
    )
    db.session.expire_all()
    assert db.session.get(InformationRequest, item.id).effective_due_on.isoformat() == later
    assert (
        comms.post(
            url, data={"action": "respond", "respond-responded_on": today.isoformat()}
        ).status_code
        == 302
    )
    again = comms.post(
        url,
        data={
            "action": "transfer",
            "transfer-transferred_on": today.isoformat(),
            "transfer-transferred_to": "DIA",
        },
    )
    assert again.status_code == 409


def test_overdue_requests_reach_the_dashboard_and_the_contact_by_email(
    app, client_as, people, db, mailbox
):
    channel = live_channel(client_as, people, db)
    log(client_as("comms"), channel)  # received 20 Dec 2024: long overdue
    for role in ("comms", "staff_policy"):  # the Communications team; the channel's contact
        assert "Information requests needing an answer" in client_as(role).get("/").get_data(
            as_text=True
        )
    assert "Information requests needing an answer" not in client_as("ce").get("/").get_data(
        as_text=True
    )
    mailbox.messages.clear()
    result = run_isolated(app.test_cli_runner().invoke, args=["registry", "remind"])
    assert result.exit_code == 0, result.output
    assert "Information requests overdue or due within 5 working days: 1" in result.output
    assert any("Overdue" in s for s in mailbox.subjects_for(people.staff_policy.email))


def test_election_period_caution_and_charter_note(client_as, people, db):
    admin = client_as("admin")
    today = agency_today()
    data = {
        "name": "2026 general election",
        "starts_on": (today - timedelta(days=30)).isoformat(),
        "ends_on": (today + timedelta(days=30)).isoformat(),
    }
    assert admin.post("/admin/election-periods", data=data).status_code == 302
    clash = admin.post("/admin/election-periods", data={**data, "name": "Again"})
    assert "It overlaps" in clash.get_data(as_text=True)
    assert client_as("staff_policy").get("/admin/election-periods").status_code == 403
    channel = live_channel(client_as, people, db)
    for role in ("staff_policy", "comms"):
        assert "Election period: 2026 general election" in client_as(role).get("/").get_data(
            as_text=True
        )
    page = client_as("comms").get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "Election period: 2026 general election" in page and "politically neutral" in page
    charter = db.session.scalar(select(Charter))
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(charter.pdf)).pages)
    assert "Approved during the election period" in " ".join(text.split())


def test_account_security_checklist_and_inventory_filter(client_as, people, db):
    channel = live_channel(client_as, people, db)
    comms = client_as("comms")
    page = comms.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "Incomplete" in page and "5 of 5 checks fail" in page
    assert "MEC Pasifika" in comms.get("/inventory/?attention=security-incomplete").get_data(
        as_text=True
    )
    secret = comms.post(
        f"/channels/{channel.id}/security",
        data={"admins": [str(people.comms.id)], "credentials_reference": "Xk9!pq2#LmZ8"},
    )
    assert "That looks like a password" in secret.get_data(as_text=True)
    partial = comms.post(
        f"/channels/{channel.id}/security",
        data={
            "admins": [str(people.comms.id)],
            "recovery_email": "someone@gmail.com",
            "credentials_reference": "Comms vault, item MEC Pasifika",
        },
    )
    assert partial.status_code == 302
    page = comms.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "4 of 5 checks fail" in page  # one admin, no MFA, personal email, no review
    complete = comms.post(
        f"/channels/{channel.id}/security",
        data={
            "admins": [str(people.comms.id), str(people.manager.id)],
            "mfa_enabled": "y",
            "recovery_email": "comms@ethniccommunities.govt.nz",
            "credentials_reference": "Comms vault, item MEC Pasifika",
            "last_access_review": agency_today().isoformat(),
        },
    )
    assert complete.status_code == 302
    assert "All 5 checks pass" in comms.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "0 channels match these filters" in comms.get(
        "/inventory/?attention=security-incomplete"
    ).get_data(as_text=True)
    assert client_as("staff_policy").post(f"/channels/{channel.id}/security").status_code == 403


def test_a_departing_spokesperson_flags_the_channel(client_as, people, db):
    channel = live_channel(client_as, people, db)
    admin = client_as("admin")
    response = admin.post(
        f"/admin/users/{people.staff_policy.id}",
        data={"name": people.staff_policy.display_name, "business_unit": str(people.policy.id)},
    )  # "active" unticked: deactivated
    assert response.status_code == 302
    flash_page = admin.get("/admin/users").get_data(as_text=True)
    assert "now need someone else: MEC Pasifika Communities" in flash_page
    comms = client_as("comms")
    listing = comms.get("/inventory/people-changes").get_data(as_text=True)
    assert "MEC Pasifika Communities" in listing and "SMP-SPOKESPEOPLE" in listing
    assert "SMP-OIA" in listing
    assert "1 channel matches these filters" in comms.get(
        "/inventory/?attention=policy-unmet"
    ).get_data(as_text=True)
    page = comms.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "The policy's people rules no longer hold" in page


def test_a_liaison_leaving_the_communications_team_flags_the_channel(client_as, people, db):
    channel = live_channel(client_as, people, db)
    membership = next(
        a for a in holders(Office.COMMUNICATIONS_TEAM) if a.user_id == people.comms.id
    )
    end_appointment(membership, agency_today() - timedelta(days=1), people.admin)
    db.session.expire_all()
    flagged = db.session.get(Channel, channel.id)
    assert "SMP-COMMS" in flagged.people_problem


def test_an_unrelated_deactivation_flags_nothing(client_as, people, db):
    channel = live_channel(client_as, people, db)
    flagged = auth_services.update_user(
        people.staff_community, people.admin, people.staff_community.display_name, None, False
    )
    assert flagged == []
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).people_problem == ""


@pytest.mark.parametrize("value", ["Comms vault, item MEC Pasifika", "1Password: MEC Pasifika"])
def test_references_are_not_mistaken_for_passwords(value):
    from registry.inventory.security import looks_like_a_secret

    assert not looks_like_a_secret(value)
    assert looks_like_a_secret("Tr0ub4dor&3xyz")
