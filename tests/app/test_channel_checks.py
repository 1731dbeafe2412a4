"""The daily channel check against a real HTTP server on loopback that plays Facebook.

`flask registry check-channels` queues the checks and `flask registry worker --once` runs
them, both through the CLI runner; flags, emails (the real SMTP server on loopback), the
dashboard and the channel page are checked through the doors people use.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import timedelta

import pytest
from flask import Flask
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.auth.offices import agency_today
from registry.channels.models import Channel
from registry.checks import services
from registry.checks.models import ChannelCheck, ChannelFlag
from registry.extensions import db as _db
from registry.jobs.models import Job
from registry.policy.platforms import normalise_handle
from registry.timeutil import utcnow
from tests.conftest import run_isolated, run_worker_once
from tests.fake_platform import Answer, FakePlatform, page, redirect

HOME = "https://www.facebook.com/MECPasifika"


@pytest.fixture
def platform(app: Flask, db) -> Iterator[FakePlatform]:  # noqa: ANN001
    fake = FakePlatform()
    settings = {
        "CHANNEL_CHECKS_ENABLED": True,
        "CHANNEL_CHECK_TIMEOUT_SECONDS": 1.0,
        "CHANNEL_CHECK_DEADLINE_SECONDS": 3.0,
        "CHANNEL_CHECK_MAX_BYTES": 64 * 1024,
        # A platform that does not answer is tried again at once (not minutes later).
        "JOBS_BACKOFF_SECONDS": 0,
    }
    with fake.running():
        settings["CHANNEL_CHECK_TEST_ORIGINS"] = fake.origins_setting()
        saved = {name: app.config[name] for name in settings}
        app.config.update(settings)
        try:
            yield fake
        finally:
            app.config.update(saved)


def live(people, handle: str = "MECPasifika", name: str = "MEC Pasifika", account_id: str = ""):  # noqa: ANN001, ANN201
    """A live Facebook channel whose liaison is Tama (so the liaison's email is told apart
    from the Communications team's)."""
    channel = Channel(
        name=name,
        platform="facebook",
        platform_other="",
        handle=handle,
        handle_key=normalise_handle("facebook", handle),
        channel_url=f"https://www.facebook.com/{handle}",
        platform_account_id=account_id,
        business_unit_id=people.policy.id,
        liaison_id=people.staff_policy.id,
        state="active",
        went_live_at=utcnow(),
        review_due=agency_today() + timedelta(days=300),
        decommission_reason="",
        created_at=utcnow(),
        updated_at=utcnow(),
    )
    _db.session.add(channel)
    _db.session.commit()
    return channel


def check_now(app: Flask) -> str:
    """`flask registry check-channels`, then `flask registry worker --once`."""
    result = run_isolated(app.test_cli_runner().invoke, args=["registry", "check-channels"])
    assert result.exit_code == 0, result.output
    run_worker_once(app)
    return result.output


def check_again_tomorrow(app: Flask) -> None:
    """The next day's run: today's jobs are done, so queue as if tomorrow, then the worker."""
    services.queue_checks(agency_today() + timedelta(days=1))
    run_worker_once(app)


def checks_of(channel: Channel) -> list[ChannelCheck]:
    _db.session.expire_all()
    return list(
        _db.session.scalars(
            select(ChannelCheck)
            .where(ChannelCheck.channel_id == channel.id)
            .order_by(ChannelCheck.id)
        )
    )


def flags_of(channel: Channel) -> list[ChannelFlag]:
    _db.session.expire_all()
    return list(
        _db.session.scalars(
            select(ChannelFlag).where(ChannelFlag.channel_id == channel.id).order_by(ChannelFlag.id)
        ).unique()
    )


def audit_actions(channel: Channel) -> list[str]:
    return list(
        _db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "channel", AuditEntry.object_id == str(channel.id))
            .order_by(AuditEntry.id)
        )
    )


# --- Off until configured -----------------------------------------------------------------


def test_checks_are_off_until_configured(app, people, queued_for_a_worker) -> None:  # noqa: ANN001
    assert app.config["CHANNEL_CHECKS_ENABLED"] is False  # the default
    live(people)
    output = check_now(app)
    assert "Channel checks are off" in output
    assert _db.session.scalar(select(Job.id).where(Job.kind == "check-channel")) is None
    remind = run_isolated(app.test_cli_runner().invoke, args=["registry", "remind"])
    assert "Channel checks are off" in remind.output


def test_production_refuses_test_origins(database_url: str) -> None:
    from registry import create_app
    from tests.conftest import make_config

    config = make_config(
        database_url, CHANNEL_CHECK_TEST_ORIGINS="www.facebook.com=http://127.0.0.1:9"
    )
    config.ENV_NAME = "production"
    config.BASE_URL = "https://registry.example.govt.nz"
    with pytest.raises(SystemExit):
        create_app(config)
    # Even in testing, the origin must be http on a loopback address.
    for origin in ("www.facebook.com=http://10.0.0.1:80", "www.facebook.com=https://127.0.0.1:8"):
        with pytest.raises(SystemExit):
            create_app(make_config(database_url, CHANNEL_CHECK_TEST_ORIGINS=origin))


# --- What each answer means ---------------------------------------------------------------


def test_a_fine_page_is_recorded_with_what_was_read(
    app, people, platform, queued_for_a_worker
) -> None:  # noqa: ANN001
    channel = live(people, account_id="100064123456789")
    platform.answer("/MECPasifika", page("MEC Pasifika", HOME, "100064123456789"))
    output = check_now(app)
    assert "Channel checks queued for the worker: 1" in output
    [check] = checks_of(channel)
    assert check.outcome == "fine"
    assert check.http_status == 200
    assert check.final_url == HOME
    assert check.read["title"] == "MEC Pasifika"
    assert check.read["account_ids"] == ["100064123456789"]
    assert flags_of(channel) == []
    # The first name read is the one later checks compare with.
    assert _db.session.get(Channel, channel.id).platform_page_name == "MEC Pasifika"
    # One request, to the platform's host, with the fixed user agent.
    [seen] = platform.requests
    assert seen.host == "www.facebook.com" and seen.path == "/MECPasifika"
    assert seen.user_agent.startswith("MEC-channel-registry-checker/1.0 (+https://")
    assert app.config["CHANNEL_CHECK_INFO_URL"] in seen.user_agent
    # A second run the same day queues nothing more.
    assert "queued for the worker: 0" in check_now(app)


@pytest.mark.parametrize("status", [404, 410])
def test_a_page_gone_is_flagged(app, people, platform, queued_for_a_worker, status) -> None:  # noqa: ANN001
    channel = live(people)
    platform.answer("/MECPasifika", Answer(status, b"gone"))
    check_now(app)
    [flag] = flags_of(channel)
    assert (flag.kind, flag.seen, flag.is_open) == ("gone", {"status": status}, True)
    assert checks_of(channel)[0].outcome == "gone"
    assert "channel-flagged" in audit_actions(channel)


def test_a_redirect_to_another_handle_is_flagged(
    app, people, platform, queued_for_a_worker
) -> None:  # noqa: ANN001
    channel = live(people)
    platform.answer("/MECPasifika", redirect("/SomeoneElse"))
    platform.answer("/SomeoneElse", page("Someone Else", "https://www.facebook.com/SomeoneElse"))
    check_now(app)
    [flag] = flags_of(channel)
    assert flag.kind == "redirected"
    assert flag.seen == {
        "location": "https://www.facebook.com/SomeoneElse",
        "handle": "SomeoneElse",
    }
    assert [r.path for r in platform.requests] == ["/MECPasifika", "/SomeoneElse"]


def test_a_redirect_within_the_same_handle_is_fine(
    app, people, platform, queued_for_a_worker
) -> None:  # noqa: ANN001
    channel = live(people)
    platform.answer("/MECPasifika", redirect("https://m.facebook.com/mecpasifika/"))
    platform.answer("/mecpasifika/", page("MEC Pasifika", HOME))
    check_now(app)
    assert [c.outcome for c in checks_of(channel)] == ["fine"]
    assert [r.host for r in platform.requests] == ["www.facebook.com", "m.facebook.com"]


def test_a_redirect_off_the_platform_is_not_followed_and_is_flagged(
    app,
    people,
    platform,
    queued_for_a_worker,  # noqa: ANN001
) -> None:
    """Recorded and flagged (a channel's page sending visitors off the platform deserves a
    look), and never followed: the other server is real, on loopback, and hears nothing."""
    other = FakePlatform()
    with other.running():
        channel = live(people)
        platform.answer("/MECPasifika", redirect(f"{other.origin}/phish"))
        check_now(app)
    [flag] = flags_of(channel)
    assert flag.kind == "redirected"
    assert flag.seen == {"location": f"{other.origin}/phish", "off_platform": True}
    assert other.requests == []
    assert len(platform.requests) == 1


def test_a_changed_name_is_flagged(app, people, platform, queued_for_a_worker) -> None:  # noqa: ANN001
    channel = live(people)
    platform.answer("/MECPasifika", page("MEC Pasifika", HOME))
    check_now(app)
    platform.answer("/MECPasifika", page("Crypto Giveaway Official", HOME))
    check_again_tomorrow(app)
    [flag] = flags_of(channel)
    assert flag.kind == "renamed"
    assert flag.seen == {"name": "Crypto Giveaway Official", "was": "MEC Pasifika"}


def test_a_page_naming_another_handle_is_flagged(
    app, people, platform, queued_for_a_worker
) -> None:  # noqa: ANN001
    channel = live(people)
    platform.answer("/MECPasifika", page("MEC Pasifika", "https://www.facebook.com/NewOwner"))
    check_now(app)
    [flag] = flags_of(channel)
    assert (flag.kind, flag.seen) == ("renamed", {"handle": "NewOwner"})


def test_a_different_account_id_is_flagged(app, people, platform, queued_for_a_worker) -> None:  # noqa: ANN001
    channel = live(people, account_id="100064123456789")
    platform.answer("/MECPasifika", page("MEC Pasifika", HOME, "999999999999999"))
    check_now(app)
    [flag] = flags_of(channel)
    assert (flag.kind, flag.seen) == ("account-changed", {"account_ids": "999999999999999"})


def test_a_page_that_names_no_id_is_not_judged_on_it(
    app, people, platform, queued_for_a_worker
) -> None:  # noqa: ANN001
    channel = live(people, account_id="100064123456789")
    platform.answer("/MECPasifika", page("MEC Pasifika", HOME))
    check_now(app)
    assert [c.outcome for c in checks_of(channel)] == ["fine"]


def test_a_slow_platform_times_out_and_raises_no_flag(
    app, people, platform, queued_for_a_worker
) -> None:  # noqa: ANN001
    app.config["CHANNEL_CHECK_ATTEMPTS"], saved = 2, app.config["CHANNEL_CHECK_ATTEMPTS"]
    try:
        channel = live(people)
        platform.answer("/MECPasifika", Answer(200, b"late", delay=2.5))
        check_now(app)
    finally:
        app.config["CHANNEL_CHECK_ATTEMPTS"] = saved
    [check] = checks_of(channel)
    assert check.outcome == "unreachable"
    assert "timed out" in check.read["seen"]["error"]
    assert check.read["attempts"] == 2
    assert len(platform.requests) == 2  # tried again through the job queue
    assert flags_of(channel) == []


def test_a_huge_body_is_read_only_up_to_the_cap(app, people, platform, queued_for_a_worker) -> None:  # noqa: ANN001
    channel = live(people)
    fine = page("MEC Pasifika", HOME)
    padding = b"<!-- " + b"x" * 65536 + b" -->"
    platform.answer("/MECPasifika", Answer(200, fine.body + padding, fine.headers, repeat=200))
    check_now(app)
    [check] = checks_of(channel)
    assert (check.outcome, check.read["truncated"], check.read["title"]) == (
        "fine",
        True,
        "MEC Pasifika",
    )
    # 13 MB offered; the checker stopped after its 64 KB cap (plus what was in flight).
    assert platform.bytes_sent < 13_000_000


def test_a_server_error_then_fine_raises_no_flag(
    app, people, platform, queued_for_a_worker
) -> None:  # noqa: ANN001
    channel = live(people)
    platform.answer("/MECPasifika", Answer(500, b"oops"), Answer(429), page("MEC Pasifika", HOME))
    check_now(app)
    assert [c.outcome for c in checks_of(channel)] == ["fine"]
    assert len(platform.requests) == 3
    assert flags_of(channel) == []
    job = _db.session.scalar(select(Job).where(Job.kind == "check-channel"))
    assert (job.state, job.attempts) == ("done", 3)


def test_days_without_an_answer_raise_a_flag(app, people, platform, queued_for_a_worker) -> None:  # noqa: ANN001
    """A flag only after CHANNEL_CHECK_UNREACHABLE_DAYS (3) days of failures in a row."""
    app.config["CHANNEL_CHECK_ATTEMPTS"], saved = 1, app.config["CHANNEL_CHECK_ATTEMPTS"]
    try:
        channel = live(people)
        platform.answer("/MECPasifika", Answer(503))
        for days_ago in (2, 1):
            _db.session.add(
                ChannelCheck(
                    channel_id=channel.id,
                    checked_at=utcnow() - timedelta(days=days_ago),
                    outcome="unreachable",
                    http_status=503,
                    final_url=HOME,
                    read={},
                )
            )
        _db.session.commit()
        check_now(app)
    finally:
        app.config["CHANNEL_CHECK_ATTEMPTS"] = saved
    [flag] = flags_of(channel)
    assert flag.kind == "unreachable"
    assert flag.seen["days"] == 3


def test_two_days_without_an_answer_raise_none(app, people, platform, queued_for_a_worker) -> None:  # noqa: ANN001
    app.config["CHANNEL_CHECK_ATTEMPTS"], saved = 1, app.config["CHANNEL_CHECK_ATTEMPTS"]
    try:
        channel = live(people)
        platform.answer("/MECPasifika", Answer(503))
        check_now(app)
        check_again_tomorrow(app)
    finally:
        app.config["CHANNEL_CHECK_ATTEMPTS"] = saved
    assert [c.outcome for c in checks_of(channel)] == ["unreachable", "unreachable"]
    assert flags_of(channel) == []


# --- A flag: told once, seen, closed -------------------------------------------------------


def test_a_flag_is_emailed_once_to_the_liaison_and_the_team(
    app,
    people,
    platform,
    mailbox,
    queued_for_a_worker,  # noqa: ANN001
) -> None:
    channel = live(people)
    platform.answer("/MECPasifika", Answer(404))
    check_now(app)
    subject = "[MEC channel registry] Channel check: MEC Pasifika needs a look"
    for person in (people.staff_policy, people.comms, people.manager):
        assert mailbox.subjects_for(person.email) == [subject], person.email
    message = mailbox.to(people.comms.email)[0]
    body = message.get_content()
    assert "The page is gone: the platform answered 404." in body
    assert f"/channels/{channel.id}/flags/" in body
    assert mailbox.subjects_for(people.ce.email) == []

    check_again_tomorrow(app)  # still gone: the same flag, no second email
    [flag] = flags_of(channel)
    assert flag.is_open and flag.last_seen_at > flag.opened_at
    assert len(mailbox.to(people.comms.email)) == 1
    assert len(checks_of(channel)) == 2


def test_a_fine_check_closes_the_flag_as_such(app, people, platform, queued_for_a_worker) -> None:  # noqa: ANN001
    channel = live(people)
    platform.answer("/MECPasifika", Answer(404))
    check_now(app)
    platform.answer("/MECPasifika", page("MEC Pasifika", HOME))
    check_again_tomorrow(app)
    [flag] = flags_of(channel)
    assert flag.closed_at is not None and flag.closed_by_id is None
    assert flag.closed_by_check_id == checks_of(channel)[-1].id
    assert audit_actions(channel)[-1] == "channel-flag-closed-by-check" or (
        "channel-flag-closed-by-check" in audit_actions(channel)
    )


def test_the_flag_on_the_dashboard_and_channel_page_and_resolving_it(
    app,
    people,
    platform,
    client_as,
    queued_for_a_worker,  # noqa: ANN001
) -> None:
    channel = live(people)
    platform.answer("/MECPasifika", page("MEC Pasifika", HOME))
    check_now(app)
    platform.answer("/MECPasifika", page("MEC Pasifika Aotearoa", HOME))
    check_again_tomorrow(app)
    [flag] = flags_of(channel)
    comms = client_as("comms")
    dashboard = comms.get("/").get_data(as_text=True)
    assert "Channels flagged by the daily check (1)" in dashboard
    assert f"/channels/{channel.id}/flags/{flag.id}" in dashboard
    channel_page = comms.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "Flagged by the daily check" in channel_page
    assert "MEC Pasifika Aotearoa" in channel_page
    # The DCE sees the flag on the channel page, not on their dashboard, and cannot resolve it.
    dce = client_as("dce_policy")
    assert "Channels flagged" not in dce.get("/").get_data(as_text=True)
    assert "MEC Pasifika Aotearoa" in dce.get(f"/channels/{channel.id}").get_data(as_text=True)
    refused = dce.post(f"/channels/{channel.id}/flags/{flag.id}", data={"note": "Ours."})
    assert refused.status_code == 403

    empty = comms.post(f"/channels/{channel.id}/flags/{flag.id}", data={"note": "  "})
    assert empty.status_code == 200
    assert "Say what was found and done" in empty.get_data(as_text=True)
    done = comms.post(
        f"/channels/{channel.id}/flags/{flag.id}",
        data={"note": "We renamed the page for Matariki."},
    )
    assert done.status_code == 302
    [flag] = flags_of(channel)
    assert flag.closed_by_id == people.comms.id
    assert flag.resolution_note == "We renamed the page for Matariki."
    entry = _db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "channel-flag-resolved")
    )
    assert json.loads(entry.summary)["accepted_name"] == "MEC Pasifika Aotearoa"
    page_after = comms.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "We renamed the page for Matariki." in page_after
    assert "Channels flagged" not in comms.get("/").get_data(as_text=True)
    # Resolving twice: the second is refused, the note typed shown again.
    again = comms.post(f"/channels/{channel.id}/flags/{flag.id}", data={"note": "Twice."})
    assert again.status_code == 409

    # The accepted name is the one the next checks compare with: no new flag.
    services.queue_checks(agency_today() + timedelta(days=2))
    run_worker_once(app)
    assert len(flags_of(channel)) == 1
    assert checks_of(channel)[-1].outcome == "fine"


def test_a_resolved_finding_seen_again_is_not_flagged_again(
    app,
    people,
    platform,
    client_as,
    queued_for_a_worker,  # noqa: ANN001
) -> None:
    channel = live(people)
    platform.answer("/MECPasifika", Answer(404))
    check_now(app)
    [flag] = flags_of(channel)
    comms = client_as("comms")
    comms.post(
        f"/channels/{channel.id}/flags/{flag.id}",
        data={"note": "Facebook took the page down by mistake; appeal lodged."},
    )
    check_again_tomorrow(app)
    assert len(flags_of(channel)) == 1
    # Fine, then gone again: that is news, flagged again.
    platform.answer("/MECPasifika", page("MEC Pasifika", HOME))
    services.queue_checks(agency_today() + timedelta(days=2))
    run_worker_once(app)
    platform.answer("/MECPasifika", Answer(410))
    services.queue_checks(agency_today() + timedelta(days=3))
    run_worker_once(app)
    assert [(f.kind, f.is_open) for f in flags_of(channel)] == [("gone", False), ("gone", True)]


def test_a_flag_changes_nothing_the_public_sees(
    app,
    people,
    platform,
    client,
    register_on,
    queued_for_a_worker,  # noqa: ANN001
) -> None:
    """A flag is for the Communications team: the channel stays on the public register and
    "is this official?" still answers official, until a person acts (decommissions it)."""
    live(people)
    before = [
        client.get("/register/").get_data(as_text=True),
        client.get("/register/lookup", query_string={"q": HOME}).get_data(as_text=True),
    ]
    platform.answer("/MECPasifika", Answer(404))
    check_now(app)
    assert _db.session.scalar(select(ChannelFlag.id)) is not None
    after = [
        client.get("/register/").get_data(as_text=True),
        client.get("/register/lookup", query_string={"q": HOME}).get_data(as_text=True),
    ]
    assert after == before
    assert "MEC Pasifika" in after[0]


def test_other_platforms_and_closed_channels_are_not_fetched(
    app,
    people,
    platform,
    queued_for_a_worker,  # noqa: ANN001
) -> None:
    channel = live(people)
    channel.platform = "other"
    channel.platform_other = "Mastodon"
    channel.channel_url = "https://mastodon.example/@MECPasifika"
    closed = live(people, handle="MECOld", name="MEC Old")
    closed.state = "decommissioned"
    _db.session.commit()
    assert "queued for the worker: 0" in check_now(app)
    assert platform.requests == []
