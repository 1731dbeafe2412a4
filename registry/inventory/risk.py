"""Going live or recertifying while the account-security checklist fails.

The checklist protects the agency's ability to get into its own account. When it fails,
the Communications team may still go live or recertify, but only once the Manager
Communications has accepted that risk in writing for that one action: the acceptance
names who, in what capacity, why, and which checks failed, and is used up by the action.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Literal

from flask import current_app
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry.audit.log import record
from registry.auth.models import Office, User
from registry.auth.offices import agency_today, holds, offices_held
from registry.channels.models import Channel, ChannelState
from registry.database import begin_write, locked_row
from registry.errors import ConflictError, ForbiddenError, RegistryError
from registry.extensions import db
from registry.forms import clean_text
from registry.inventory.models import SecurityRiskAcceptance
from registry.inventory.security import (
    CheckItem,
    security_admins,
    security_checklist,
    security_record,
)
from registry.inventory.security_models import AccountSecurity
from registry.timeutil import utcnow

Action = Literal["go-live", "recertify"]
ACTION_WORDS = {"go-live": _l("going live"), "recertify": _l("recertifying")}
ACTION_VERBS = {"go-live": _l("mark it live"), "recertify": _l("recertify it")}
REASON_MAX = 5000


class SecurityRiskNotAccepted(RegistryError):
    """The checklist fails and the Manager Communications has not accepted the risk."""

    def __init__(self, channel: Channel, action: Action, failing: list[str]) -> None:
        super().__init__(
            _(
                "The account-security checklist for %(name)s fails: %(failing)s. Before "
                "%(action)s, fix it (Update account security) or ask the Manager Communications "
                "to accept the risk, with a reason, on the channel page.",
                name=channel.name,
                failing="; ".join(failing),
                action=ACTION_WORDS[action],
            )
        )
        self.failing = failing


def failing_checks(channel: Channel) -> list[str]:
    """The labels of the checklist items that fail now (the same checklist the page shows)."""
    security = security_record(channel)
    checks = security_checklist(
        security, current_app.config["AGENCY_DOMAIN"], agency_today(), security_admins(security)
    )
    return [item.label for item in checks if not item.ok]


@dataclass(frozen=True)
class Safeguards:
    """What the channel page shows of the account's security, read once."""

    security: AccountSecurity | None
    admins: list[User]
    checklist: list[CheckItem]
    action: Action | None  # what a risk accepted now would be for
    covering: SecurityRiskAcceptance | None  # the acceptance that would let it happen
    acceptances: list[SecurityRiskAcceptance]  # every one, newest first


def safeguards_of(channel: Channel) -> Safeguards:
    """The checklist, the acceptance covering the next action and the history: the same
    answers as ``failing_checks``, ``covering_acceptance`` and ``acceptances_of``, from
    three statements instead of six."""
    security = security_record(channel)
    admins = security_admins(security)
    checklist = security_checklist(
        security, current_app.config["AGENCY_DOMAIN"], agency_today(), admins
    )
    acceptances = acceptances_of(channel)
    action = next_action(channel)
    # The latest unused one for the action, in the order acceptances_of gives.
    latest = next((a for a in acceptances if a.action == action and a.used_at is None), None)
    failing = [item.label for item in checklist if not item.ok]
    covering = latest if _covers(latest, failing) else None
    return Safeguards(security, admins, checklist, action, covering, acceptances)


def next_action(channel: Channel) -> Action | None:
    """What a risk accepted now would be for: the go-live, or the next recertification."""
    if channel.state_enum is ChannelState.APPROVED:
        return "go-live"
    if channel.state_enum is ChannelState.ACTIVE:
        return "recertify"
    return None


def covering_acceptance(
    channel: Channel, action: Action, failing: list[str]
) -> SecurityRiskAcceptance | None:
    """The latest unused acceptance for ``action``, if it covers every check failing now: an
    acceptance covers the checks that failed when it was given, not ones that failed since."""
    acceptance = _open_acceptance(channel, action)
    return acceptance if _covers(acceptance, failing) else None


def _covers(acceptance: SecurityRiskAcceptance | None, failing: Iterable[str]) -> bool:
    return acceptance is not None and set(failing) <= set(acceptance.failing)


def _open_acceptance(channel: Channel, action: Action) -> SecurityRiskAcceptance | None:
    return db.session.scalars(
        select(SecurityRiskAcceptance)
        .where(
            SecurityRiskAcceptance.channel_id == channel.id,
            SecurityRiskAcceptance.action == action,
            SecurityRiskAcceptance.used_at.is_(None),
        )
        .order_by(SecurityRiskAcceptance.accepted_at.desc(), SecurityRiskAcceptance.id.desc())
        .limit(1)
    ).first()


def acceptances_of(channel: Channel) -> list[SecurityRiskAcceptance]:
    return list(
        db.session.scalars(
            select(SecurityRiskAcceptance)
            .where(SecurityRiskAcceptance.channel_id == channel.id)
            .order_by(SecurityRiskAcceptance.accepted_at.desc(), SecurityRiskAcceptance.id.desc())
        ).unique()
    )


def accept_risk(channel_id: int, actor: User, reason: str) -> SecurityRiskAcceptance:
    """The Manager Communications accepts the failing checklist for the channel's next
    go-live or recertification."""
    text = str(clean_text(reason or "")).strip()
    begin_write()
    channel = locked_row(Channel, channel_id)
    if channel is None:
        raise RegistryError(_("That channel does not exist."))
    if not holds(actor, Office.MANAGER_COMMUNICATIONS):
        raise ForbiddenError(
            _(
                "Only the Manager Communications (or whoever is acting in that office today) "
                "can accept an account-security risk."
            )
        )
    action = next_action(channel)
    if action is None:
        raise ConflictError(
            _(
                "%(name)s is %(state)s: there is no go-live or recertification to accept a risk "
                "for.",
                name=channel.name,
                state=channel.state_enum.label.lower(),
            )
        )
    failing = failing_checks(channel)
    if not failing:
        raise ConflictError(
            _(
                "The account-security checklist for %(name)s passes: there is no risk to accept.",
                name=channel.name,
            )
        )
    if not text:
        raise RegistryError(
            _("Say why the risk is acceptable: it is kept with the record."), "reason"
        )
    if len(text) > REASON_MAX:
        raise RegistryError(_("Keep the reason under 5,000 characters."), "reason")
    appointment = next(
        a for a in offices_held(actor) if a.office_enum is Office.MANAGER_COMMUNICATIONS
    )
    acceptance = SecurityRiskAcceptance(
        channel_id=channel.id,
        action=action,
        accepted_by_id=actor.id,
        capacity=appointment.capacity,
        acting=appointment.acting,
        reason=text,
        failing_json=json.dumps(failing, ensure_ascii=False),
        accepted_at=utcnow(),
    )
    db.session.add(acceptance)
    db.session.flush()
    record(
        "channel-security-risk-accepted",
        "channel",
        channel.id,
        actor=actor,
        capacity=appointment.capacity,
        covers=action,
        reason=text[:500],
        failing=failing,
    )
    db.session.commit()
    return acceptance


def require_secure_or_accepted(
    channel: Channel, actor: User, action: Action
) -> SecurityRiskAcceptance | None:
    """In the go-live or recertify transaction: pass if the checklist passes, else use up the
    Manager Communications' acceptance for this action. Raises if there is none that covers
    every failing check, or if ``actor`` gave it."""
    failing = failing_checks(channel)
    if not failing:
        return None
    acceptance = covering_acceptance(channel, action, failing)
    if acceptance is None:
        raise SecurityRiskNotAccepted(channel, action, failing)
    if acceptance.accepted_by_id == actor.id:
        # Separation of duties: the person who accepts the risk is not the one who then acts
        # on it, so a Manager Communications who is also in the Communications team cannot
        # both waive the checklist and take the channel live alone.
        raise ForbiddenError(
            _(
                "You accepted this risk as %(capacity)s, so someone else in the Communications "
                "team must %(verb)s: one person cannot both accept the risk and act on it.",
                capacity=acceptance.capacity,
                verb=ACTION_VERBS[action],
            )
        )
    acceptance.used_at = utcnow()
    acceptance.used_by_id = actor.id
    return acceptance
