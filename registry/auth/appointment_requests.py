"""Appointments made on the admin pages: the two-person rule (NIST SP 800-53 AC-5).

Nobody changes their own offices. An appointment to a signing office or to the admin office is
a request until a second administrator — neither the one who asked nor the appointee —
confirms it; until then it gives no power anywhere (see ``offices._covering``). The operator's
command line is the other door (``offices.appoint``), one step and recorded as such.
"""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.audit.log import record
from registry.auth.models import Appointment, BusinessUnit, Office, User
from registry.auth.offices import (
    OWN_OFFICES,
    _forget_offices,
    agency_today,
    appointment_summary,
    check_appointment,
    holds,
)
from registry.database import begin_write, locked_row
from registry.errors import ConflictError, ForbiddenError, RegistryError
from registry.extensions import db
from registry.timeutil import utcnow

NO_POWER_UNTIL_CONFIRMED = _l("It gives no power until another administrator confirms it.")


def _require_admin(actor: User) -> None:
    # The pages check this too; the service does not trust that it was asked from one.
    if not holds(actor, Office.ADMIN):
        raise ForbiddenError(_("Only a registry administrator can change appointments."))


def request_appointment(
    actor: User,
    user: User,
    office: Office,
    starts_on: date,
    ends_on: date | None = None,
    acting: bool = False,
    business_unit: BusinessUnit | None = None,
) -> Appointment:
    """An administrator appoints someone else. Signing and admin offices wait for a second
    administrator; Communications team membership takes effect at once."""
    begin_write()
    _require_admin(actor)
    if user.id == actor.id:
        raise ForbiddenError(str(OWN_OFFICES), "user")
    business_unit = check_appointment(user, office, starts_on, ends_on, acting, business_unit)
    appointment = Appointment(
        user=user,
        office=office.value,
        business_unit=business_unit,
        acting=acting,
        starts_on=starts_on,
        ends_on=ends_on,
        requested_by=actor,
    )
    if not office.needs_second_admin:
        # Team membership signs nothing and approves nothing, and a team member cannot make
        # anyone an officer: one administrator is enough (still never for herself).
        appointment.confirmed_by = actor
        appointment.confirmed_at = utcnow()
        _forget_offices()
    db.session.add(appointment)
    db.session.flush()
    record(
        "appointment-requested" if appointment.is_pending else "appointment-made",
        "appointment",
        appointment.id,
        actor=actor,
        after=appointment_summary(appointment),
        requested_by=actor.email,
        status="pending" if appointment.is_pending else "in force",
    )
    db.session.commit()
    return appointment


def _pending(appointment_id: int) -> Appointment:
    appointment = locked_row(Appointment, appointment_id)
    if appointment is None:
        raise ConflictError(_("That appointment request no longer exists."))
    if appointment.is_cancelled:
        if appointment.cancelled_by is None:
            raise ConflictError(_("someone already cancelled this request."))
        raise ConflictError(
            _(
                "%(name)s already cancelled this request.",
                name=appointment.cancelled_by.display_name,
            )
        )
    if not appointment.is_pending:
        if appointment.confirmed_by is None:
            raise ConflictError(_("the operator already confirmed this appointment."))
        raise ConflictError(
            _(
                "%(name)s already confirmed this appointment.",
                name=appointment.confirmed_by.display_name,
            )
        )
    return appointment


def confirm_appointment(actor: User, appointment_id: int) -> Appointment:
    """A second administrator confirms a request: from now on it gives its power."""
    begin_write()
    _require_admin(actor)
    appointment = _pending(appointment_id)
    if appointment.user_id == actor.id:
        raise ForbiddenError(str(OWN_OFFICES))
    if appointment.requested_by_id == actor.id:
        raise ForbiddenError(
            _(
                "You asked for this appointment, so another administrator must confirm it: no "
                "one person makes an appointment to a signing or administrator office alone."
            )
        )
    if appointment.ends_on is not None and appointment.ends_on < agency_today():
        raise ConflictError(
            _(
                "This appointment ended on %(day)s before it was confirmed. Cancel the request.",
                day=appointment.ends_on.isoformat(),
            )
        )
    # Anything made since the request (the operator's command line, say) may now overlap it,
    # or the person may have been deactivated: then confirming would be wrong, not just late.
    try:
        check_appointment(
            appointment.user,
            appointment.office_enum,
            appointment.starts_on,
            appointment.ends_on,
            appointment.acting,
            appointment.business_unit,
            exclude=appointment,
        )
    except RegistryError as error:
        raise ConflictError(_("%(reason)s Cancel this request.", reason=error.message)) from None
    _forget_offices()
    appointment.confirmed_by = actor
    appointment.confirmed_at = utcnow()
    record(
        "appointment-confirmed",
        "appointment",
        appointment.id,
        actor=actor,
        after=appointment_summary(appointment),
        requested_by=appointment.requested_by.email if appointment.requested_by else None,
        confirmed_by=actor.email,
    )
    db.session.commit()
    return appointment


def cancel_appointment(actor: User, appointment_id: int) -> Appointment:
    """The requester or another administrator withdraws a request; it stays on record."""
    begin_write()
    _require_admin(actor)
    appointment = _pending(appointment_id)
    if appointment.user_id == actor.id:
        raise ForbiddenError(str(OWN_OFFICES))
    appointment.cancelled_by = actor
    appointment.cancelled_at = utcnow()
    record(
        "appointment-cancelled",
        "appointment",
        appointment.id,
        actor=actor,
        after=appointment_summary(appointment),
        requested_by=appointment.requested_by.email if appointment.requested_by else None,
        cancelled_by=actor.email,
    )
    db.session.commit()
    return appointment
