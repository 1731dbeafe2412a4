"""Decommissioning: a future date schedules the closure, a date before the start is refused."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState
from registry.extensions import db as _db
from registry.inventory.importing import import_channels
from tests.conftest import build_app, make_config, run_isolated
from tests.workflow import live_channel

STARTED = date(2024, 3, 1)


@pytest.fixture
def cli(app, db):  # noqa: ANN001, ARG001
    runner = app.test_cli_runner()
    return lambda *args: run_isolated(runner.invoke, args=list(args))


def imported_channel(people) -> Channel:  # noqa: ANN001
    rows = (
        "name,platform,handle,url,business unit,liaison email,date started\n"
        "MEC New Zealand,Facebook,MECNZ,https://www.facebook.com/MECNZ,COR,"
        f"{people.comms.email},{STARTED.isoformat()}\n"
    )
    import_channels(rows.encode("utf-8"), people.comms)
    return _db.session.scalar(select(Channel).where(Channel.handle == "MECNZ"))


def fresh(channel: Channel) -> Channel:
    # End the test's read snapshot: the CLI commits in its own context.
    _db.session.rollback()
    return _db.session.get(Channel, channel.id)


def close(client, channel: Channel, on: date | str, reason: str = "Merged into the main page."):  # noqa: ANN001, ANN201
    day = on if isinstance(on, str) else on.isoformat()
    return client.post(
        f"/channels/{channel.id}/decommission",
        data={"decommission-decommissioned_on": day, "decommission-reason": reason},
    )


def actions(channel: Channel) -> list[str]:
    return list(
        _db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "channel", AuditEntry.object_id == str(channel.id))
            .order_by(AuditEntry.id)
        )
    )


def test_a_future_date_schedules_the_closure_and_remind_closes_it_on_the_day(
    client_as, people, db, client, cli, register_on
):
    channel = imported_channel(people)
    day = agency_today() + timedelta(days=10)
    comms = client_as("comms")
    response = close(comms, channel, day)
    assert response.status_code == 302
    assert f"will close on {day:%-d %B %Y}" in comms.get(response.headers["Location"]).get_data(
        as_text=True
    )
    channel = fresh(channel)
    assert channel.state_enum is ChannelState.ACTIVE
    assert channel.closure_scheduled_on == day and channel.decommissioned_on is None
    closing = f"losing on {day:%-d %B %Y}"
    register = client.get("/register/").get_data(as_text=True)
    assert "MEC New Zealand" in register and closing in register
    lookup = client.get("/register/?account=@MECNZ").get_data(as_text=True)
    assert "Yes — this is an official" in lookup
    assert closing in comms.get("/inventory/").get_data(as_text=True)
    assert closing in comms.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "channel-closure-scheduled" in actions(channel)

    early = cli("registry", "remind", "--today", (day - timedelta(days=1)).isoformat())
    assert early.exit_code == 0, early.output
    assert fresh(channel).state_enum is ChannelState.ACTIVE

    result = cli("registry", "remind", "--today", (day + timedelta(days=2)).isoformat())
    assert result.exit_code == 0, result.output
    assert "Channels closed on their scheduled day: 1" in result.output
    channel = fresh(channel)
    # Closed on its day: closing, with its checklist to work through before decommissioning.
    assert channel.state_enum is ChannelState.CLOSING
    assert "closing checklist is to be done" in result.output
    assert channel.decommissioned_on == day  # the scheduled day, not the day remind ran
    assert channel.decommission_reason == "Merged into the main page."
    assert channel.closure_scheduled_on is None
    assert "MEC New Zealand" not in client.get("/register/").get_data(as_text=True)
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "channel-closing")
    ).one()
    assert entry.actor_id is None and "remind" in entry.actor_label
    again = cli("registry", "remind", "--today", (day + timedelta(days=3)).isoformat())
    assert "Channels closed on their scheduled day: 0" in again.output
    assert cli("audit", "verify").exit_code == 0


def test_comms_can_cancel_a_scheduled_closure(client_as, people, db, cli):
    channel = imported_channel(people)
    day = agency_today() + timedelta(days=3)
    assert close(client_as("comms"), channel, day).status_code == 302
    cancel = f"/channels/{channel.id}/closure/cancel"
    assert client_as("staff_policy").post(cancel).status_code == 403
    assert client_as("comms").post(cancel).status_code == 302
    channel = fresh(channel)
    assert channel.closure_scheduled_on is None and channel.state_enum is ChannelState.ACTIVE
    assert "channel-closure-cancelled" in actions(channel)
    assert client_as("comms").post(cancel).status_code == 409
    cli("registry", "remind", "--today", (day + timedelta(days=1)).isoformat())
    assert fresh(channel).state_enum is ChannelState.ACTIVE


def test_a_date_before_the_channel_started_is_refused_at_the_field(client_as, people, db):
    channel = imported_channel(people)
    comms = client_as("comms")
    response = close(comms, channel, STARTED - timedelta(days=1), reason="Typed reason kept")
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "There is a problem" in page
    assert 'href="#decommission-decommissioned_on"' in page
    assert "started on 1 March 2024" in page
    assert "Typed reason kept" in page and "2024-02-29" in page
    assert fresh(channel).state_enum is ChannelState.ACTIVE

    # The start day itself, or any past day after it, closes the channel at once.
    assert close(comms, channel, STARTED).status_code == 302
    channel = fresh(channel)
    assert channel.state_enum is ChannelState.CLOSING
    assert channel.decommissioned_on == STARTED


def test_a_channel_that_went_live_today_cannot_close_yesterday(client_as, people, db):
    channel = live_channel(client_as, people)
    comms = client_as("comms")
    yesterday = agency_today() - timedelta(days=1)
    refused = close(comms, channel, yesterday)
    assert refused.status_code == 200 and "cannot close before then" in refused.get_data(
        as_text=True
    )
    assert close(comms, channel, agency_today()).status_code == 302
    assert fresh(channel).state_enum is ChannelState.CLOSING


def test_the_review_page_schedules_and_refuses_the_same_way(client_as, people, db):
    channel = imported_channel(people)
    comms = client_as("comms")
    answers = {
        "still_needed": "no",
        "terms_accurate": "yes",
        "hours_kept": "yes",
        "spokespeople_right": "yes",
        "outcome": "decommission",
        "decommission-reason": "No longer needed.",
    }
    refused = comms.post(
        f"/channels/{channel.id}/review",
        data={**answers, "decommission-decommissioned_on": "2020-01-01"},
    )
    assert refused.status_code == 200
    assert 'href="#decommission-decommissioned_on"' in refused.get_data(as_text=True)
    day = agency_today() + timedelta(days=30)
    scheduled = comms.post(
        f"/channels/{channel.id}/review",
        data={**answers, "decommission-decommissioned_on": day.isoformat()},
    )
    assert scheduled.status_code == 302
    channel = fresh(channel)
    assert channel.state_enum is ChannelState.ACTIVE and channel.closure_scheduled_on == day


def test_remind_refuses_a_pretend_today_in_production(database_url, db):
    config = make_config(database_url, ENV_NAME="production", SECRET_KEY="x" * 64)
    runner = build_app(config).test_cli_runner()
    result = run_isolated(runner.invoke, args=["registry", "remind", "--today", "2030-01-01"])
    assert result.exit_code == 1
    assert "--today is for development and testing only" in result.output
