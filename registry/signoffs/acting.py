"""Who holds each signing office for a proposal now, and who is acting in one: said on the
sign-off page to everyone, so the substantive holder knows someone else can sign meanwhile."""

from __future__ import annotations

from flask_babel import gettext as _

from registry.auth.models import Appointment, Office
from registry.auth.offices import holders
from registry.proposals.models import Proposal
from registry.signoffs.models import SIGNING_OFFICES
from registry.timeutil import format_date


class OfficeHolders:
    """The holders of the signing offices, asked once per office and unit for a request: a
    queue of fifty proposals from three units asks five times, not a hundred and fifty."""

    def __init__(self) -> None:
        self._found: dict[tuple[Office, int | None], list[Appointment]] = {}

    def of(self, office: Office, proposal: Proposal) -> list[Appointment]:
        unit_id = proposal.business_unit_id if office is Office.DCE else None
        key = (office, unit_id)
        if key not in self._found:
            self._found[key] = holders(office, None, unit_id)
        return self._found[key]


def acting_notes(proposal: Proposal, offices: OfficeHolders | None = None) -> list[str]:
    """One sentence for each acting appointment in an office that signs ``proposal``."""
    offices = offices or OfficeHolders()
    notes = []
    for office in SIGNING_OFFICES:
        for appointment in offices.of(office, proposal):
            if appointment.acting:
                notes.append(acting_sentence(appointment))
    return notes


def acting_sentence(appointment: Appointment) -> str:
    if appointment.ends_on is None:
        return _(
            "%(name)s is %(capacity)s until further notice.",
            name=appointment.user.display_name,
            capacity=appointment.capacity,
        )
    return _(
        "%(name)s is %(capacity)s until %(day)s.",
        name=appointment.user.display_name,
        capacity=appointment.capacity,
        day=format_date(appointment.ends_on),
    )


def others_who_can_sign(
    user_id: int,
    proposal: Proposal,
    open_offices: list[Office],
    exclude: set[int],
    offices: OfficeHolders | None = None,
) -> list[str]:
    """For the offices still open that ``user_id`` holds, everyone else who could give that
    sign-off instead ("Sam Acting, Acting Chief Executive until 14 December 2026")."""
    offices = offices or OfficeHolders()
    named = []
    for office in open_offices:
        found = offices.of(office, proposal)
        if not any(a.user_id == user_id for a in found):
            continue
        for appointment in found:
            if appointment.user_id == user_id or appointment.user_id in exclude:
                continue
            if appointment.acting and appointment.ends_on is not None:
                named.append(
                    _(
                        "%(name)s, %(capacity)s until %(day)s",
                        name=appointment.user.display_name,
                        capacity=appointment.capacity,
                        day=format_date(appointment.ends_on),
                    )
                )
            else:
                named.append(
                    _(
                        "%(name)s, %(capacity)s",
                        name=appointment.user.display_name,
                        capacity=appointment.capacity,
                    )
                )
    return named
