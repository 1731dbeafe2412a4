"""Who holds which office, when: appointments, acting, overlap, deactivation."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from registry.auth import services
from registry.auth.models import Office
from registry.auth.offices import appoint, end_appointment, holders, holds, offices_held
from registry.errors import ConflictError, ForbiddenError, RegistryError
from tests import factories


def at(day: str, hour: int = 12) -> datetime:
    """A moment on an NZ calendar day (noon NZ is around midnight UTC, so use 00:00 UTC+)."""
    d = date.fromisoformat(day)
    return datetime(d.year, d.month, d.day, hour, tzinfo=UTC)


def test_who_holds_an_office_at_a_time(db):
    alice = factories.make_user("alice")
    bob = factories.make_user("bob")
    appoint(alice, Office.CHIEF_EXECUTIVE, date(2025, 1, 1), date(2025, 12, 31))
    appoint(bob, Office.CHIEF_EXECUTIVE, date(2026, 1, 1))
    assert [a.user.email for a in holders(Office.CHIEF_EXECUTIVE, at("2025-06-01"))] == [
        "alice@example.govt.nz"
    ]
    assert [a.user.email for a in holders(Office.CHIEF_EXECUTIVE, at("2026-06-01"))] == [
        "bob@example.govt.nz"
    ]
    assert holders(Office.CHIEF_EXECUTIVE, at("2024-06-01")) == []


def test_end_date_is_inclusive_in_nz_time(db):
    alice = factories.make_user("alice")
    appoint(alice, Office.MANAGER_COMMUNICATIONS, date(2026, 3, 1), date(2026, 3, 14))
    # 14 March 23:30 NZDT is 14 March 10:30 UTC: still in office.
    assert holders(Office.MANAGER_COMMUNICATIONS, datetime(2026, 3, 14, 10, 30, tzinfo=UTC))
    # 14 March 12:30 UTC is 15 March 01:30 NZDT: no longer.
    assert not holders(Office.MANAGER_COMMUNICATIONS, datetime(2026, 3, 14, 12, 30, tzinfo=UTC))


def test_acting_appointment_overlaps_the_substantive_one_and_says_acting(db):
    ce = factories.make_user("ce")
    acting = factories.make_user("acting")
    appoint(ce, Office.CHIEF_EXECUTIVE, date(2026, 1, 1))
    appoint(acting, Office.CHIEF_EXECUTIVE, date(2026, 3, 1), date(2026, 3, 14), acting=True)
    during = holders(Office.CHIEF_EXECUTIVE, at("2026-03-05"))
    assert [(a.user.email, a.acting) for a in during] == [
        ("ce@example.govt.nz", False),
        ("acting@example.govt.nz", True),
    ]
    assert during[1].capacity == "Acting Chief Executive"
    assert [a.capacity for a in offices_held(acting, at("2026-03-20"))] == []


def test_overlapping_substantive_appointments_are_refused(db):
    ce = factories.make_user("ce")
    other = factories.make_user("other")
    appoint(ce, Office.CHIEF_EXECUTIVE, date(2026, 1, 1), date(2026, 6, 30))
    with pytest.raises(RegistryError, match="Ce already holds a substantive appointment"):
        appoint(other, Office.CHIEF_EXECUTIVE, date(2026, 6, 30))
    appoint(other, Office.CHIEF_EXECUTIVE, date(2026, 7, 1))  # the day after is fine


def test_two_acting_holders_at_once_are_refused(db):
    a, b = factories.make_user("a"), factories.make_user("b")
    appoint(a, Office.CHIEF_EXECUTIVE, date(2026, 3, 1), date(2026, 3, 14), acting=True)
    with pytest.raises(RegistryError, match="acting appointment"):
        appoint(b, Office.CHIEF_EXECUTIVE, date(2026, 3, 10), date(2026, 3, 20), acting=True)


def test_dce_is_per_business_unit(db):
    pol, cen = factories.make_unit("POL"), factories.make_unit("CEN")
    a, b = factories.make_user("a"), factories.make_user("b")
    appoint(a, Office.DCE, date(2026, 1, 1), business_unit=pol)
    appoint(b, Office.DCE, date(2026, 1, 1), business_unit=cen)  # another unit: no clash
    assert [x.user_id for x in holders(Office.DCE, at("2026-02-01"), pol.id)] == [a.id]
    assert offices_held(a, at("2026-02-01"))[0].capacity == "Deputy Chief Executive, Unit POL"
    with pytest.raises(RegistryError, match="Choose the business unit"):
        appoint(b, Office.DCE, date(2026, 1, 1))


def test_end_before_start_is_refused(db):
    a = factories.make_user("a")
    with pytest.raises(RegistryError, match="on or after the start date"):
        appoint(a, Office.ADMIN, date(2026, 3, 1), date(2026, 2, 1))
    appointment = appoint(a, Office.ADMIN, date(2026, 3, 1))
    with pytest.raises(RegistryError, match="on or after the start date"):
        end_appointment(appointment, date(2026, 2, 1))


def test_a_deactivated_person_holds_no_office(db):
    admin = factories.make_user("admin")
    ce = factories.make_user("ce")
    appoint(ce, Office.CHIEF_EXECUTIVE, date(2026, 1, 1))
    services.update_user(ce, admin, "Ce", None, active=False)
    assert holders(Office.CHIEF_EXECUTIVE, at("2026-02-01")) == []
    assert offices_held(ce, at("2026-02-01")) == []


def test_a_pending_or_cancelled_request_holds_nothing_until_confirmed(db):
    from registry.auth import appointment_requests

    first, second = factories.make_user("first"), factories.make_user("second")
    appoint(first, Office.ADMIN, date(2026, 1, 1))
    appoint(second, Office.ADMIN, date(2026, 1, 1))
    kiri, tui = factories.make_user("kiri"), factories.make_user("tui")
    asked = appointment_requests.request_appointment(
        first, kiri, Office.CHIEF_EXECUTIVE, date(2026, 1, 1)
    )
    assert asked.is_pending
    assert holders(Office.CHIEF_EXECUTIVE) == []
    assert not holds(kiri, Office.CHIEF_EXECUTIVE)
    assert offices_held(kiri) == []

    dropped = appointment_requests.request_appointment(
        first, tui, Office.MANAGER_COMMUNICATIONS, date(2026, 1, 1)
    )
    appointment_requests.cancel_appointment(second, dropped.id)
    assert holders(Office.MANAGER_COMMUNICATIONS) == []
    with pytest.raises(ConflictError, match="already cancelled"):
        appointment_requests.confirm_appointment(second, dropped.id)

    appointment_requests.confirm_appointment(second, asked.id)
    assert [a.user_id for a in holders(Office.CHIEF_EXECUTIVE)] == [kiri.id]
    assert holds(kiri, Office.CHIEF_EXECUTIVE)


def test_the_two_person_rule_holds_without_the_pages(db):
    from registry.auth import appointment_requests

    admin, other = factories.make_user("admin"), factories.make_user("other")
    appoint(admin, Office.ADMIN, date(2026, 1, 1))
    with pytest.raises(ForbiddenError, match="cannot change your own offices"):
        appointment_requests.request_appointment(
            admin, admin, Office.CHIEF_EXECUTIVE, date(2026, 1, 1)
        )
    with pytest.raises(ForbiddenError, match="Only a registry administrator"):
        appointment_requests.request_appointment(
            other, admin, Office.CHIEF_EXECUTIVE, date(2026, 1, 1)
        )
    asked = appointment_requests.request_appointment(
        admin, other, Office.CHIEF_EXECUTIVE, date(2026, 1, 1)
    )
    with pytest.raises(ForbiddenError, match="another administrator must confirm"):
        appointment_requests.confirm_appointment(admin, asked.id)
    assert not holds(other, Office.CHIEF_EXECUTIVE)
