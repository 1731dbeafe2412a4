"""Nobody changes their own offices; a signing or admin appointment made on the admin pages
takes effect only when a second administrator confirms it (two-person rule, AC-5)."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.auth.models import Appointment, Office, User
from registry.auth.offices import agency_today, holders, holds
from registry.signoffs.models import Signoff
from tests import factories
from tests.conftest import run_isolated
from tests.workflow import decide, submitted_proposal


def _sign_in(app: Flask, user: User) -> FlaskClient:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302
    return client


@pytest.fixture
def second_admin(people) -> User:  # noqa: ANN001
    """Wiremu, a second administrator, appointed by the operator."""
    wiremu = factories.make_user("wiremu.admin", people.corporate, "Wiremu Pohe")
    factories.appoint(wiremu, Office.ADMIN)
    return wiremu


@pytest.fixture
def kiri(people) -> User:  # noqa: ANN001
    """Kiri, who is to be Acting Manager Communications."""
    return factories.make_user("kiri.staff", people.corporate, "Kiri Moana")


def _ask(client: FlaskClient, user: User, office: str = "manager-communications", **extra: str):
    today = agency_today()
    return client.post(
        "/admin/appointments/new",
        data={
            "user": str(user.id),
            "office": office,
            "business_unit": "",
            "acting": "y",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=13)).isoformat(),
            **extra,
        },
    )


def _appointments_of(db, user: User) -> list[Appointment]:  # noqa: ANN001
    db.session.rollback()
    return list(db.session.scalars(select(Appointment).where(Appointment.user_id == user.id)))


def _audit(db, action: str) -> list[AuditEntry]:  # noqa: ANN001
    return list(db.session.scalars(select(AuditEntry).where(AuditEntry.action == action)))


def test_an_admin_cannot_appoint_herself_to_a_signing_office(client_as, people, db):
    response = _ask(client_as("admin"), people.admin)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "You cannot change your own offices" in page
    assert [a.office for a in _appointments_of(db, people.admin)] == [Office.ADMIN.value]
    assert not holds(people.admin, Office.MANAGER_COMMUNICATIONS)


def test_an_admin_cannot_end_her_own_appointment(client_as, people, db):
    own = _appointments_of(db, people.admin)[0]
    admin = client_as("admin")
    listing = admin.get("/admin/appointments").get_data(as_text=True)
    assert "Your own office: another administrator ends it." in listing
    response = admin.post(
        f"/admin/appointments/{own.id}/end",
        data={"ends_on": (agency_today() + timedelta(days=1)).isoformat()},
    )
    assert response.status_code == 403
    page = response.get_data(as_text=True)
    assert "You cannot change your own offices" in page
    assert (agency_today() + timedelta(days=1)).isoformat() in page  # the date typed stays
    assert _appointments_of(db, people.admin)[0].ends_on is None


def test_a_pending_appointment_gives_no_power_until_a_second_admin_confirms(
    app, client_as, people, db, second_admin, kiri
):
    proposal = submitted_proposal(client_as, people)
    response = _ask(client_as("admin"), kiri)
    assert response.status_code == 302
    (request,) = _appointments_of(db, kiri)
    assert request.is_pending and request.requested_by_id == people.admin.id

    listing = client_as("admin").get("/admin/appointments").get_data(as_text=True)
    assert "Waiting for a second administrator" in listing
    assert "gives no power until confirmed by another administrator" in listing
    assert "Aroha Ngata" in listing  # who asked
    assert "You asked for this: another administrator confirms it." in listing

    # Pending: no power anywhere.
    assert [a.user_id for a in holders(Office.MANAGER_COMMUNICATIONS)] == [people.manager.id]
    assert not holds(kiri, Office.MANAGER_COMMUNICATIONS)
    client = _sign_in(app, kiri)
    assert proposal.title not in client.get("/signoffs/").get_data(as_text=True)
    refused = decide(client, proposal, capacity="manager-communications")
    assert refused.status_code in (403, 404)
    assert db.session.scalar(select(Signoff).where(Signoff.signer_id == kiri.id)) is None
    # Nor named as someone else who could sign.
    daniel = client_as("dce_policy")
    assert decide(daniel, proposal, capacity="dce").status_code == 302
    needs = daniel.get(f"/proposals/{proposal.id}/signoff").get_data(as_text=True)
    assert "Manager Communications: Hemi Walker;" in needs

    # The second administrator confirms: from now on Kiri signs as Acting MC.
    confirmer = _sign_in(app, second_admin)
    assert "Confirm<span" in confirmer.get("/admin/appointments").get_data(as_text=True)
    confirmed = confirmer.post(f"/admin/appointments/{request.id}/confirm")
    assert confirmed.status_code == 302
    db.session.expire_all()
    assert holds(kiri, Office.MANAGER_COMMUNICATIONS)
    needs = daniel.get(f"/proposals/{proposal.id}/signoff").get_data(as_text=True)
    assert "Manager Communications: Hemi Walker, Kiri Moana (acting);" in needs
    assert proposal.title in client.get("/signoffs/").get_data(as_text=True)
    assert decide(client, proposal, capacity="manager-communications").status_code == 302
    signed = db.session.scalar(select(Signoff).where(Signoff.signer_id == kiri.id))
    assert signed.capacity == "Acting Manager Communications"


def test_the_requester_cannot_confirm_her_own_request(client_as, people, db, second_admin, kiri):
    admin = client_as("admin")
    _ask(admin, kiri)
    (request,) = _appointments_of(db, kiri)
    response = admin.post(f"/admin/appointments/{request.id}/confirm")
    assert response.status_code == 403
    assert "another administrator must confirm it" in response.get_data(as_text=True)
    assert _appointments_of(db, kiri)[0].is_pending
    assert not holds(kiri, Office.MANAGER_COMMUNICATIONS)


def test_the_appointee_cannot_confirm_her_own_appointment(app, client_as, people, db, second_admin):
    _ask(client_as("admin"), second_admin)
    request = next(a for a in _appointments_of(db, second_admin) if a.is_pending)
    wiremu = _sign_in(app, second_admin)
    listing = wiremu.get("/admin/appointments").get_data(as_text=True)
    assert "This is your own office: another administrator confirms or cancels it." in listing
    response = wiremu.post(f"/admin/appointments/{request.id}/confirm")
    assert response.status_code == 403
    assert "You cannot change your own offices" in response.get_data(as_text=True)
    assert not holds(second_admin, Office.MANAGER_COMMUNICATIONS)


def test_an_admin_appointment_waits_too_so_a_second_account_cannot_confirm(
    app, client_as, people, db
):
    puppet = factories.make_user("aroha.second", people.corporate, "Aroha Two")
    _ask(client_as("admin"), puppet, office="admin", acting="")
    (request,) = _appointments_of(db, puppet)
    assert request.is_pending
    assert _sign_in(app, puppet).get("/admin/appointments").status_code == 403


def test_a_communications_team_appointment_takes_effect_at_once(client_as, people, db, kiri):
    response = _ask(client_as("admin"), kiri, office="communications-team", acting="")
    assert response.status_code == 302
    assert holds(kiri, Office.COMMUNICATIONS_TEAM)
    assert _audit(db, "appointment-made")[-1].actor_id == people.admin.id


def test_a_cancelled_request_stays_on_record_and_gives_no_power(
    app, client_as, people, db, second_admin, kiri
):
    admin = client_as("admin")
    _ask(admin, kiri)
    (request,) = _appointments_of(db, kiri)
    assert admin.post(f"/admin/appointments/{request.id}/cancel").status_code == 302
    (cancelled,) = _appointments_of(db, kiri)
    assert cancelled.is_cancelled and cancelled.cancelled_by_id == people.admin.id
    late = _sign_in(app, second_admin).post(f"/admin/appointments/{request.id}/confirm")
    assert late.status_code == 409
    assert "already cancelled" in late.get_data(as_text=True)
    assert not holds(kiri, Office.MANAGER_COMMUNICATIONS)
    listing = admin.get("/admin/appointments").get_data(as_text=True)
    assert "Request cancelled" in listing
    (entry,) = _audit(db, "appointment-cancelled")
    assert entry.actor_id == people.admin.id
    # A cancelled request no longer blocks a new one for the same dates.
    assert _ask(admin, kiri).status_code == 302


def test_a_pending_request_blocks_an_overlapping_one_and_says_so(
    client_as, people, db, second_admin, kiri
):
    _ask(client_as("admin"), kiri)
    other = factories.make_user("tui.staff", people.corporate, "Tui Rangi")
    response = _ask(client_as("admin"), other)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Kiri Moana has a pending appointment as Acting Manager Communications" in page
    assert "requested by Aroha Ngata" in page
    assert _appointments_of(db, other) == []


def test_confirming_for_a_deactivated_person_is_refused(
    app, client_as, people, db, second_admin, kiri
):
    _ask(client_as("admin"), kiri)
    (request,) = _appointments_of(db, kiri)
    from registry.auth import services

    services.update_user(kiri, people.admin, kiri.display_name, None, active=False)
    response = _sign_in(app, second_admin).post(f"/admin/appointments/{request.id}/confirm")
    assert response.status_code == 409
    assert "deactivated" in response.get_data(as_text=True)
    assert _appointments_of(db, kiri)[0].is_pending


def test_the_audit_log_names_both_administrators(app, client_as, people, db, second_admin, kiri):
    _ask(client_as("admin"), kiri)
    (request,) = _appointments_of(db, kiri)
    _sign_in(app, second_admin).post(f"/admin/appointments/{request.id}/confirm")
    (asked,) = _audit(db, "appointment-requested")
    assert asked.actor_id == people.admin.id
    (confirmed,) = _audit(db, "appointment-confirmed")
    assert confirmed.actor_id == second_admin.id
    summary = json.loads(confirmed.summary)
    assert summary["requested_by"] == people.admin.email
    assert summary["confirmed_by"] == second_admin.email
    verify = run_isolated(app.test_cli_runner().invoke, args=["audit", "verify"])
    assert verify.exit_code == 0, verify.output


def test_the_operator_command_line_is_one_step_and_recorded_as_such(app, people, db, kiri):
    result = run_isolated(
        app.test_cli_runner().invoke,
        args=["registry", "appoint", "--email", kiri.email, "--office", "manager-communications",
              "--acting", "--end", (agency_today() + timedelta(days=3)).isoformat()],
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    db.session.rollback()
    assert holds(kiri, Office.MANAGER_COMMUNICATIONS)
    entry = _audit(db, "appointment-made")[-1]
    assert entry.actor_id is None
    assert entry.actor_label == "operator (command line)"
    assert json.loads(entry.summary)["via"] == "command line"


def test_an_admin_cannot_set_the_password_of_an_officer(app, client_as, people, db, second_admin):
    """The edit page takes no password; one posted by hand changes nothing. A reset emails the
    officer a link, so the administrator never learns what they choose."""
    admin = client_as("admin")
    assert 'type="password"' not in admin.get(f"/admin/users/{second_admin.id}").get_data(
        as_text=True
    )
    form = {"name": "Wiremu Pohe", "business_unit": "", "active": "y", "new_password": "x" * 16}
    admin.post(f"/admin/users/{second_admin.id}", data=form)
    refused = app.test_client().post(
        "/sign-in", data={"email": second_admin.email, "password": "x" * 16}
    )
    assert refused.status_code == 200  # the officer's own password still stands
