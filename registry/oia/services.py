"""Requests for information received through a channel: logging them, the statutory clock,
who may see who asked, and reminders."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import or_, select

from registry.audit.log import record
from registry.auth.models import Office, User
from registry.auth.offices import agency_today, offices_held
from registry.channels.models import Channel
from registry.database import begin_write
from registry.errors import ConflictError, ForbiddenError, NotFoundError, RegistryError
from registry.extensions import db
from registry.inventory.access import is_comms, load_channel
from registry.oia.dates import statutory_due_date, working_days_left
from registry.oia.models import InformationRequest
from registry.timeutil import format_date, local_date

DUE_SOON_WORKING_DAYS = 5


@dataclass(frozen=True)
class RequestStatus:
    label: str
    css: str  # tag-ok, tag-warn, tag-bad, tag-muted
    days_left: int | None


def status_of(request: InformationRequest, today: date | None = None) -> RequestStatus:
    today = today or agency_today()
    if request.responded_on:
        label = _("Responded %(day)s", day=format_date(request.responded_on))
        return RequestStatus(label, "tag-ok", None)
    if request.transferred_on:
        label = _("Transferred %(day)s", day=format_date(request.transferred_on))
        return RequestStatus(label, "tag-muted", None)
    left = working_days_left(today, request.effective_due_on)
    if left < 0:
        label = ngettext("Overdue by %(num)d working day", "Overdue by %(num)d working days", -left)
        return RequestStatus(label, "tag-bad", left)
    if left <= DUE_SOON_WORKING_DAYS:
        label = ngettext(
            "Due soon: %(num)d working day left", "Due soon: %(num)d working days left", left
        )
        return RequestStatus(label, "tag-warn", left)
    label = ngettext("%(num)d working day left", "%(num)d working days left", left)
    return RequestStatus(label, "tag-ok", left)


def log_request(
    channel_id: int,
    actor: User,
    received_at: datetime,
    requester: str,
    summary: str,
    handler_id: int | None,
) -> InformationRequest:
    begin_write()
    channel = db.session.get(Channel, channel_id)
    if channel is None:
        raise RegistryError(_("That channel does not exist."))
    requester = requester.strip()
    summary = summary.strip()
    if not requester:
        raise RegistryError(_("Enter who asked: their handle or name."), "requester")
    if not summary:
        raise RegistryError(_("Summarise what they asked for."), "summary")
    if received_at > datetime.now(received_at.tzinfo) + timedelta(minutes=5):
        raise RegistryError(
            _("The request cannot have been received in the future."), "received_on"
        )
    if handler_id is not None:
        handler = db.session.get(User, handler_id)
        if handler is None or not handler.is_active_account:
            raise RegistryError(_("Choose who handles it from the list."), "handler")
    received_on = local_date(received_at, current_app.config["AGENCY_TIMEZONE"])
    request = InformationRequest(
        channel_id=channel.id,
        received_at=received_at,
        received_on=received_on,
        requester=requester[:300],
        summary=summary[:5000],
        handler_id=handler_id,
        due_on=statutory_due_date(received_on),
        created_by_id=actor.id,
    )
    db.session.add(request)
    db.session.flush()
    record(
        "information-request-logged",
        "channel",
        channel.id,
        actor=actor,
        request=request.reference,
        received_on=received_on.isoformat(),
        due_on=request.due_on.isoformat(),
    )
    db.session.commit()
    return request


def may_handle(user: User, channel: Channel) -> bool:
    """The Communications team, or anyone the channel names (liaison, spokespeople...)."""
    return is_comms(user) or f",{user.id}," in (channel.people_ids or "")


def check_may_handle(user: User, channel: Channel) -> None:
    """403 unless ``user`` may log and handle ``channel``'s information requests."""
    if not may_handle(user, channel):
        raise ForbiddenError(
            _(
                "You are not one of %(channel)s's people or the Communications team, so you "
                "cannot log its information requests or handle them. Nothing was changed; pass "
                "this on to them.",
                channel=channel.name,
            )
        )


def load_request(request_id: int, actor: User) -> InformationRequest:
    """The one loader for an information request: 404 when it does not exist or its channel
    is not one ``actor`` can see (the same answer for both)."""
    request = db.session.get(InformationRequest, request_id)
    if request is None:
        raise NotFoundError(
            _("There is no such information request, or it is not one you can see.")
        )
    load_channel(request.channel_id, actor)
    return request


def _open_request(request_id: int) -> InformationRequest:
    request = db.session.get(InformationRequest, request_id)
    if request is None:
        raise RegistryError(_("That request does not exist."))
    if request.closed:
        raise ConflictError(
            _(
                "%(reference)s is already closed: %(status)s.",
                reference=request.reference,
                status=status_of(request).label.lower(),
            )
        )
    return request


def extend_request(
    request_id: int, actor: User, new_due_on: date, reason: str
) -> InformationRequest:
    begin_write()
    request = _open_request(request_id)
    reason = reason.strip()
    if new_due_on <= request.effective_due_on:
        raise RegistryError(
            _(
                "An extension must be later than the current due date, %(day)s.",
                day=format_date(request.effective_due_on),
            ),
            "new_due_on",
        )
    if not reason:
        raise RegistryError(
            _("Give the reason for the extension (section 15A of the Act)."), "reason"
        )
    request.extended_due_on = new_due_on
    request.extension_reason = reason[:2000]
    record(
        "information-request-extended",
        "channel",
        request.channel_id,
        actor=actor,
        request=request.reference,
        due_on=new_due_on.isoformat(),
        reason=reason[:500],
    )
    db.session.commit()
    return request


def transfer_request(request_id: int, actor: User, on: date, to: str) -> InformationRequest:
    begin_write()
    request = _open_request(request_id)
    to = to.strip()
    if not to:
        raise RegistryError(_("Name the agency the request was transferred to."), "transferred_to")
    if on < request.received_on:
        raise RegistryError(
            _("A transfer cannot come before the request was received."), "transferred_on"
        )
    request.transferred_on = on
    request.transferred_to = to[:300]
    record(
        "information-request-transferred",
        "channel",
        request.channel_id,
        actor=actor,
        request=request.reference,
        to=to[:300],
        on=on.isoformat(),
    )
    db.session.commit()
    return request


def respond_request(request_id: int, actor: User, on: date) -> InformationRequest:
    begin_write()
    request = _open_request(request_id)
    if on < request.received_on:
        raise RegistryError(
            _("A response cannot come before the request was received."), "responded_on"
        )
    if on > agency_today():
        raise RegistryError(_("Record the response once it has been sent."), "responded_on")
    request.responded_on = on
    record(
        "information-request-responded",
        "channel",
        request.channel_id,
        actor=actor,
        request=request.reference,
        on=on.isoformat(),
        late=on > request.effective_due_on,
    )
    db.session.commit()
    return request


def requests_for(channel: Channel) -> list[InformationRequest]:
    return list(
        db.session.scalars(
            select(InformationRequest)
            .where(InformationRequest.channel_id == channel.id)
            .order_by(InformationRequest.received_at.desc())
        ).unique()
    )


def information_contact_id(channel: Channel) -> int | None:
    if not channel.proposal_id:
        return None
    from registry.proposals.models import Proposal

    return db.session.get(Proposal, channel.proposal_id).current_revision.content.get(
        "information_contact_id"
    )


def can_see_requester(user: User, request: InformationRequest) -> bool:
    """Who asked and what they asked for is personal information (Privacy Act 2020): only
    the Communications team, the request's handler and the channel's information-requests
    contact see it. Everyone else who can see the channel sees that the request exists."""
    if request.handler_id == user.id:
        return True
    if any(a.office_enum is Office.COMMUNICATIONS_TEAM for a in offices_held(user)):
        return True
    channel = db.session.get(Channel, request.channel_id)
    return channel is not None and information_contact_id(channel) == user.id


def requests_needing_attention(user: User | None = None) -> list[InformationRequest]:
    """Open requests overdue or due within five working days; for ``user``, only theirs
    (handler, or the channel's information-requests contact) unless they are Communications."""
    today = agency_today()
    horizon = today + timedelta(days=14)  # five working days fit in two weeks
    query = select(InformationRequest).where(
        InformationRequest.responded_on.is_(None),
        InformationRequest.transferred_on.is_(None),
        or_(
            InformationRequest.extended_due_on <= horizon,
            (InformationRequest.extended_due_on.is_(None)) & (InformationRequest.due_on <= horizon),
        ),
    )
    requests = [
        r
        for r in db.session.scalars(query.order_by(InformationRequest.due_on)).unique()
        if working_days_left(today, r.effective_due_on) <= DUE_SOON_WORKING_DAYS
    ]
    if user is None:
        return requests
    return [request for request in requests if can_see_requester(user, request)]


def send_oia_reminders() -> list[str]:
    from registry import notifications

    lines = []
    for request in requests_needing_attention():
        channel = db.session.get(Channel, request.channel_id)
        people: list[Any] = [request.handler]
        contact_id = information_contact_id(channel)
        if contact_id:
            people.append(db.session.get(User, contact_id))
        people = [p for p in people if p is not None and p.is_active_account]
        status = status_of(request)
        notifications.send(
            people,
            f"Information request {request.reference}: {status.label}",
            f"{request.requester} asked via {channel.name} on {request.received_on:%-d %B %Y}:\n\n"
            f"{request.summary}\n\nDue {request.effective_due_on:%-d %B %Y} under the Official "
            f"Information Act. {notifications.link(f'/information-requests/{request.id}')}\n",
        )
        names = ", ".join(p.display_name for p in people) or "nobody (no contact named)"
        lines.append(f"{request.reference} ({channel.name}): {status.label}; reminded {names}")
    db.session.commit()  # the reminders' email jobs
    return lines
