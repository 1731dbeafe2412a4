"""Admin pages: only the admin office may use them; forms keep what was typed."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from registry.auth.models import Appointment, User

ADMIN_PAGES = [
    "/admin/users",
    "/admin/users/new",
    "/admin/units",
    "/admin/units/new",
    "/admin/appointments",
    "/admin/appointments/new",
]


@pytest.mark.parametrize("role", ["staff_policy", "comms", "manager", "ce", "dce_policy"])
@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_refused_to_other_roles(client_as, role, path):
    response = client_as(role).get(path)
    assert response.status_code == 403
    assert "You do not have access to this page" in response.get_data(as_text=True)


@pytest.mark.parametrize("path", ADMIN_PAGES)
def test_admin_pages_open_for_admin(client_as, path):
    assert client_as("admin").get(path).status_code == 200


def test_admin_nav_only_for_admin(client_as):
    assert "Administration" in client_as("admin").get("/").get_data(as_text=True)
    assert "Administration" not in client_as("staff_policy").get("/").get_data(as_text=True)


def test_admin_adds_a_person_who_then_chooses_a_password_and_signs_in(
    client_as, app, people, db, mailbox
):
    admin = client_as("admin")
    response = admin.post(
        "/admin/users/new",
        data={
            "email": "New.Person@Example.govt.nz",
            "name": "New Person",
            "business_unit": str(people.policy.id),
        },
    )
    assert response.status_code == 302
    user = db.session.scalar(select(User).where(User.email == "new.person@example.govt.nz"))
    assert user is not None and user.business_unit_id == people.policy.id
    body = mailbox.to("new.person@example.govt.nz")[0].get_body().get_content()
    path = re.search(r"https?://[^/\s]+(/invitation/\S+)", body).group(1)
    fresh = app.test_client()
    chosen = {"password": "a-long-enough-password", "confirm": "a-long-enough-password"}
    assert fresh.post(path, data=chosen).status_code == 302
    signed = fresh.post(
        "/sign-in",
        data={"email": "new.person@example.govt.nz", "password": "a-long-enough-password"},
    )
    assert signed.status_code == 302


def test_duplicate_email_is_refused_and_the_form_keeps_what_was_typed(client_as, people):
    response = client_as("admin").post(
        "/admin/users/new",
        data={
            "email": people.staff_policy.email.upper(),
            "name": "Someone Typed This",
            "business_unit": "",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert f"Someone is already registered with {people.staff_policy.email}" in page
    assert 'href="#email"' in page  # the summary links to the field
    assert 'value="Someone Typed This"' in page


def test_missing_name_gets_a_message(client_as):
    page = (
        client_as("admin")
        .post(
            "/admin/users/new",
            data={"email": "x@example.govt.nz", "name": ""},
        )
        .get_data(as_text=True)
    )
    assert "Enter the person&#39;s name." in page
    assert 'value="x@example.govt.nz"' in page


def test_overlapping_appointment_refused_with_a_clear_message(client_as, people, db):
    response = client_as("admin").post(
        "/admin/appointments/new",
        data={
            "user": str(people.dce_policy.id),
            "office": "chief-executive",
            "business_unit": "",
            "starts_on": "2026-01-01",
            "ends_on": "",
        },
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Priya Sharma already holds a substantive appointment as Chief Executive" in page
    count = db.session.scalar(
        select(Appointment).where(
            Appointment.user_id == people.dce_policy.id, Appointment.office == "chief-executive"
        )
    )
    assert count is None


def test_admin_ends_an_appointment_and_the_office_is_vacated(client_as, people, db):
    from registry.auth.models import Office
    from registry.auth.offices import agency_today, holders

    appointment = holders(Office.MANAGER_COMMUNICATIONS)[0]
    yesterday = agency_today().toordinal() - 1
    from datetime import date

    response = client_as("admin").post(
        f"/admin/appointments/{appointment.id}/end",
        data={"ends_on": date.fromordinal(yesterday).isoformat()},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert holders(Office.MANAGER_COMMUNICATIONS) == []


def test_deactivating_yourself_is_refused(client_as, people):
    page = (
        client_as("admin")
        .post(
            f"/admin/users/{people.admin.id}",
            data={"name": "Aroha Ngata", "business_unit": ""},
        )
        .get_data(as_text=True)
    )
    assert "You cannot deactivate your own account." in page


def test_unknown_ids_are_404(client_as):
    admin = client_as("admin")
    assert admin.get("/admin/users/99999").status_code == 404
    assert admin.get("/admin/units/99999").status_code == 404
    assert admin.get("/admin/appointments/99999/end").status_code == 404
