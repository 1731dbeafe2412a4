"""Subscriptions to other agencies' registers: the administrator's changes (each audited), the
scheduled fetch (one job per subscription) and what a fetch leaves behind."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlsplit

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import delete, select

from registry.audit.log import record
from registry.database import begin_write, locked_row
from registry.errors import NotFoundError, RegistryError
from registry.extensions import db
from registry.federation import feed
from registry.federation.models import AgencyChannel, Subscription
from registry.jobs.models import Job, JobState
from registry.jobs.services import JobRun, enqueue
from registry.timeutil import utcnow

FETCH_JOB = "fetch-feed"
# A server that did not answer is asked again after the queue's backoff (30 s, 60 s); after
# that the next scheduled fetch tries again, and the last good copy stays in use meanwhile.
FETCH_ATTEMPTS = 3


@dataclass(frozen=True)
class SubscriptionDetails:
    agency_name: str
    register_url: str
    feed_url: str
    public_key: str


def load_subscription(subscription_id: int) -> Subscription:
    subscription = db.session.get(Subscription, subscription_id)
    if subscription is None:
        raise NotFoundError(_("There is no such subscription."))
    return subscription


def subscriptions() -> list[Subscription]:
    return list(db.session.scalars(select(Subscription).order_by(Subscription.agency_name)))


def _checked_url(value: str, field: str) -> str:
    value = value.strip()
    parts = urlsplit(value)
    schemes = ("https", "http") if current_app.config["FEEDS_ALLOW_HTTP"] else ("https",)
    if parts.scheme not in schemes or not parts.hostname:
        raise RegistryError(_("Enter a full address starting with https://."), field=field)
    return value


def _checked(details: SubscriptionDetails) -> tuple[SubscriptionDetails, str]:
    """The details cleaned, and the key's id; refuses what cannot work, naming the field."""
    if not details.agency_name.strip():
        raise RegistryError(_("Enter the agency's name."), field="agency_name")
    register_url = _checked_url(details.register_url, "register_url")
    feed_url = _checked_url(details.feed_url, "feed_url")
    try:
        key = feed.parse_public_key(details.public_key)
    except feed.KeyProblem as error:
        raise RegistryError(
            _(
                "Enter the agency's Ed25519 public key: the PEM block, or the 44 characters of "
                "base64 its keys document lists (%(problem)s).",
                problem=str(error),
            ),
            field="public_key",
        ) from error
    cleaned = SubscriptionDetails(
        details.agency_name.strip(), register_url, feed_url, feed.key_text(key)
    )
    return cleaned, feed.signing.key_id(key)


def _summary(subscription: Subscription) -> dict[str, Any]:
    return {
        "agency_name": subscription.agency_name,
        "register_url": subscription.register_url,
        "feed_url": subscription.feed_url,
        "key_id": subscription.key_id,
        "paused": subscription.paused,
    }


def add_subscription(details: SubscriptionDetails, actor: Any) -> Subscription:
    cleaned, key_id = _checked(details)
    begin_write()
    now = utcnow()
    subscription = Subscription(
        agency_name=cleaned.agency_name,
        register_url=cleaned.register_url,
        feed_url=cleaned.feed_url,
        public_key=cleaned.public_key,
        key_id=key_id,
        paused=False,
        channel_count=0,
        created_at=now,
        updated_at=now,
    )
    db.session.add(subscription)
    db.session.flush()
    record(
        "subscription-added",
        "subscription",
        subscription.id,
        actor=actor,
        after=_summary(subscription),
    )
    # The first fetch now, rather than at the next scheduled run.
    _enqueue_fetch(subscription)
    db.session.commit()
    return subscription


def _locked(subscription_id: int) -> Subscription:
    begin_write()
    subscription = locked_row(Subscription, subscription_id)
    if subscription is None:
        raise NotFoundError(_("There is no such subscription."))
    return subscription


def update_subscription(subscription_id: int, details: SubscriptionDetails, actor: Any) -> None:
    """A new key or feed address takes effect at the next fetch; the channels already
    verified stay until then (they were verified with the key that was right at the time)."""
    cleaned, key_id = _checked(details)
    subscription = _locked(subscription_id)
    before = _summary(subscription)
    subscription.agency_name = cleaned.agency_name
    subscription.register_url = cleaned.register_url
    subscription.feed_url = cleaned.feed_url
    subscription.public_key = cleaned.public_key
    subscription.key_id = key_id
    subscription.updated_at = utcnow()
    record(
        "subscription-changed",
        "subscription",
        subscription.id,
        actor=actor,
        before=before,
        after=_summary(subscription),
    )
    if not subscription.paused:
        _enqueue_fetch(subscription)
    db.session.commit()


def set_paused(subscription_id: int, paused: bool, actor: Any) -> Subscription:
    """A paused subscription is not fetched; its last verified list still answers the lookup
    (the page says when it was verified)."""
    subscription = _locked(subscription_id)
    if subscription.paused != paused:
        subscription.paused = paused
        subscription.updated_at = utcnow()
        record(
            "subscription-paused" if paused else "subscription-resumed",
            "subscription",
            subscription.id,
            actor=actor,
            agency_name=subscription.agency_name,
        )
        if not paused:
            _enqueue_fetch(subscription)
    db.session.commit()
    return subscription


def remove_subscription(subscription_id: int, actor: Any) -> str:
    """Removing a subscription removes its channels from the lookup at once."""
    subscription = _locked(subscription_id)
    name = subscription.agency_name
    record(
        "subscription-removed",
        "subscription",
        subscription.id,
        actor=actor,
        before=_summary(subscription),
        channels=subscription.channel_count,
    )
    db.session.execute(
        delete(AgencyChannel).where(AgencyChannel.subscription_id == subscription.id)
    )
    db.session.delete(subscription)
    db.session.commit()
    return name


# --- fetching ---------------------------------------------------------------------------


def _fetch_waiting(subscription: Subscription) -> bool:
    waiting = (JobState.PENDING.value, JobState.RUNNING.value)
    return (
        db.session.scalar(
            select(Job.id)
            .where(
                Job.kind == FETCH_JOB,
                Job.key.like(f"{FETCH_JOB}:{subscription.id}:%"),
                Job.state.in_(waiting),
            )
            .limit(1)
        )
        is not None
    )


def _enqueue_fetch(subscription: Subscription) -> bool:
    """One fetch job for the subscription, unless one is waiting already (a fetch being
    retried is not doubled by the next scheduled run)."""
    if _fetch_waiting(subscription):
        return False
    stamp = utcnow().strftime("%Y%m%dT%H%M%S%f")
    enqueue(
        FETCH_JOB,
        {"subscription_id": subscription.id},
        key=f"{FETCH_JOB}:{subscription.id}:{stamp}",
        max_attempts=FETCH_ATTEMPTS,
    )
    return True


def fetch_now(subscription_id: int, actor: Any) -> bool:
    """The admin page's "Fetch now": one fetch job (none if one is waiting already)."""
    subscription = _locked(subscription_id)
    queued = _enqueue_fetch(subscription)
    if queued:
        record(
            "feed-fetch-requested",
            "subscription",
            subscription.id,
            actor=actor,
            agency_name=subscription.agency_name,
        )
    db.session.commit()
    return queued


def schedule_fetches() -> int:
    """``flask registry fetch-feeds``: a fetch job for every subscription not paused."""
    begin_write()
    count = sum(_enqueue_fetch(s) for s in subscriptions() if not s.paused)
    db.session.commit()
    return count


def fetch_job(run: JobRun) -> None:
    """The job: fetch and verify outside any transaction, then record the outcome in one. A
    server that did not answer raises, so the queue tries again after its backoff."""
    subscription = db.session.get(Subscription, run.payload["subscription_id"])
    if subscription is None or subscription.paused:
        db.session.rollback()
        return
    subscription_id, url = subscription.id, subscription.feed_url
    key_id, key = subscription.key_id, feed.parse_public_key(subscription.public_key)
    register_url = subscription.register_url
    db.session.rollback()  # no transaction is held open across the network
    try:
        fetched = feed.fetch(url)
        feed.verify(fetched, key)  # before a byte of it is read
        listed = feed.read(fetched.body, register_url)
    except feed.FeedRefused as refusal:
        record_refusal(subscription_id, refusal, key_id)
        if refusal.retry_may_help:
            raise
        return
    replace_channels(subscription_id, listed, key_id)


def record_refusal(subscription_id: int, refusal: feed.FeedRefused, key_id: str) -> None:
    """The refusal, for the admin page; the stored channels are not touched."""
    begin_write()
    subscription = locked_row(Subscription, subscription_id)
    if subscription is None:  # removed while we fetched
        db.session.rollback()
        return
    now = utcnow()
    subscription.last_fetched_at = now
    subscription.last_refusal = refusal.refusal.value
    subscription.last_refusal_detail = refusal.detail[:2000]
    subscription.last_refused_at = now
    record(
        "feed-refused",
        "subscription",
        subscription.id,
        actor_label="feed fetcher",
        agency_name=subscription.agency_name,
        refusal=refusal.refusal.value,
        detail=refusal.detail[:500],
        key_id=key_id,
    )
    db.session.commit()


def replace_channels(subscription_id: int, listed: list[feed.ListedChannel], key_id: str) -> None:
    """A verified document replaces the agency's stored channels, in one transaction.

    A channel the agency listed before and no longer lists was official, and now is not:
    it stays as "was official until" the day it was last verified, so someone checking an
    account that the agency dropped from its list is not told "not anyone's" by silence.
    """
    begin_write()
    subscription = locked_row(Subscription, subscription_id)
    if subscription is None or subscription.key_id != key_id:
        # Removed, or given a new key, while we fetched: the next fetch uses the new key.
        db.session.rollback()
        return
    now = utcnow()
    last_seen = _agency_day(subscription.last_verified_at or now)
    listed_keys = {(c.platform, c.handle_key) for c in listed}
    dropped = {}
    for old in subscription.channels:
        if (old.platform, old.handle_key) in listed_keys:
            continue
        dropped[(old.platform, old.handle_key)] = feed.ListedChannel(
            name=old.name,
            platform=old.platform,
            platform_label=old.platform_label,
            handle=old.handle,
            channel_url=old.channel_url,
            official=False,
            closes_on=old.closes_on if not old.official else last_seen,
            register_url=old.register_url,
        )
    db.session.execute(
        delete(AgencyChannel).where(AgencyChannel.subscription_id == subscription_id)
    )
    for channel in [*listed, *dropped.values()]:
        db.session.add(
            AgencyChannel(
                subscription_id=subscription_id,
                name=channel.name,
                platform=channel.platform,
                platform_label=channel.platform_label,
                handle=channel.handle,
                channel_url=channel.channel_url,
                handle_key=channel.handle_key,
                name_key=channel.name_key,
                official=channel.official,
                closes_on=channel.closes_on,
                register_url=channel.register_url,
            )
        )
    before = subscription.channel_count
    subscription.channel_count = sum(1 for c in listed if c.official)
    subscription.last_fetched_at = now
    subscription.last_verified_at = now
    record(
        "feed-verified",
        "subscription",
        subscription.id,
        actor_label="feed fetcher",
        agency_name=subscription.agency_name,
        key_id=key_id,
        official_before=before,
        official_now=subscription.channel_count,
    )
    db.session.commit()


def _agency_day(moment: Any) -> date:
    from zoneinfo import ZoneInfo

    return moment.astimezone(ZoneInfo(current_app.config["AGENCY_TIMEZONE"])).date()


def describe_fetch(job: Job) -> str:
    subscription = db.session.get(Subscription, job.payload.get("subscription_id"))
    name = subscription.agency_name if subscription else _("a removed subscription")
    return _("Fetch the register of %(agency)s", agency=name)


def refusal_label(subscription: Subscription) -> str:
    refusal = subscription.refusal_enum
    return refusal.label if refusal else ""
