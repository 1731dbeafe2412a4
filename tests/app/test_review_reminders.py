"""Review reminders through `flask registry remind`, delivered by the real SMTP server on
loopback: 30, 14 and 0 days before review_due, each once per cycle to whoever has not
attested yet; a missed day sends the latest threshold passed, once; an overdue review
escalates to the Manager Communications once."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import update

from registry.auth.models import Office
from registry.auth.offices import agency_today
from registry.channels.models import Channel
from registry.extensions import db as _db
from tests import factories
from tests.conftest import run_isolated
from tests.workflow import live_channel


@pytest.fixture
def remind(app, db):  # noqa: ANN001, ANN201
    runner = app.test_cli_runner()

    def run(day):  # noqa: ANN001, ANN202
        result = run_isolated(
            runner.invoke, args=["registry", "remind", "--today", day.isoformat()]
        )
        assert result.exit_code == 0, result.output
        _db.session.rollback()
        return result

    return run


def reviews_to(mailbox, person) -> list[str]:  # noqa: ANN001
    return [s.strip() for s in mailbox.subjects_for(person.email) if "Channel review" in s]


def due_on(channel: Channel, day) -> Channel:  # noqa: ANN001
    _db.session.execute(update(Channel).where(Channel.id == channel.id).values(review_due=day))
    _db.session.commit()
    _db.session.expire_all()
    return _db.session.get(Channel, channel.id)


def test_thirty_fourteen_and_zero_days_once_each_then_one_escalation(
    client_as, people, db, mailbox, remind
):
    due = agency_today() + timedelta(days=40)
    channel = due_on(live_channel(client_as, people), due)
    owner, dce, liaison, manager = (
        people.staff_policy,
        people.dce_policy,
        people.comms,
        people.manager,
    )

    remind(due - timedelta(days=31))
    assert reviews_to(mailbox, owner) == []  # not yet

    for day, expected in ((30, 1), (29, 1), (14, 2), (14, 2), (1, 2), (0, 3), (0, 3)):
        remind(due - timedelta(days=day))
        for person in (owner, dce, liaison):
            assert len(reviews_to(mailbox, person)) == expected, (day, person.display_name)
        assert reviews_to(mailbox, manager) == []  # not overdue yet

    body = mailbox.to(owner.email)[-1].get_content()
    assert f"/channels/{channel.id}/attest" in body and "is due today" in body

    remind(due + timedelta(days=1))
    remind(due + timedelta(days=1))  # the daily run, twice
    remind(due + timedelta(days=5))
    escalations = reviews_to(mailbox, manager)
    assert escalations == [f"[MEC channel registry] Channel review overdue: {channel.name}"]
    assert "still awaiting" in mailbox.to(manager.email)[-1].get_content()
    for person in (owner, dce, liaison):
        assert len(reviews_to(mailbox, person)) == 3  # nothing more after the day itself


def test_a_missed_day_sends_the_latest_threshold_once_and_only_to_who_has_not_attested(
    client_as, people, db, mailbox, remind
):
    due = agency_today() + timedelta(days=20)
    channel = due_on(live_channel(client_as, people), due)
    # The run was down until 12 days before: the 30-day reminder is past, the 14-day one
    # is the latest threshold passed. One reminder, not two.
    remind(due - timedelta(days=12))
    assert len(reviews_to(mailbox, people.staff_policy)) == 1
    assert len(reviews_to(mailbox, people.comms)) == 1
    remind(due - timedelta(days=11))
    assert len(reviews_to(mailbox, people.comms)) == 1

    # The owner attests: the day's reminder goes to the liaison alone.
    response = client_as("staff_policy").post(
        f"/channels/{channel.id}/attest",
        data={
            "still_needed": "yes",
            "terms_accurate": "yes",
            "hours_kept": "yes",
            "spokespeople_right": "yes",
            "signed_name": "Tama Rāwiri",
            "cycle": str(channel.review_cycle),
            "outcome": "attest",
        },
    )
    assert response.status_code == 302
    remind(due)
    assert len(reviews_to(mailbox, people.staff_policy)) == 1
    assert len(reviews_to(mailbox, people.dce_policy)) == 1
    assert len(reviews_to(mailbox, people.comms)) == 2


def test_escalation_goes_to_whoever_holds_the_office_that_day_acting_included(
    client_as, people, db, mailbox, remind
):
    channel = due_on(live_channel(client_as, people), agency_today() - timedelta(days=3))
    acting = factories.make_user("rawiri.acting", people.corporate, "Rāwiri Acting")
    factories.appoint(acting, Office.MANAGER_COMMUNICATIONS, acting=True, starts_on=agency_today())
    remind(agency_today())
    assert reviews_to(mailbox, people.manager) == [
        f"[MEC channel registry] Channel review overdue: {channel.name}"
    ]
    assert reviews_to(mailbox, acting) == reviews_to(mailbox, people.manager)
    # And on their dashboard, with what is still awaited.
    home = client_as("manager").get("/").get_data(as_text=True)
    assert "Overdue reviews escalated to me (1)" in home
    assert "the business unit&#39;s owner and the Communications liaison" in home
    assert "Overdue reviews escalated to me" not in client_as("comms").get("/").get_data(
        as_text=True
    )


def test_recertifying_starts_a_new_cycle_with_its_own_reminders(
    client_as, people, db, mailbox, remind
):
    due = agency_today() + timedelta(days=5)
    channel = due_on(live_channel(client_as, people), due)
    remind(agency_today())
    assert len(reviews_to(mailbox, people.comms)) == 1
    for role, name in (("staff_policy", "Tama Rāwiri"), ("comms", "Mere Tane")):
        response = client_as(role).post(
            f"/channels/{channel.id}/attest",
            data={
                "still_needed": "yes",
                "terms_accurate": "yes",
                "hours_kept": "yes",
                "spokespeople_right": "yes",
                "signed_name": name,
                "cycle": "0",
                "outcome": "attest",
            },
        )
        assert response.status_code == 302
    _db.session.expire_all()
    channel = _db.session.get(Channel, channel.id)
    assert channel.review_cycle == 1
    remind(agency_today())  # recertified: nothing due
    assert len(reviews_to(mailbox, people.comms)) == 1
    remind(channel.review_due - timedelta(days=30))  # the next cycle's first reminder
    assert len(reviews_to(mailbox, people.comms)) == 2
