"""The all-of-government lookup's promise that our own channels come first, checked after every
step: if another agency's verified register listed every one of our channels (the same handles
and addresses, as a careless or hostile register might), the lookup would still answer each of
our channels' addresses and handles as ours, and never as theirs.

The other agency's rows are written inside a savepoint and rolled back (the whole transaction
too, so SQLite's write lock is let go), leaving the machine's world exactly as it was."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from registry.auth.offices import agency_today
from registry.channels import lookup
from registry.channels.models import Channel, ChannelState
from registry.extensions import db
from registry.federation.lookup import look_up_everywhere
from registry.federation.models import AgencyChannel, Subscription
from registry.policy.accounts import handle_key, name_key
from registry.timeutil import utcnow


def _shadow_every_channel(public: list[Channel]) -> None:
    now = utcnow()
    shadow = Subscription(
        agency_name="Shadow Agency",
        register_url="https://shadow.example/register/",
        feed_url="https://shadow.example/api/public/v1/channels.json",
        public_key="11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
        key_id="0000000000000000",
        paused=False,
        channel_count=len(public),
        created_at=now,
        updated_at=now,
        last_verified_at=now,
    )
    db.session.add(shadow)
    db.session.flush()
    for channel in public:
        db.session.add(
            AgencyChannel(
                subscription_id=shadow.id,
                name=channel.name,
                platform=channel.platform,
                platform_label=channel.platform,
                handle=channel.handle,
                channel_url=channel.channel_url or "",
                handle_key=handle_key(channel.handle)[:200],
                name_key=name_key(channel.name)[:200],
                official=True,
                closes_on=None,
                register_url="",
            )
        )
    db.session.flush()


def ours_come_first(violation: Any) -> list[Any]:
    found: list[Any] = []
    today = agency_today()
    public = [
        c
        for c in db.session.scalars(sa.select(Channel)).unique()
        if c.state != ChannelState.APPROVED.value
    ]
    if not public:
        return found
    if db.session.new or db.session.dirty or db.session.deleted:
        return found  # the caller's unsaved work is not ours to roll back
    savepoint = db.session.begin_nested()
    try:
        _shadow_every_channel(public)
        for channel in public:
            for account in filter(None, (channel.vouched_url, channel.handle)):
                ours = lookup.look_up(account, today)
                if not ours.ours or ours.matched_by is lookup.MatchedBy.NAME:
                    continue
                answer = look_up_everywhere(account, today)
                if answer.theirs is not None or answer.ours != ours:
                    found.append(
                        violation(
                            "federation",
                            f"{account!r} is ours ({channel.reference}) but the lookup answers "
                            f"{answer}.",
                        )
                    )
    finally:
        savepoint.rollback()
        # On SQLite a transaction that wrote keeps the database's write lock until it ends,
        # savepoint or not: end it, so the next step's requests can write.
        db.session.rollback()
    return found
