"""An outside reviewer trying to break the registry's promises through its own doors.

Each test is one attempt that once worked (or still does, marked xfail with the reason).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from registry.auth.models import Appointment, Office, User
from registry.auth.offices import agency_today, holds
from tests import factories

KNOWN = "chosen-by-aroha-2026"  # noqa: S105 - a password one administrator typed


def _sign_in(app: Flask, email: str, password: str = factories.PASSWORD) -> FlaskClient:
    client = app.test_client()
    response = client.post("/sign-in", data={"email": email, "password": password})
    assert response.status_code == 302, f"{email} could not sign in"
    return client


def _ask(client: FlaskClient, user: User, office: str) -> None:
    today = agency_today()
    response = client.post(
        "/admin/appointments/new",
        data={
            "user": str(user.id),
            "office": office,
            "business_unit": "",
            "starts_on": today.isoformat(),
            "ends_on": (today + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code in (200, 302)


def _pending_for(db, user: User) -> Appointment | None:  # noqa: ANN001
    db.session.rollback()
    return db.session.scalar(
        select(Appointment).where(
            Appointment.user_id == user.id,
            Appointment.confirmed_at.is_(None),
            Appointment.cancelled_at.is_(None),
        )
    )


@pytest.mark.xfail(
    strict=True,
    reason="An administrator who typed a person's first password can still sign in as them "
    "once a second administrator confirms them as an administrator: a password set on the "
    "admin pages is not one-time. Needs first-sign-in password change (or officers' "
    "passwords set only by the operator) — larger than a patch.",
)
def test_an_admin_cannot_become_two_admins_through_a_password_she_typed(app, client_as, people, db):
    """Aroha creates an account with a password she chose, asks for it to be made an
    administrator, and Wiremu (a real second administrator) confirms a plausible request.
    Aroha can then sign in as that account and confirm her own requests: one person."""
    wiremu = factories.make_user("wiremu.admin", people.corporate, "Wiremu Pohe")
    factories.appoint(wiremu, Office.ADMIN)
    aroha = client_as("admin")
    created = aroha.post(
        "/admin/users/new",
        data={
            "email": "rangi.admin@example.govt.nz",
            "name": "Rangi Admin",
            "business_unit": str(people.corporate.id),
            "password": KNOWN,
        },
    )
    assert created.status_code == 302
    rangi = db.session.scalar(select(User).where(User.email == "rangi.admin@example.govt.nz"))
    _ask(aroha, rangi, "admin")
    request = _pending_for(db, rangi)
    if request is not None:
        _sign_in(app, wiremu.email).post(f"/admin/appointments/{request.id}/confirm")

    # Aroha, now also "Rangi", asks for another account of hers as administrator and
    # confirms it herself; from there she confirms any officer she likes.
    puppet = factories.make_user("puppet.staff", people.corporate, "Puppet")
    _ask(aroha, puppet, "admin")
    ce_request = _pending_for(db, puppet)
    assert ce_request is not None
    as_rangi = app.test_client()
    as_rangi.post("/sign-in", data={"email": rangi.email, "password": KNOWN})
    as_rangi.post(f"/admin/appointments/{ce_request.id}/confirm")
    db.session.rollback()
    assert not holds(puppet, Office.ADMIN)
