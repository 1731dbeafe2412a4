"""Election periods, and the guidance every channel follows while one is in force."""

from __future__ import annotations

from datetime import date

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry.audit.log import record
from registry.auth.models import User
from registry.auth.offices import agency_today
from registry.database import begin_write
from registry.elections.models import ElectionPeriod
from registry.errors import RegistryError
from registry.extensions import db
from registry.timeutil import format_date

# The points of the Public Service Commission's general election guidance that bear on a
# channel, in the words the Communications team uses.
ELECTION_GUIDANCE = (
    _l(
        "Keep likes, follows, shares and comments politically neutral: do not like, share or "
        "reply to posts by political parties, candidates or their campaigns."
    ),
    _l(
        "Do not publish anything that could be seen as supporting or opposing a party, "
        "candidate or policy position in the election."
    ),
    _l(
        "Check new campaigns, announcements and paid promotion with the Communications team "
        "and the Manager Communications before they go out."
    ),
    _l(
        "Treat candidates who comment or ask for information like any other member of the "
        "public, and refer media enquiries to the Communications team."
    ),
)


def election_period_on(day: date) -> ElectionPeriod | None:
    return db.session.scalar(
        select(ElectionPeriod)
        .where(ElectionPeriod.starts_on <= day, ElectionPeriod.ends_on >= day)
        .order_by(ElectionPeriod.starts_on)
    )


def current_election_period() -> ElectionPeriod | None:
    return election_period_on(agency_today())


def election_periods() -> list[ElectionPeriod]:
    return list(
        db.session.scalars(select(ElectionPeriod).order_by(ElectionPeriod.starts_on.desc()))
    )


def create_election_period(
    name: str, starts_on: date, ends_on: date, actor: User
) -> ElectionPeriod:
    begin_write()
    name = " ".join(name.split())
    if not name:
        raise RegistryError(_("Name the election period, e.g. “2026 general election”."), "name")
    if ends_on < starts_on:
        raise RegistryError(_("The end date must be on or after the start date."), "ends_on")
    clash = db.session.scalar(
        select(ElectionPeriod).where(
            ElectionPeriod.starts_on <= ends_on, ElectionPeriod.ends_on >= starts_on
        )
    )
    if clash is not None:
        raise RegistryError(
            _(
                "It overlaps “%(name)s” (%(start)s to %(end)s).",
                name=clash.name,
                start=format_date(clash.starts_on),
                end=format_date(clash.ends_on),
            ),
            "starts_on",
        )
    period = ElectionPeriod(name=name, starts_on=starts_on, ends_on=ends_on, created_by_id=actor.id)
    db.session.add(period)
    db.session.flush()
    record(
        "election-period-created",
        "election_period",
        period.id,
        actor=actor,
        after={"name": name, "starts_on": starts_on.isoformat(), "ends_on": ends_on.isoformat()},
    )
    db.session.commit()
    return period
