"""The daily channel check: queue a check of every live channel, run one (the job's handler),
record what it found, and open, keep or close the flags that says.

``flask registry check-channels`` (and the daily ``flask registry remind``) queues one job per
live channel per day (its key makes a second run that day queue nothing). The worker runs
each: the fetch happens outside any transaction, then the check and its flags are recorded in
one, with the flag's emails queued in the same transaction.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from registry import jobs, notifications
from registry.audit.log import record
from registry.auth.models import Office, User
from registry.auth.offices import agency_today, holders
from registry.channels.models import Channel, ChannelState
from registry.checks.fetch import fetch
from registry.checks.models import ChannelCheck, ChannelFlag
from registry.database import begin_write, locked_row
from registry.errors import ConflictError, NotFoundError, RegistryError
from registry.extensions import db
from registry.policy.account_ids import account_id_message, normalise_account_id
from registry.policy.channel_checks import CheckOutcome, Verdict, checkable, judge
from registry.timeutil import local_date, utcnow

CHECK_JOB = "check-channel"


class PlatformDidNotAnswer(Exception):
    """A timeout, 5xx or 429: the job queue tries again later; no finding on its own."""


def checks_enabled() -> bool:
    return bool(current_app.config["CHANNEL_CHECKS_ENABLED"])


def queue_checks(day: date | None = None) -> int:
    """Queue today's check of every live channel on a listed platform with a vouched
    address; how many were queued (a channel already queued today is not queued again)."""
    if not checks_enabled():
        return 0
    day = day or agency_today()
    channels = db.session.scalars(
        select(Channel).where(Channel.state == ChannelState.ACTIVE.value).order_by(Channel.id)
    ).unique()
    queued = 0
    for channel in channels:
        if not checkable(channel.platform) or not channel.vouched_url:
            continue
        key = f"{CHECK_JOB}:{channel.id}:{day.isoformat()}"
        if jobs.find(key) is not None:
            continue
        jobs.enqueue(
            CHECK_JOB,
            {"channel_id": channel.id, "day": day.isoformat()},
            key=key,
            max_attempts=current_app.config["CHANNEL_CHECK_ATTEMPTS"],
        )
        queued += 1
    db.session.commit()
    return queued


def run_check(run: jobs.JobRun) -> dict[str, Any] | None:
    """The check job's handler. A platform that does not answer raises (the queue tries again
    a few minutes later) until the last attempt, which is recorded as unreachable."""
    channel = db.session.get(Channel, run.payload["channel_id"])
    if (
        not checks_enabled()
        or channel is None
        or channel.state_enum is not ChannelState.ACTIVE
        or not checkable(channel.platform)
        or not channel.vouched_url
    ):
        return None  # closed, or checks turned off, since it was queued: nothing to look at
    facts = (
        channel.platform,
        channel.handle,
        channel.vouched_url,
        channel.platform_account_id,
        channel.platform_page_name,
    )
    db.session.rollback()  # no transaction held open while the platform answers
    fetched = fetch(facts[0], facts[2])
    verdict = judge(*facts, fetched)
    if verdict.outcome is CheckOutcome.UNREACHABLE and run.attempt < run.max_attempts:
        raise PlatformDidNotAnswer(
            f"{facts[2]}: {fetched.error or f'HTTP {fetched.status}'} (tried again later)"
        )
    record_check(
        run.payload["channel_id"],
        verdict,
        fetched.status,
        fetched.final_url,
        {
            "truncated": fetched.truncated,
            "attempts": run.attempt,
        },
    )
    return None


def describe_job(job: Any) -> str:
    return f"Daily check of channel {job.payload.get('channel_id')} ({job.payload.get('day')})"


def record_check(
    channel_id: int,
    verdict: Verdict,
    status: int | None,
    final_url: str,
    extra: dict[str, Any],
) -> ChannelCheck:
    """Record one check and what its finding does to the channel's flags, in one transaction."""
    begin_write()
    channel = locked_row(Channel, channel_id)
    if channel is None:
        raise NotFoundError("There is no such channel.")
    now = utcnow()
    check = ChannelCheck(
        channel_id=channel.id,
        checked_at=now,
        outcome=verdict.outcome.value,
        http_status=status,
        final_url=(final_url or "")[:1000],
        read={**verdict.reading.as_record(), "seen": _plain(verdict.seen), **extra},
    )
    db.session.add(check)
    db.session.flush()
    outcome = verdict.outcome
    if outcome is CheckOutcome.FINE and verdict.reading.title and not channel.platform_page_name:
        channel.platform_page_name = verdict.reading.title[:300]
        record(
            "channel-page-name-read",
            "channel",
            channel.id,
            actor=None,
            name=channel.platform_page_name,
            check=check.id,
        )
    if outcome.is_finding:
        _raise_flag(channel, outcome, verdict.seen, check, now)
    elif outcome is CheckOutcome.UNREACHABLE:
        days = _unreachable_days(channel.id)
        if len(days) >= current_app.config["CHANNEL_CHECK_UNREACHABLE_DAYS"]:
            seen = {
                "days": len(days),
                "since": min(days).isoformat(),
                "error": verdict.seen.get("error", ""),
            }
            _raise_flag(channel, outcome, seen, check, now)
    if outcome.conclusive:
        for flag in open_flags_of(channel.id):
            if flag.kind != outcome.value:
                _close_by_check(flag, check, now)
    db.session.commit()
    return check


def _plain(seen: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in seen.items() if v not in (None, "")}


def _fingerprint(kind: str, seen: dict[str, Any]) -> str:
    return Verdict(CheckOutcome(kind), seen=seen).fingerprint if kind != "unreachable" else ""


def _unreachable_days(channel_id: int) -> set[date]:
    """The days with only unreachable checks since the last check that saw the page."""
    days: set[date] = set()
    timezone = current_app.config["AGENCY_TIMEZONE"]
    recent = db.session.scalars(
        select(ChannelCheck)
        .where(ChannelCheck.channel_id == channel_id)
        .order_by(ChannelCheck.checked_at.desc(), ChannelCheck.id.desc())
        .limit(90)
    )
    for check in recent:
        if check.outcome != CheckOutcome.UNREACHABLE.value:
            break
        days.add(local_date(check.checked_at, timezone))
    return days


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


def _raise_flag(
    channel: Channel,
    outcome: CheckOutcome,
    seen: dict[str, Any],
    check: ChannelCheck,
    now: datetime,
) -> None:
    seen = _plain(seen)
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


def _close_by_check(flag: ChannelFlag, check: ChannelCheck, now: datetime) -> None:
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


def set_account_id(channel_id: int, actor: User, account_id: str) -> Channel:
    """The Communications team records (or corrects, or clears) the platform's account id."""
    begin_write()
    channel = locked_row(Channel, channel_id)
    if channel is None:
        raise NotFoundError("There is no such channel.")
    value = normalise_account_id(channel.platform, account_id)
    problem = account_id_message(channel.platform, value)
    if problem is not None:
        raise RegistryError(_(problem.template, **problem.values), "platform_account_id")
    if value == channel.platform_account_id:
        db.session.rollback()
        return channel
    record(
        "channel-account-id-set",
        "channel",
        channel.id,
        actor=actor,
        before={"platform_account_id": channel.platform_account_id},
        after={"platform_account_id": value},
    )
    channel.platform_account_id = value
    channel.updated_at = utcnow()
    db.session.commit()
    return channel


def latest_check(channel_id: int) -> ChannelCheck | None:
    return db.session.scalar(
        select(ChannelCheck)
        .where(ChannelCheck.channel_id == channel_id)
        .order_by(ChannelCheck.checked_at.desc(), ChannelCheck.id.desc())
        .limit(1)
    )


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
