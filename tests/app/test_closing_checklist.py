"""Closing a channel properly: from its closing date it is "closing" (off the public pages,
still holding its handle) until the Communications team has ticked every checklist item,
each with who and when; then it is decommissioned, once."""

from __future__ import annotations

import threading
from collections import Counter
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from registry import signals
from registry.audit.log import verify_chain
from registry.audit.models import AuditEntry
from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState
from registry.channels.queries import handle_taken_by_channel
from registry.charters.models import Charter
from registry.errors import ForbiddenError
from registry.extensions import db as _db
from registry.inventory import checklist
from registry.inventory.importing import import_channels
from registry.inventory.models import ClosureItem
from tests.public_channels import CLOSING_ANSWERS, close, finish_closing, live_channel

TODAY_FMT = "%-d %B %Y"


def imported_channel(people, handle: str = "MECNZ") -> Channel:  # noqa: ANN001
    rows = (
        "name,platform,handle,url,business unit,liaison email,date started\n"
        f"MEC New Zealand,Facebook,{handle},https://www.facebook.com/{handle},COR,"
        f"{people.comms.email},2024-03-01\n"
    )
    import_channels(rows.encode("utf-8"), people.comms)
    return _db.session.scalar(select(Channel).where(Channel.handle == handle))


def fresh(channel: Channel) -> Channel:
    _db.session.rollback()
    return _db.session.get(Channel, channel.id)


def closing_channel(client_as, people) -> Channel:  # noqa: ANN001
    channel = imported_channel(people)
    close(client_as, channel, agency_today())
    return fresh(channel)


def page(response) -> str:  # noqa: ANN001
    return response.get_data(as_text=True)


def actions(channel: Channel) -> list[str]:
    return list(
        _db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.object_type == "channel", AuditEntry.object_id == str(channel.id))
            .order_by(AuditEntry.id)
        )
    )


@pytest.fixture
def closed_signals():  # noqa: ANN201
    """Every ``channel_closed`` sent while the test runs: (channel id, state, actor id)."""
    sent: list[tuple[int, str, int]] = []

    def receiver(channel: Channel, actor) -> None:  # noqa: ANN001
        sent.append((channel.id, channel.state, actor.id))

    signals.channel_closed.connect(receiver)
    yield sent
    signals.channel_closed.disconnect(receiver)


def test_starting_to_close_makes_the_checklist_and_keeps_the_handle(client_as, people, db):
    channel = imported_channel(people)
    comms = client_as("comms")
    response = comms.post(
        f"/channels/{channel.id}/decommission",
        data={
            "decommission-decommissioned_on": agency_today().isoformat(),
            "decommission-reason": "Merged into the main page.",
        },
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/channels/{channel.id}/closing")
    channel = fresh(channel)
    assert channel.state_enum is ChannelState.CLOSING
    assert channel.decommissioned_on == agency_today()
    listing = page(comms.get(response.headers["Location"]))
    assert "Closing checklist: MEC New Zealand" in listing
    assert "1 of 5 items done." in listing
    assert "Done automatically" in listing and listing.count(">Not done<") == 4
    # Still holding its handle: nobody else may take it in the registry while it closes.
    assert handle_taken_by_channel("facebook", "MECNZ", None).id == channel.id
    assert "channel-closing" in actions(channel)
    # The channel page and the inventory say closing, with the checklist's progress.
    shown = page(comms.get(f"/channels/{channel.id}"))
    assert "Closing" in shown and "1 of 5 closing items done" in shown
    assert "Start a change" not in shown and ">Decommission<" not in shown
    inventory = page(comms.get("/inventory/?state=closing"))
    assert "MEC New Zealand" in inventory and "1 of 5 closing items done" in inventory
    # The API says so too, with the closing date.
    from registry.api.services import create_token

    token = create_token(people.comms, "closing test")[1]
    shown = comms.get(
        f"/api/v1/channels/{channel.id}", headers={"Authorization": f"Bearer {token}"}
    ).get_json()
    assert shown["state"] == "closing"
    assert shown["decommissioned_on"] == agency_today().isoformat()


def test_a_closing_channel_is_closed_on_every_public_page(
    client, client_as, people, db, register_on
):
    channel = live_channel(client_as, people, db)
    number = _db.session.scalar(
        select(Charter.number).where(Charter.proposal_id == channel.proposal_id)
    )
    close(client_as, channel, agency_today())
    assert fresh(channel).state_enum is ChannelState.CLOSING
    day = f"{agency_today():{TODAY_FMT}}"
    register = page(client.get("/register/"))
    assert "MEC Pasifika Communities" not in register
    lookup = page(client.get("/register/", query_string={"account": "@MECPasifika"}))
    assert "Yes — this is an official" not in lookup
    assert f"was ours, closed on {day} and no longer monitored" in lookup
    verify = page(client.get(f"/charters/{number}/verify"))
    assert f"Decommissioned on {day}" in verify
    assert "closed and no longer monitored" in verify
    # The same in te reo Māori.
    te_reo = page(client.get("/register/", query_string={"account": "@MECPasifika", "lang": "mi"}))
    assert "kua kore e aroturukihia" in te_reo
    # And the same when every item is done.
    finish_closing(client_as, channel)
    assert fresh(channel).state_enum is ChannelState.DECOMMISSIONED
    after = page(client.get(f"/charters/{number}/verify", query_string={"lang": "en"}))
    assert f"Decommissioned on {day}" in after


def test_the_daily_run_moves_a_scheduled_closure_into_closing(client_as, people, db, app):
    from tests.conftest import run_isolated

    channel = imported_channel(people)
    day = agency_today() + timedelta(days=5)
    close(client_as, channel, day)
    channel = fresh(channel)
    assert channel.state_enum is ChannelState.ACTIVE and not checklist.checklist_of(channel)
    runner = app.test_cli_runner()
    result = run_isolated(runner.invoke, args=["registry", "remind", "--today", day.isoformat()])
    assert result.exit_code == 0, result.output
    channel = fresh(channel)
    assert channel.state_enum is ChannelState.CLOSING
    assert channel.decommissioned_on == day
    items = checklist.checklist_of(channel)
    assert [i.kind.key for i in items if i.done] == ["register"]
    assert items[-1].row.ticked_by_label == checklist.AUTOMATIC_LABEL
    listing = page(client_as("comms").get(f"/channels/{channel.id}/closing"))
    assert "1 of 5 items done." in listing


def test_ticking_every_item_decommissions_the_channel_once(client_as, people, db, closed_signals):
    channel = closing_channel(client_as, people)
    comms = client_as("comms")
    keys = list(CLOSING_ANSWERS)
    for key in keys[:-1]:
        response = comms.post(f"/channels/{channel.id}/closing/{key}", data=CLOSING_ANSWERS[key])
        assert response.status_code == 302
        assert fresh(channel).state_enum is ChannelState.CLOSING
    assert closed_signals == []
    last = keys[-1]
    response = client_as("manager").post(
        f"/channels/{channel.id}/closing/{last}", data=CLOSING_ANSWERS[last]
    )
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/channels/{channel.id}")
    channel = fresh(channel)
    assert channel.state_enum is ChannelState.DECOMMISSIONED
    assert closed_signals == [(channel.id, "decommissioned", people.manager.id)]
    assert actions(channel).count("channel-decommissioned") == 1
    assert actions(channel).count("closure-item-ticked") == 4
    # Who ticked what, and when, stays on the checklist.
    listing = page(comms.get(f"/channels/{channel.id}/closing"))
    assert "5 of 5 items done." in listing
    assert listing.count(f"Done by {people.comms.display_name}") == 3
    assert f"Done by {people.manager.display_name}" in listing
    records = page(comms.get(f"/channels/{channel.id}/closing/records"))
    assert "DA 1234" in records and "Records file 2026/17" in records
    assert "Untick" not in records  # decommissioned: its checklist is closed
    history = page(comms.get(f"/channels/{channel.id}"))
    assert "Disposal authority: DA 1234" in history and "Decommissioned" in history
    # Decommissioned: the handle is free again, and nothing more can be ticked or unticked.
    assert handle_taken_by_channel("facebook", "MECNZ", None) is None
    again = comms.post(
        f"/channels/{channel.id}/closing/records/untick", data={"reason": "Wrong file."}
    )
    assert again.status_code == 409 and "Wrong file." in page(again)
    assert verify_chain()[1] is None


def _post(client, channel: Channel, key: str, data: dict):  # noqa: ANN001, ANN202
    return client.post(f"/channels/{channel.id}/closing/{key}", data=data)


def test_the_final_post_needs_its_address_and_where_it_points(client_as, people, db):
    channel = closing_channel(client_as, people)
    comms = client_as("comms")
    empty = page(_post(comms, channel, "final-post", {"post_url": "", "points_to": ""}))
    assert "There is a problem" in empty and "<title>Error:" in empty
    assert 'href="#post_url"' in empty and 'href="#points_to"' in empty
    typed = "Our main Facebook page"
    bad = _post(comms, channel, "final-post", {"post_url": "facebook post", "points_to": typed})
    assert bad.status_code == 200
    shown = page(bad)
    assert "starting https://" in shown and typed in shown and 'value="facebook post"' in shown
    plain = _post(
        comms, channel, "final-post", {"post_url": "http://facebook.com/x", "points_to": typed}
    )
    assert "starting https://" in page(plain)
    assert not checklist.checklist_of(fresh(channel))[0].done


def test_the_profile_must_be_confirmed(client_as, people, db):
    channel = closing_channel(client_as, people)
    shown = page(_post(client_as("comms"), channel, "profile", {}))
    assert "Confirm the channel" in shown and 'href="#confirmed"' in shown


def test_a_released_handle_needs_a_reason_and_dormant_is_the_default(client_as, people, db):
    channel = closing_channel(client_as, people)
    comms = client_as("comms")
    form = page(comms.get(f"/channels/{channel.id}/closing/handle"))
    assert (
        '<input checked id="outcome-0" name="outcome" required type="radio" value="dormant">'
        in form
    )
    shown = page(_post(comms, channel, "handle", {"outcome": "released", "release_reason": ""}))
    assert "Give the reason the handle is released" in shown
    assert 'href="#release_reason"' in shown
    assert (
        '<input checked id="outcome-1" name="outcome" required type="radio" value="released">'
        in shown
    )
    odd = page(_post(comms, channel, "handle", {"outcome": "sold", "release_reason": "x"}))
    assert "There is a problem" in odd
    released = _post(
        comms, channel, "handle", {"outcome": "released", "release_reason": "Name taken over."}
    )
    assert released.status_code == 302
    handle = checklist.checklist_of(fresh(channel))[2]
    assert handle.done and handle.row.details == {
        "outcome": "released",
        "release_reason": "Name taken over.",
    }


def test_records_need_the_disposal_authority_and_where_the_export_is(client_as, people, db):
    channel = closing_channel(client_as, people)
    shown = page(
        _post(
            client_as("comms"),
            channel,
            "records",
            {"disposal_authority": "DA 1234", "export_location": ""},
        )
    )
    assert "Say where the exported content is kept" in shown
    assert 'value="DA 1234"' in shown and 'href="#export_location"' in shown
    long = page(
        _post(
            client_as("comms"),
            channel,
            "records",
            {"disposal_authority": "D" * 201, "export_location": "File 1"},
        )
    )
    assert "under 200 characters" in long and 'value="File 1"' in long


def test_an_item_is_corrected_by_unticking_it_with_a_reason(client_as, people, db):
    channel = closing_channel(client_as, people)
    comms = client_as("comms")
    assert _post(comms, channel, "records", CLOSING_ANSWERS["records"]).status_code == 302
    twice = _post(comms, channel, "records", CLOSING_ANSWERS["records"])
    assert twice.status_code == 409 and "already ticked" in page(twice)
    untick = f"/channels/{channel.id}/closing/records/untick"
    no_reason = comms.post(untick, data={"reason": ""})
    assert no_reason.status_code == 200
    assert "Give the reason the item is unticked." in page(no_reason)
    assert checklist.checklist_of(fresh(channel))[3].done
    done = comms.post(untick, data={"reason": "Wrong disposal authority."})
    assert done.status_code == 302
    assert not checklist.checklist_of(fresh(channel))[3].done
    entry = _db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "closure-item-unticked")
    ).one()
    assert "Wrong disposal authority." in entry.summary and "DA 1234" in entry.summary
    # The automatic item is the registry's: nobody unticks it, and there is no page to tick it.
    auto = comms.post(
        f"/channels/{channel.id}/closing/register/untick", data={"reason": "Testing."}
    )
    assert auto.status_code == 409
    assert comms.get(f"/channels/{channel.id}/closing/nonsense").status_code == 404


@pytest.mark.parametrize("role", ["staff_policy", "dce_community", "ce", "admin"])
def test_only_the_communications_team_works_the_checklist(client_as, people, db, role):
    channel = closing_channel(client_as, people)
    other = client_as(role)
    assert other.get(f"/channels/{channel.id}/closing").status_code in (403, 404)
    assert _post(other, channel, "records", CLOSING_ANSWERS["records"]).status_code in (403, 404)
    assert not checklist.checklist_of(fresh(channel))[3].done
    with pytest.raises(ForbiddenError):
        checklist.tick(channel.id, "records", getattr(people, role), CLOSING_ANSWERS["records"])


def test_an_active_channel_has_no_checklist(client_as, people, db):
    channel = imported_channel(people)
    response = client_as("comms").get(f"/channels/{channel.id}/closing")
    assert response.status_code == 409


def test_the_dashboard_shows_the_team_what_is_still_closing(client_as, people, db):
    channel = closing_channel(client_as, people)
    comms = page(client_as("comms").get("/"))
    assert "Channels still closing" in comms and "1 of 5 items done" in comms
    assert f"/channels/{channel.id}/closing" in comms
    assert "Channels still closing" not in page(client_as("dce_policy").get("/"))
    finish_closing(client_as, channel)
    assert "Channels still closing" not in page(client_as("comms").get("/"))


def test_two_people_ticking_the_last_two_items_at_once_decommission_once(
    client_as, people, db, closed_signals
):
    channel = closing_channel(client_as, people)
    channel_id = channel.id
    comms = client_as("comms")
    for key in ("final-post", "profile"):
        assert _post(comms, channel, key, CLOSING_ANSWERS[key]).status_code == 302
    clients = [client_as("comms"), client_as("manager")]
    keys = ["handle", "records"]
    barrier = threading.Barrier(2)
    statuses: list[int] = []

    def attempt(client, key: str) -> None:  # noqa: ANN001
        barrier.wait()
        url = f"/channels/{channel_id}/closing/{key}"
        statuses.append(client.post(url, data=CLOSING_ANSWERS[key]).status_code)

    threads = [
        threading.Thread(target=attempt, args=pair) for pair in zip(clients, keys, strict=True)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    _db.session.rollback()
    assert Counter(statuses) == Counter({302: 2})
    assert fresh(channel).state_enum is ChannelState.DECOMMISSIONED
    assert actions(channel).count("channel-decommissioned") == 1
    assert len(closed_signals) == 1
    assert (
        _db.session.scalar(
            select(func.count(ClosureItem.id)).where(ClosureItem.ticked_at.is_(None))
        )
        == 0
    )
    assert verify_chain()[1] is None
