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


def test_an_admin_cannot_become_two_admins_through_a_password_she_typed(
    app, client_as, people, db, mailbox
):
    """Aroha creates an account with a password she chose, asks for it to be made an
    administrator, and Wiremu (a real second administrator) confirms a plausible request.
    Aroha could then sign in as that account and confirm her own requests: one person.

    Now the admin pages take no password: the account's invitation goes to its own mailbox,
    and a reset does too, so Aroha never knows a password to sign in with."""
    wiremu = factories.make_user("wiremu.admin", people.corporate, "Wiremu Pohe")
    factories.appoint(wiremu, Office.ADMIN)
    aroha = client_as("admin")
    created = aroha.post(
        "/admin/users/new",
        data={
            "email": "rangi.admin@example.govt.nz",
            "name": "Rangi Admin",
            "business_unit": str(people.corporate.id),
            "password": KNOWN,  # sent by hand: the form has no such field
        },
    )
    assert created.status_code == 302
    rangi = db.session.scalar(select(User).where(User.email == "rangi.admin@example.govt.nz"))
    _ask(aroha, rangi, "admin")
    request = _pending_for(db, rangi)
    if request is not None:
        _sign_in(app, wiremu.email).post(f"/admin/appointments/{request.id}/confirm")
    # Her other way in: reset the password she did not type. The link goes to Rangi's mailbox.
    aroha.post(f"/admin/users/{rangi.id}/reset-password")
    assert "/invitation/" not in aroha.get(f"/admin/users/{rangi.id}").get_data(as_text=True)
    assert {address for m in mailbox.messages for address in m.recipients} == {rangi.email}

    # Aroha, now also "Rangi", asks for another account of hers as administrator and
    # confirms it herself; from there she confirms any officer she likes.
    puppet = factories.make_user("puppet.staff", people.corporate, "Puppet")
    _ask(aroha, puppet, "admin")
    ce_request = _pending_for(db, puppet)
    assert ce_request is not None
    as_rangi = app.test_client()
    signed = as_rangi.post("/sign-in", data={"email": rangi.email, "password": KNOWN})
    assert signed.status_code == 200  # refused: the password she typed was never set
    as_rangi.post(f"/admin/appointments/{ce_request.id}/confirm")
    db.session.rollback()
    assert not holds(puppet, Office.ADMIN)


LOOKALIKE = "https://facebook.com.evil.example/MECPasifika"


@pytest.fixture
def live_with_stored_lookalike(client_as, people, db):  # noqa: ANN001, ANN201
    """A live, chartered channel whose stored address is a lookalike, as a row written before
    the Channel URL check (or by hand in the database) would be."""
    from sqlalchemy import update

    from registry.channels.models import Channel
    from tests.workflow import live_channel

    channel = live_channel(client_as, people)
    db.session.execute(
        update(Channel).where(Channel.id == channel.id).values(channel_url=LOOKALIKE)
    )
    db.session.commit()
    db.session.expire_all()
    return db.session.get(Channel, channel.id)


def test_the_lookup_by_handle_does_not_link_a_stored_lookalike_as_official(
    app, client, live_with_stored_lookalike
):
    """Asked "is @MECPasifika official?", the public lookup said yes and linked the lookalike
    address: a person following the registry's own link landed on someone else's page."""
    app.config["PUBLIC_REGISTER_ENABLED"] = True
    try:
        page = client.get("/register/", query_string={"account": "MECPasifika"}).get_data(
            as_text=True
        )
    finally:
        app.config["PUBLIC_REGISTER_ENABLED"] = False
    assert "Yes — this is an official" in page  # the handle is ours
    assert 'href="https://facebook.com.evil.example' not in page


def test_the_charter_verify_page_does_not_link_a_stored_lookalike(
    app, client, live_with_stored_lookalike, db
):
    """The public verify page of a charter in force linked the stored address as the
    channel's, vouching for a lookalike with the charter's authority."""
    from registry.charters.models import Charter

    charter = db.session.scalar(
        select(Charter).where(Charter.proposal_id == live_with_stored_lookalike.proposal_id)
    )
    app.config["PUBLIC_REGISTER_ENABLED"] = True  # the public sees the channel's details
    try:
        response = client.get(f"/charters/{charter.number}/verify")
    finally:
        app.config["PUBLIC_REGISTER_ENABLED"] = False
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "MEC Pasifika" in page
    assert 'href="https://facebook.com.evil.example' not in page


def _lookup(app, client, account: str) -> str:  # noqa: ANN001
    app.config["PUBLIC_REGISTER_ENABLED"] = True
    try:
        return client.get("/register/", query_string={"account": account}).get_data(as_text=True)
    finally:
        app.config["PUBLIC_REGISTER_ENABLED"] = False


def test_a_scheduled_closure_is_stated_publicly_and_takes_effect_on_its_day(
    app, client, client_as, people, db
):
    """A closure scheduled for a later date left the lookup and the verify page saying plain
    "official"/"Active" — and still "official" after the day came, until the daily command
    ran — although the public pages promise the closing date."""
    from sqlalchemy import update

    from registry.channels.models import Channel
    from registry.charters.models import Charter
    from tests.workflow import live_channel

    channel = live_channel(client_as, people)
    closes_on = agency_today() + timedelta(days=10)
    scheduled = client_as("comms").post(
        f"/channels/{channel.id}/decommission",
        data={
            "decommission-decommissioned_on": closes_on.isoformat(),
            "decommission-reason": "Merged into the main page.",
        },
    )
    assert scheduled.status_code == 302
    day = f"{closes_on.day} {closes_on:%B %Y}"
    page = _lookup(app, client, "MECPasifika")
    assert f"official until {day}, when it closes" in page
    assert "Official channels (1)" in page
    number = db.session.scalar(
        select(Charter.number).where(Charter.proposal_id == channel.proposal_id)
    )
    assert f"Active until {day}, when it closes" in client.get(
        f"/charters/{number}/verify"
    ).get_data(as_text=True)

    # The day has come; the daily command has not run yet.
    yesterday = agency_today() - timedelta(days=1)
    db.session.execute(
        update(Channel).where(Channel.id == channel.id).values(closure_scheduled_on=yesterday)
    )
    db.session.commit()
    page = _lookup(app, client, "MECPasifika")
    assert f"was ours, closed on {yesterday.day} {yesterday:%B %Y}" in page
    assert "Yes — this is an official" not in page
    assert "Official channels (0)" in page  # the register lists exactly what is official


def test_one_person_cannot_make_an_official_channel_through_the_spreadsheet_import(
    app, client, client_as, people, db
):
    """One Communications team member's CSV import made a channel active and "official" on
    the public register and lookup with no second person. Now the import waits for the
    Manager Communications, who is someone else, to confirm it."""
    from tests.workflow import confirm_import, submit_import

    comms = client_as("comms")
    sheet = (
        "Name,Platform,Handle,URL,Business unit,Liaison email,Date started\r\n"
        "MEC Giveaways,Facebook,MECGiveaways,https://www.facebook.com/MECGiveaways,POL,"
        "mere.comms@example.govt.nz,2019-07-01\r\n"
    )
    batch_id = submit_import(comms, sheet)
    page = _lookup(app, client, "https://www.facebook.com/MECGiveaways")
    assert "Yes — this is an official" not in page, "one person's import is not official"
    assert confirm_import(comms, batch_id).status_code == 403

    assert confirm_import(client_as("manager"), batch_id).status_code == 302
    page = _lookup(app, client, "https://www.facebook.com/MECGiveaways")
    assert "Yes — this is an official" in page, "a second person's confirmation makes it so"


def _user_form(client: FlaskClient, user: User) -> dict[str, str]:
    """The edit form as the page fills it, hidden fields included."""
    import re

    page = client.get(f"/admin/users/{user.id}").get_data(as_text=True)
    hidden = {
        name: value
        for tag in re.findall(r"<input[^>]*>", page)
        if 'type="hidden"' in tag
        for name, value in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', tag)
        if name != "csrf_token"
    }
    form = {
        **hidden,
        "name": user.display_name,
        "business_unit": str(user.business_unit_id or ""),
    }
    if user.is_active_account:
        form["active"] = "y"
    return form


def test_a_stale_tab_cannot_silently_reactivate_a_deactivated_officer(app, client_as, people, db):
    """Wiremu opens Daniel's account to fix a typo in his name; meanwhile Aroha deactivates
    Daniel, who has left. Wiremu's save carried "active" from the page he loaded, and brought
    the departed DCE back to life without anyone deciding so."""
    wiremu = factories.make_user("wiremu.admin", people.corporate, "Wiremu Pohe")
    factories.appoint(wiremu, Office.ADMIN)
    stale_tab = _sign_in(app, wiremu.email)
    stale = _user_form(stale_tab, people.dce_policy)
    assert stale.get("version"), "the page says which version of the account it shows"

    aroha = client_as("admin")
    deactivate = _user_form(aroha, people.dce_policy)
    deactivate.pop("active")
    assert aroha.post(f"/admin/users/{people.dce_policy.id}", data=deactivate).status_code == 302

    stale["name"] = "Daniel Chen-Li"
    response = stale_tab.post(f"/admin/users/{people.dce_policy.id}", data=stale)
    page = response.get_data(as_text=True)
    assert response.status_code in (200, 409)
    assert "There is a problem" in page
    assert "changed since you opened" in page
    assert 'value="Daniel Chen-Li"' in page  # what he typed is kept
    db.session.expire_all()
    daniel = db.session.get(User, people.dce_policy.id)
    assert not daniel.is_active_account
    assert daniel.display_name == "Daniel Chen"


def test_ending_an_appointment_cannot_be_back_dated_before_a_sign_off_given_in_it(
    client_as, people, db
):
    """Priya signs off as Chief Executive today; an administrator then ends her appointment
    as of last week. The record would say she was not Chief Executive when she signed, while
    her sign-off (and the charter) say she was: history silently rewritten."""
    from tests.workflow import decide, submitted_proposal

    proposal = submitted_proposal(client_as, people)
    assert decide(client_as("ce"), proposal, capacity="chief-executive").status_code == 302
    (appointment,) = [a for a in people.ce.appointments if a.office == Office.CHIEF_EXECUTIVE.value]
    last_week = agency_today() - timedelta(days=7)
    response = client_as("admin").post(
        f"/admin/appointments/{appointment.id}/end", data={"ends_on": last_week.isoformat()}
    )
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Priya Sharma acted as Chief Executive on" in page
    assert f'value="{last_week.isoformat()}"' in page  # what was typed is kept
    db.session.expire_all()
    assert db.session.get(Appointment, appointment.id).ends_on is None

    # Ending it today (the day of her last act) is fine.
    today = client_as("admin").post(
        f"/admin/appointments/{appointment.id}/end", data={"ends_on": agency_today().isoformat()}
    )
    assert today.status_code == 302


def test_reactivating_an_account_does_not_give_back_a_signing_office_on_one_word(
    client_as, people, db
):
    """Deactivating the Chief Executive takes her power away; one administrator ticking
    "Account active" again gave it back — a signing office restored with no second
    administrator, although making that appointment needs one."""
    aroha = client_as("admin")
    off = _user_form(aroha, people.ce)
    off.pop("active")
    assert aroha.post(f"/admin/users/{people.ce.id}", data=off).status_code == 302
    db.session.expire_all()
    assert not holds(db.session.get(User, people.ce.id), Office.CHIEF_EXECUTIVE)

    back = _user_form(aroha, db.session.get(User, people.ce.id))
    back["active"] = "y"
    response = aroha.post(f"/admin/users/{people.ce.id}", data=back)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "Chief Executive" in page and "second administrator" in page
    db.session.expire_all()
    priya = db.session.get(User, people.ce.id)
    assert not priya.is_active_account
    assert not holds(priya, Office.CHIEF_EXECUTIVE)


def _security_form(client: FlaskClient, channel_id: int) -> dict:
    """The account-security form as its page fills it, hidden fields included."""
    import re

    page = client.get(f"/channels/{channel_id}/security").get_data(as_text=True)
    form: dict = {
        name: value
        for tag in re.findall(r"<input[^>]*>", page)
        if 'type="hidden"' in tag
        for name, value in re.findall(r'name="(\w+)"[^>]*value="([^"]*)"', tag)
        if name != "csrf_token"
    }
    ticked = [tag for tag in re.findall(r"<input[^>]*>", page) if " checked" in tag]
    form["admins"] = [
        re.search(r'value="(\d+)"', tag).group(1) for tag in ticked if 'name="admins"' in tag
    ]
    if any('name="mfa_enabled"' in tag for tag in ticked):
        form["mfa_enabled"] = "y"
    for name in ("recovery_email", "credentials_reference", "last_access_review"):
        found = re.search(rf'name="{name}"[^>]*value="([^"]*)"', page)
        form[name] = found.group(1) if found else ""
    return form


def test_a_stale_tab_cannot_silently_undo_a_failing_account_security_record(client_as, people, db):
    """Mere records that MFA is off on the platform (the checklist now fails, so nobody
    recertifies without the Manager Communications accepting the risk). Hemi's tab, opened
    before, saves a new vault reference — and MFA "on" from the page he loaded, silently
    making the checklist pass again."""
    from registry.inventory.security import security_record
    from tests.workflow import live_channel

    channel = live_channel(client_as, people)
    hemi = client_as("manager")  # also in the Communications team
    stale = _security_form(hemi, channel.id)
    assert stale.get("mfa_enabled") == "y" and stale.get("version")

    mere = client_as("comms")
    found = _security_form(mere, channel.id)
    found.pop("mfa_enabled")
    assert mere.post(f"/channels/{channel.id}/security", data=found).status_code == 302

    stale["credentials_reference"] = "Comms vault, item MEC Pasifika (moved)"
    response = hemi.post(f"/channels/{channel.id}/security", data=stale)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert "changed since you opened" in page
    assert "Comms vault, item MEC Pasifika (moved)" in page  # what he typed is kept
    db.session.expire_all()
    record = security_record(db.session.get(type(channel), channel.id))
    assert record.mfa_enabled is False
    assert record.credentials_reference == "Comms vault, item MEC Pasifika"
