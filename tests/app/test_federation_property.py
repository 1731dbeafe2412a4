"""The all-of-government lookup's promise over random sequences: whatever mix of good, tampered,
wrongly signed and unanswered fetches, and of channels the other agency adds and closes, our
lookup answers for the other agency's channels exactly as its last *verified* register listed
them, and the admin page shows a refusal exactly when the latest fetch was refused.

Two registries on loopback (tests/federation_registries.py); each fetch is one attempt through
the job queue (a retry waiting after an unanswered fetch is made due, as time passing would).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select, update

from registry import signing
from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState
from registry.extensions import db as _db
from registry.federation.models import Subscription
from registry.jobs.models import Job
from registry.timeutil import utcnow
from tests.app.test_federation import IRD_ROW, IRD_X, MEC_ROW
from tests.browser.conftest import serving
from tests.conftest import run_worker_once
from tests.federation_registries import (
    build_second_registry,
    flip_one_byte,
    proxy_app,
    two_registries,
)

LIAISON = "mere.comms@example.govt.nz"
YES = "Yes — this is an official Inland Revenue channel."
WAS = "This was an official Inland Revenue channel until"

ACTIONS = st.one_of(
    st.sampled_from(["pass", "tamper", "down", "wrong-key"]),
    st.tuples(st.just("close"), st.integers(0, 20)),
    st.tuples(st.just("add"), st.integers(0, 30)),
)


@pytest.fixture(scope="module")
def second(database_url, tmp_path_factory):  # noqa: ANN001, ANN201
    return build_second_registry(database_url, tmp_path_factory.mktemp("registry-b"))


class Feed:
    """The loopback server A fetches B's register through, in one of four moods."""

    def __init__(self, b, other_key) -> None:  # noqa: ANN001
        self.b, self.other_key, self.mood = b, other_key, "pass"

    def change(self, body: bytes) -> bytes:
        if self.mood == "tamper":
            return flip_one_byte(body)
        return body

    def app(self):  # noqa: ANN201
        proxy = proxy_app(lambda: self.b.url, self.change)

        @proxy.before_request
        def moods():  # noqa: ANN202
            if self.mood == "down":
                return "Service unavailable", 503
            if self.mood == "wrong-key":
                # B's document, signed by someone else's key.
                import requests

                body = requests.get(self.b.feed_url, timeout=5).content
                signature = signing.sign(self.other_key, body)
                return body, 200, {signing.HEADER: signature.header()}
            return None

        return proxy


def b_official(b) -> set[str]:  # noqa: ANN001
    with b.context():
        return set(
            _db.session.scalars(
                select(Channel.handle).where(
                    Channel.state == ChannelState.ACTIVE.value,
                    Channel.closure_scheduled_on.is_(None),
                )
            )
        )


def a_fetches(a) -> None:  # noqa: ANN001
    """One attempt: a retry waiting is made due; otherwise the scheduled run queues one."""
    _db.session.execute(
        update(Job)
        .where(Job.kind == "fetch-feed", Job.state == "pending")
        .values(run_after=utcnow() - timedelta(seconds=1))
    )
    _db.session.commit()
    a.fetch_feeds()
    run_worker_once(a.app)


@settings(
    max_examples=8,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(actions=st.lists(ACTIONS, min_size=1, max_size=7))
def test_the_lookup_answers_from_the_last_verified_register(registries, actions):
    a, b, feed, seen = registries
    feed.mood = "pass"
    a_fetches(a)
    expected, refused = b_official(b), False
    seen |= expected
    for action in actions:
        if action in ("pass", "tamper", "down", "wrong-key"):
            feed.mood = action
            a_fetches(a)
            if action == "pass":
                expected, refused = b_official(b), False
                seen |= expected
            else:
                refused = True
        elif action[0] == "close":
            active = sorted(b_official(b))
            if len(active) > 1:  # B keeps one channel: a register of none is still a register
                handle = active[action[1] % len(active)]
                with b.context():
                    channel_id = b.channel(handle).id
                    response = b.comms().post(
                        f"/channels/{channel_id}/decommission",
                        data={
                            "decommission-decommissioned_on": (
                                agency_today() - timedelta(days=1)
                            ).isoformat(),
                            "decommission-reason": "Merged.",
                        },
                    )
                    assert response.status_code == 302
        else:
            handle = f"IRDNZ{action[1]}"
            if b.channel(handle) is None:
                b.import_rows(
                    f"IR {action[1]},Facebook,{handle},https://www.facebook.com/{handle},COR,"
                    f"{LIAISON},2019-07-01"
                )

        _db.session.rollback()
        subscription = _db.session.scalar(select(Subscription))
        today = agency_today()
        stored = {
            c.handle
            for c in subscription.channels
            if c.official and (c.closes_on is None or c.closes_on > today)
        }
        assert stored == expected, action
        assert subscription.channel_count == len(expected)
        for handle in seen:
            page = a.ask(f"@{handle}")
            if handle in expected:
                assert YES in page, (action, handle)
            else:
                assert WAS in page and YES not in page, (action, handle)
        status = a.admin().get("/admin/agencies/").get_data(as_text=True)
        assert ("Last fetch refused" in status) == refused, action


@pytest.fixture
def registries(app, db, second, tmp_path):  # noqa: ANN001, ANN201
    with two_registries(app, second, tmp_path) as (a, b):
        a.import_rows(MEC_ROW)
        b.import_rows(IRD_ROW, IRD_X)
        other_key = signing.load_private_key(a.key_path)
        feed = Feed(b, other_key)
        with serving(feed.app()) as proxy:
            a.subscribe("Inland Revenue", b, feed_url=f"{proxy}/api/public/v1/channels.json")
            yield a, b, feed, set()
