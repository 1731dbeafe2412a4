"""Who holds which office, when. Offices are appointments, never flags on a user."""

from __future__ import annotations

from datetime import date, datetime

from flask import current_app, g, has_request_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import BindParameter, Date, bindparam, or_, select

from registry.audit.log import record
from registry.auth.models import Appointment, BusinessUnit, Office, User
from registry.database import begin_write
from registry.errors import ConflictError, ForbiddenError, RegistryError
from registry.extensions import db
from registry.signals import appointment_ending, office_ended
from registry.timeutil import local_date, utcnow

# The rule, in the words every refusal uses (NIST SP 800-53 AC-5, separation of duties).
# Raised as ``str(OWN_OFFICES)``: a refusal's message is a str in the page's language.
OWN_OFFICES = _l(
    "You cannot change your own offices: another administrator makes or ends your "
    "appointments (nobody changes their own offices)."
)


def agency_today(at: datetime | None = None) -> date:
    """The agency-local date at a moment: appointments run on local calendar days."""
    return local_date(at or utcnow(), current_app.config["AGENCY_TIMEZONE"])


def _covering(day: date | BindParameter):  # noqa: ANN202
    """In force on ``day``: confirmed (a pending or cancelled request gives no power, see
    ``Appointment``) and its dates cover the day. Decisions are taken now, so a confirmed
    appointment counts from its first day; asking about the past is only for the record."""
    return (
        Appointment.confirmed_at.is_not(None)
        & Appointment.cancelled_at.is_(None)
        & (Appointment.starts_on <= day)
        & or_(Appointment.ends_on.is_(None), Appointment.ends_on >= day)
    )


# Built once, with parameters, like _HELD below: every proposal page asks who the
# Communications team are.
_HOLDERS = (
    select(Appointment)
    .join(Appointment.user)
    .where(
        Appointment.office == bindparam("office"),
        _covering(bindparam("day", type_=Date)),
        User.is_active_account,
    )
    .order_by(Appointment.acting, Appointment.starts_on)
)
_HOLDERS_IN_UNIT = _HOLDERS.where(Appointment.business_unit_id == bindparam("unit_id"))


def holders(
    office: Office, at: datetime | None = None, business_unit_id: int | None = None
) -> list[Appointment]:
    """Appointments to ``office`` in force at ``at`` (default now), substantive first.

    Inactive accounts hold nothing: a deactivated person cannot act in an office.
    """
    statement = _HOLDERS_IN_UNIT if office.needs_unit else _HOLDERS
    parameters = {"office": office.value, "day": agency_today(at), "unit_id": business_unit_id}
    return list(db.session.scalars(statement, parameters).unique())


def offices_held(user: User, at: datetime | None = None) -> list[Appointment]:
    """The appointments ``user`` holds at ``at`` (default now).

    "Now" is asked several times a request (permission checks, navigation, services), so it is
    remembered for the request; changing an appointment forgets it.
    """
    if not user.is_active_account:
        return []
    if at is None and has_request_context():
        cache = g.setdefault("offices_held", {})
        if user.id not in cache:
            cache[user.id] = _offices_held(user, None)
        return cache[user.id]
    return _offices_held(user, at)


def _forget_offices() -> None:
    if has_request_context():
        g.pop("offices_held", None)


# Built once, with parameters: every signed-in request asks this, and building the statement
# cost more than the database took to answer it.
_HELD = (
    select(Appointment)
    .where(
        Appointment.user_id == bindparam("user_id"),
        _covering(bindparam("day", type_=Date)),
    )
    .order_by(Appointment.office, Appointment.acting)
)


def _offices_held(user: User, at: datetime | None) -> list[Appointment]:
    held = db.session.scalars(_HELD, {"user_id": user.id, "day": agency_today(at)})
    return list(held.unique())


def holds(user: User, office: Office, at: datetime | None = None) -> bool:
    return any(a.office == office.value for a in offices_held(user, at))


def _ranges_overlap(a_start: date, a_end: date | None, b_start: date, b_end: date | None) -> bool:
    return (a_end is None or b_start <= a_end) and (b_end is None or a_start <= b_end)


def check_appointment(
    user: User,
    office: Office,
    starts_on: date,
    ends_on: date | None,
    acting: bool,
    business_unit: BusinessUnit | None,
    exclude: Appointment | None = None,
) -> BusinessUnit | None:
    """Refuse what would leave two people in one office at once; return the unit it is for.

    Two substantive holders of a single-holder office may not overlap, nor may two acting
    holders; an acting holder may overlap the substantive one (that is what acting means).
    Pending requests count too: a request is neither silently blocked nor silently overtaken
    by a later one — confirm or cancel it first. Cancelled requests do not count.
    """
    if office.needs_unit and business_unit is None:
        raise RegistryError(
            _("Choose the business unit this Deputy Chief Executive is responsible for."),
            "business_unit",
        )
    if not office.needs_unit:
        business_unit = None
    if ends_on is not None and ends_on < starts_on:
        raise RegistryError(_("The end date must be on or after the start date."), "ends_on")
    if not user.is_active_account:
        raise RegistryError(_("%(name)s's account is deactivated.", name=user.display_name), "user")

    query = select(Appointment).where(
        Appointment.office == office.value, Appointment.cancelled_at.is_(None)
    )
    if exclude is not None:
        query = query.where(Appointment.id != exclude.id)
    if office.single_holder:
        query = query.where(Appointment.acting == acting)
        if business_unit is not None:
            query = query.where(Appointment.business_unit_id == business_unit.id)
    else:
        # Team membership and admin: one open appointment per person is enough.
        query = query.where(Appointment.user_id == user.id)
    for other in db.session.scalars(query).unique():
        if not _ranges_overlap(starts_on, ends_on, other.starts_on, other.ends_on):
            continue
        if other.is_pending:
            raise RegistryError(_pending_overlap(other), "starts_on")
        if not office.single_holder:
            raise RegistryError(
                _(
                    "%(name)s already holds %(office)s for those dates.",
                    name=user.display_name,
                    office=office.title,
                ),
                "starts_on",
            )
        raise RegistryError(_overlap(other, acting), "starts_on")
    return business_unit


def _pending_overlap(other: Appointment) -> str:
    """The refusal of an appointment that overlaps a request still waiting for confirmation."""
    values = {
        "name": other.user.display_name,
        "office": other.capacity,
        "start": other.starts_on.isoformat(),
        "end": other.ends_on.isoformat() if other.ends_on else "",
        "asked": other.requested_by.display_name if other.requested_by else _("the operator"),
    }
    if other.ends_on:
        return _(
            "%(name)s has a pending appointment as %(office)s from %(start)s to %(end)s, "
            "requested by %(asked)s. Another administrator confirms or cancels it first.",
            **values,
        )
    return _(
        "%(name)s has a pending appointment as %(office)s from %(start)s with no end date, "
        "requested by %(asked)s. Another administrator confirms or cancels it first.",
        **values,
    )


def _overlap(other: Appointment, acting: bool) -> str:
    """The refusal of a second holder of a single-holder office for the same dates."""
    values = {
        "name": other.user.display_name,
        "office": other.capacity.removeprefix("Acting "),
        "start": other.starts_on.isoformat(),
        "end": other.ends_on.isoformat() if other.ends_on else "",
    }
    if acting and other.ends_on:
        text = _(
            "%(name)s already holds an acting appointment as %(office)s from %(start)s to "
            "%(end)s. End that appointment first, or choose dates that do not overlap.",
            **values,
        )
    elif acting:
        text = _(
            "%(name)s already holds an acting appointment as %(office)s from %(start)s with no "
            "end date. End that appointment first, or choose dates that do not overlap.",
            **values,
        )
    elif other.ends_on:
        text = _(
            "%(name)s already holds a substantive appointment as %(office)s from %(start)s to "
            "%(end)s. End that appointment first, or choose dates that do not overlap.",
            **values,
        )
    else:
        text = _(
            "%(name)s already holds a substantive appointment as %(office)s from %(start)s "
            "with no end date. End that appointment first, or choose dates that do not overlap.",
            **values,
        )
    return text


OPERATOR = "operator (command line)"


def appoint(
    user: User,
    office: Office,
    starts_on: date,
    ends_on: date | None = None,
    acting: bool = False,
    business_unit: BusinessUnit | None = None,
) -> Appointment:
    """The operator's door (``flask registry appoint``): in force at once, in one step.

    Whoever has shell access to the registry already controls it, so a second person adds
    nothing here; the audit log records the door. The admin pages use
    ``registry.auth.appointment_requests`` instead (two-person rule).
    """
    begin_write()
    business_unit = check_appointment(user, office, starts_on, ends_on, acting, business_unit)
    _forget_offices()
    appointment = Appointment(
        user=user,
        office=office.value,
        business_unit=business_unit,
        acting=acting,
        starts_on=starts_on,
        ends_on=ends_on,
        confirmed_at=utcnow(),
    )
    db.session.add(appointment)
    db.session.flush()
    record(
        "appointment-made",
        "appointment",
        appointment.id,
        actor=None,
        actor_label=OPERATOR,
        via="command line",
        after=appointment_summary(appointment),
    )
    db.session.commit()
    return appointment


def end_appointment(appointment: Appointment, ends_on: date, actor: User | None = None) -> None:
    """End an appointment on a date (inclusive); the record stays as history.

    Ending takes power away, so one administrator may do it — never on their own offices.
    """
    begin_write()
    if actor is not None and actor.id == appointment.user_id:
        raise ForbiddenError(str(OWN_OFFICES), "ends_on")
    if not appointment.in_force:
        raise ConflictError(
            _("This appointment never took effect: cancel the request instead."), "ends_on"
        )
    if ends_on < appointment.starts_on:
        raise RegistryError(_("The end date must be on or after the start date."), "ends_on")
    if appointment.ends_on is not None and appointment.ends_on < ends_on:
        raise RegistryError(
            _("This appointment already ended; make a new appointment to extend it."), "ends_on"
        )
    # Sign-offs refuse an end that would fall before one given in this office.
    appointment_ending.send(appointment, ends_on=ends_on)
    before = appointment_summary(appointment)
    _forget_offices()
    appointment.ends_on = ends_on
    record(
        "appointment-ended",
        "appointment",
        appointment.id,
        actor=actor,
        before=before,
        after=appointment_summary(appointment),
    )
    office_ended.send(appointment, actor=actor)
    db.session.commit()


def appointment_summary(appointment: Appointment) -> dict:
    """What the audit log keeps about an appointment."""
    return {
        "user": appointment.user.email,
        "capacity": appointment.capacity,
        "starts_on": appointment.starts_on.isoformat(),
        "ends_on": appointment.ends_on.isoformat() if appointment.ends_on else None,
    }
