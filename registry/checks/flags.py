"""A channel's flags: opened once for a finding, told to the liaison and the Communications
team, kept while the finding is seen again, and closed by a person with a note or by a later
check that finds the channel fine."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from flask_babel import gettext as _
from sqlalchemy import select

from registry import notifications
from registry.audit.log import record
from registry.auth.models import Office, User
from registry.auth.offices import holders
from registry.channels.models import Channel
from registry.checks.models import ChannelCheck, ChannelFlag
from registry.database import begin_write, locked_row
from registry.errors import ConflictError, NotFoundError, RegistryError
from registry.extensions import db
from registry.policy.channel_checks import CheckOutcome, Verdict
from registry.timeutil import utcnow


def plain(seen: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in seen.items() if v not in (None, "")}


def _fingerprint(kind: str, seen: dict[str, Any]) -> str:
    return Verdict(CheckOutcome(kind), seen=seen).fingerprint if kind != "unreachable" else ""


def open_flags_of(channel_id: int) -> list[ChannelFlag]:
    return list(
        db.session.scalars(
            select(ChannelFlag)
            .where(ChannelFlag.channel_id == channel_id, ChannelFlag.closed_at.is_(None))
            .order_by(ChannelFlag.opened_at)
        ).unique()
    )


def _acknowledged(channel_id: int, kind: str, fingerprint: str) -> bool:
    """The Communications team resolved this very finding, and no check has found the
    channel fine since: seeing it again is not news."""
    last = db.session.scalar(
        select(ChannelFlag)
        .where(ChannelFlag.channel_id == channel_id, ChannelFlag.kind == kind)
        .where(ChannelFlag.closed_at.is_not(None))
        .order_by(ChannelFlag.closed_at.desc(), ChannelFlag.id.desc())
        .limit(1)
    )
    if last is None or last.closed_by_id is None or last.fingerprint != fingerprint:
        return False
    fine_since = db.session.scalar(
        select(ChannelCheck.id)
        .where(
            ChannelCheck.channel_id == channel_id,
            ChannelCheck.outcome == CheckOutcome.FINE.value,
            ChannelCheck.checked_at > last.closed_at,
        )
        .limit(1)
    )
    return fine_since is None


def raise_flag(
    channel: Channel,
    outcome: CheckOutcome,
    seen: dict[str, Any],
    check: ChannelCheck,
    now: datetime,
) -> None:
    seen = plain(seen)
    fingerprint = _fingerprint(outcome.value, seen)
    existing = next((f for f in open_flags_of(channel.id) if f.kind == outcome.value), None)
    if existing is not None:
        # Flagged once: a finding seen again keeps its flag, with what was seen last.
        existing.seen = seen
        existing.last_seen_at = now
        return
    if _acknowledged(channel.id, outcome.value, fingerprint):
        return
    flag = ChannelFlag(
        channel_id=channel.id,
        kind=outcome.value,
        fingerprint=fingerprint,
        seen=seen,
        opened_at=now,
        opened_by_check_id=check.id,
        last_seen_at=now,
        resolution_note="",
    )
    db.session.add(flag)
    db.session.flush()
    record(
        "channel-flagged",
        "channel",
        channel.id,
        actor=None,
        flag=flag.id,
        kind=flag.kind,
        seen=seen,
    )
    _tell(channel, flag)


def finding_sentence(kind: str, seen: dict[str, Any]) -> str:
    """What the check saw, in a sentence (pages, emails and the audit log's reader)."""
    if kind == CheckOutcome.GONE.value:
        return _(
            "The page is gone: the platform answered %(status)s.", status=seen.get("status", "")
        )
    if kind == CheckOutcome.REDIRECTED.value and seen.get("off_platform"):
        return _(
            "The page redirects off the platform's site, to %(location)s (not followed).",
            location=seen.get("location", ""),
        )
    if kind == CheckOutcome.REDIRECTED.value:
        return _(
            "The page redirects to another address on the platform: %(location)s.",
            location=seen.get("location", ""),
        )
    if kind == CheckOutcome.ACCOUNT_CHANGED.value:
        return _(
            "The page names account id %(ids)s, not the one recorded: the handle may now "
            "belong to someone else.",
            ids=seen.get("account_ids", ""),
        )
    if kind == CheckOutcome.RENAMED.value and seen.get("handle"):
        return _("The page's own address now names the handle “%(handle)s”.", handle=seen["handle"])
    if kind == CheckOutcome.RENAMED.value:
        return _(
            "The page's name changed from “%(was)s” to “%(name)s”.",
            was=seen.get("was", ""),
            name=seen.get("name", ""),
        )
    if kind == CheckOutcome.UNREACHABLE.value:
        return _(
            "The platform has not answered the check for %(days)s days in a row (since %(since)s).",
            days=seen.get("days", ""),
            since=seen.get("since", ""),
        )
    return kind


def _tell(channel: Channel, flag: ChannelFlag) -> None:
    team = [a.user for a in holders(Office.COMMUNICATIONS_TEAM)]
    liaison = channel.liaison if channel.liaison and channel.liaison.is_active_account else None
    notifications.send(
        [liaison, *team],
        f"Channel check: {channel.name} needs a look",
        f"The daily check of {channel.name} ({channel.reference}, {channel.channel_url}) "
        f"found:\n\n{finding_sentence(flag.kind, flag.seen)}\n\n"
        "If the change is the agency's own, resolve the flag with a note; otherwise act on it "
        "(the account may have been renamed, released or taken over).\n"
        f"{notifications.link(f'/channels/{channel.id}/flags/{flag.id}')}\n",
    )


def close_by_check(flag: ChannelFlag, check: ChannelCheck, now: datetime) -> None:
    flag.closed_at = now
    flag.closed_by_check_id = check.id
    record(
        "channel-flag-closed-by-check",
        "channel",
        flag.channel_id,
        actor=None,
        flag=flag.id,
        kind=flag.kind,
        check=check.id,
        outcome=check.outcome,
    )


def load_flag(channel: Channel, flag_id: int) -> ChannelFlag:
    flag = db.session.get(ChannelFlag, flag_id)
    if flag is None or flag.channel_id != channel.id:
        raise NotFoundError("There is no such flag on this channel.")
    return flag


def resolve_flag(flag_id: int, actor: User, note: str) -> ChannelFlag:
    """The Communications team closes a flag with a note. A new page name they accept
    becomes the name later checks compare with."""
    begin_write()
    flag = locked_row(ChannelFlag, flag_id)
    if flag is None:
        raise NotFoundError("There is no such flag.")
    if flag.closed_at is not None:
        raise ConflictError(_("This flag was closed meanwhile; nothing was changed."))
    note = note.strip()
    if not note:
        raise RegistryError(
            _("Say what was found and done: the note is kept with the record."), "note"
        )
    # Locking the channel reads every row afresh: lock it before changing the flag.
    channel = locked_row(Channel, flag.channel_id)
    flag = db.session.get(ChannelFlag, flag_id)
    now = utcnow()
    flag.closed_at = now
    flag.closed_by_id = actor.id
    flag.resolution_note = note[:5000]
    accepted_name = None
    if flag.kind == CheckOutcome.RENAMED.value and flag.seen.get("name"):
        accepted_name = str(flag.seen["name"])[:300]
        channel.platform_page_name = accepted_name
    record(
        "channel-flag-resolved",
        "channel",
        flag.channel_id,
        actor=actor,
        flag=flag.id,
        kind=flag.kind,
        note=note[:500],
        accepted_name=accepted_name,
    )
    db.session.commit()
    return flag


def flags_of(channel_id: int, limit: int = 20) -> list[ChannelFlag]:
    return list(
        db.session.scalars(
            select(ChannelFlag)
            .where(ChannelFlag.channel_id == channel_id)
            .order_by(ChannelFlag.opened_at.desc(), ChannelFlag.id.desc())
            .limit(limit)
        ).unique()
    )


def open_flags(scope: list[int] | None, limit: int = 50) -> list[ChannelFlag]:
    """Open flags on the channels of ``scope`` (None: every unit), oldest first."""
    query = select(ChannelFlag).join(Channel).where(ChannelFlag.closed_at.is_(None))
    if scope is not None:
        query = query.where(Channel.business_unit_id.in_(scope))
    return list(db.session.scalars(query.order_by(ChannelFlag.opened_at).limit(limit)).unique())
