"""The daily channel check: queue a check of every live channel, run one (the job's handler),
and record what it found (its flags are in ``flags``).

``flask registry check-channels`` (and the daily ``flask registry remind``) queues one job per
live channel per day (its key makes a second run that day queue nothing). The worker runs
each: the fetch happens outside any transaction, then the check and its flags are recorded in
one, with the flag's emails queued in the same transaction.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from registry import jobs
from registry.audit.log import record
from registry.auth.models import User
from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState
from registry.checks import flags
from registry.checks.fetch import fetch
from registry.checks.models import ChannelCheck
from registry.database import begin_write, locked_row
from registry.errors import NotFoundError, RegistryError
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
        read={**verdict.reading.as_record(), "seen": flags.plain(verdict.seen), **extra},
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
        flags.raise_flag(channel, outcome, verdict.seen, check, now)
    elif outcome is CheckOutcome.UNREACHABLE:
        days = _unreachable_days(channel.id)
        if len(days) >= current_app.config["CHANNEL_CHECK_UNREACHABLE_DAYS"]:
            seen = {
                "days": len(days),
                "since": min(days).isoformat(),
                "error": verdict.seen.get("error", ""),
            }
            flags.raise_flag(channel, outcome, seen, check, now)
    if outcome.conclusive:
        for flag in flags.open_flags_of(channel.id):
            if flag.kind != outcome.value:
                flags.close_by_check(flag, check, now)
    db.session.commit()
    return check


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
