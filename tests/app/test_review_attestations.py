"""Recertification is two attestations, the business unit's owner's and the liaison's, by two
different people, each in a capacity they hold that day; the second recertifies the channel."""

from __future__ import annotations

from datetime import timedelta

from sqlalchemy import select, update

from registry.audit.models import AuditEntry
from registry.auth.models import Office
from registry.auth.offices import agency_today
from registry.channels.models import Channel
from registry.extensions import db as _db
from registry.inventory.attestation_models import ReviewAttestation
from registry.inventory.models import ChannelReview
from registry.proposals.models import Proposal
from registry.timeutil import add_months
from tests import factories
from tests.workflow import live_channel

YES = {
    "still_needed": "yes",
    "terms_accurate": "yes",
    "hours_kept": "yes",
    "spokespeople_right": "yes",
}


def fresh(channel: Channel) -> Channel:
    _db.session.expire_all()
    return _db.session.get(Channel, channel.id)


def attest(client, channel: Channel, name: str, **overrides: str):  # noqa: ANN001, ANN201
    data = {
        **YES,
        "notes": "",
        "signed_name": name,
        "cycle": str(channel.review_cycle),
        "outcome": "attest",
    }
    data.update(overrides)
    return client.post(f"/channels/{channel.id}/attest", data=data)


def attestations(channel: Channel) -> list[ReviewAttestation]:
    _db.session.expire_all()
    return list(
        _db.session.scalars(
            select(ReviewAttestation)
            .where(ReviewAttestation.channel_id == channel.id)
            .order_by(ReviewAttestation.id)
        )
    )


def due_in(channel: Channel, days: int) -> Channel:
    _db.session.execute(
        update(Channel)
        .where(Channel.id == channel.id)
        .values(review_due=agency_today() + timedelta(days=days))
    )
    _db.session.commit()
    return fresh(channel)


def test_the_owner_then_the_liaison_recertify_it(client_as, people, db):
    channel = due_in(live_channel(client_as, people), 10)
    cycle = channel.review_due
    owner, liaison = client_as("staff_policy"), client_as("comms")

    # Both see it waiting for them on their dashboard, with the due date.
    for client in (owner, liaison):
        home = client.get("/").get_data(as_text=True)
        assert "Channel reviews waiting for my attestation (1)" in home
        assert format(cycle, "%-d %B %Y") in home

    first = attest(owner, channel, people.staff_policy.display_name, notes="Still our voice.")
    assert first.status_code == 302
    assert fresh(channel).review_due == cycle  # one attestation is not a recertification
    page = liaison.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "This review: attestations" in page
    reference = _db.session.get(Proposal, channel.proposal_id).reference
    assert people.staff_policy.display_name in page and f"Proposer of {reference}" in page
    assert "Awaited, from Mere Tane" in page
    assert "Channel reviews waiting for my attestation" not in owner.get("/").get_data(as_text=True)

    second = attest(liaison, channel, "  mere   TANE ")  # the name, however it is spaced
    assert second.status_code == 302
    done = liaison.get(second.headers["Location"]).get_data(as_text=True)
    assert "Both attestations are in" in done
    channel = fresh(channel)
    assert channel.review_due == add_months(agency_today(), 12)
    assert channel.last_reviewed_at is not None
    review = _db.session.scalars(
        select(ChannelReview).where(ChannelReview.channel_id == channel.id)
    ).one()
    assert review.outcome == "recertified"
    assert (review.owner_attester_id, review.liaison_attester_id) == (
        people.staff_policy.id,
        people.comms.id,
    )
    assert "Still our voice." in review.notes
    assert [(a.role, a.capacity, a.cycle, a.cycle_due) for a in attestations(channel)] == [
        ("owner", f"Proposer of {reference}", 0, cycle),
        ("liaison", "Communications liaison", 0, cycle),
    ]
    assert channel.review_cycle == 1
    actions = list(
        db.session.scalars(
            select(AuditEntry.action)
            .where(AuditEntry.action.in_(["channel-review-attested", "channel-recertified"]))
            .order_by(AuditEntry.id)
        )
    )
    assert actions == ["channel-review-attested", "channel-review-attested", "channel-recertified"]
    # The new cycle starts empty, and shows on the page when it comes due.
    page = liaison.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "recertified, attested by Tama Rāwiri (owner) and Mere Tane (liaison)" in page
    assert "Awaited, from" not in page
    page = liaison.get(f"/channels/{due_in(channel, 20).id}").get_data(as_text=True)
    assert page.count("Awaited, from") == 2


def test_one_person_cannot_give_both_and_is_told_who_can(client_as, people, db):
    channel = live_channel(client_as, people)
    # Mere, the liaison, is also acting DCE of Policy: she holds both capacities.
    factories.appoint(people.comms, Office.DCE, people.policy, acting=True)
    mere = client_as("comms")
    form = mere.get(f"/channels/{channel.id}/attest").get_data(as_text=True)
    assert "You attest as" in form and "Acting Deputy Chief Executive, Policy" in form

    assert attest(mere, channel, "Mere Tane", role="liaison").status_code == 302
    refused = attest(mere, channel, "Mere Tane", role="owner", notes="Typed twice.")
    assert refused.status_code == 403
    page = refused.get_data(as_text=True)
    assert "One person cannot give both attestations" in page
    assert "Tama Rāwiri, Daniel Chen" in page  # who else can give the owner's
    assert len(attestations(channel)) == 1
    assert fresh(channel).last_reviewed_at is None
    # The page itself says so too, before anything is typed.
    again = mere.get(f"/channels/{channel.id}/attest")
    assert again.status_code == 403 and "Tama Rāwiri, Daniel Chen" in again.get_data(as_text=True)
    # Someone else gives it: recertified.
    assert attest(client_as("dce_policy"), channel, "Daniel Chen").status_code == 302
    assert fresh(channel).last_reviewed_at is not None


def test_someone_holding_no_capacity_is_refused_and_told_who_can(client_as, people, db):
    channel = live_channel(client_as, people)
    ce = client_as("ce")  # sees every channel, holds neither capacity
    page = ce.get(f"/channels/{channel.id}/attest")
    assert page.status_code == 403
    text = page.get_data(as_text=True)
    assert "You hold no capacity to attest" in text
    assert "Tama Rāwiri, Daniel Chen" in text and "Mere Tane" in text
    assert attest(ce, channel, "Priya Sharma", role="owner").status_code == 403
    # The Manager Communications is in the team, but the channel has its own liaison.
    assert attest(client_as("manager"), channel, "Hemi Walker").status_code == 403
    assert attestations(channel) == []


def test_a_deactivated_liaison_leaves_it_to_the_communications_team(client_as, people, db):
    from registry.auth import services

    channel = live_channel(client_as, people)
    mere = people.comms
    services.update_user(mere, people.admin, mere.display_name, mere.business_unit, False)
    assert attest(client_as("manager"), channel, "Hemi Walker").status_code == 302
    assert [a.capacity for a in attestations(channel)] == ["Communications team"]


def test_a_no_is_not_an_attestation_and_offers_a_change_or_closing(client_as, people, db, mailbox):
    channel = live_channel(client_as, people)
    owner = client_as("staff_policy")
    refused = attest(owner, channel, "Tama Rāwiri", hours_kept="no", notes="Weekends slipped.")
    assert refused.status_code == 200
    page = refused.get_data(as_text=True)
    assert "Not every answer is yes, so this is not an attestation" in page
    assert "Start a change" in page and "Ask the Communications team to close it" in page
    assert "Weekends slipped." in page
    assert attestations(channel) == []

    asked = attest(
        owner, channel, "", hours_kept="no", notes="Weekends slipped.", outcome="ask-close"
    )
    assert asked.status_code == 302
    review = _db.session.scalars(
        select(ChannelReview).where(ChannelReview.channel_id == channel.id)
    ).one()
    assert review.outcome == "closure-asked" and review.hours_kept is False
    assert "Closing asked" in " ".join(mailbox.subjects_for(people.comms.email))
    assert fresh(channel).last_reviewed_at is None

    change = attest(owner, channel, "", still_needed="no", outcome="change")
    assert change.status_code == 302 and "/proposals/" in change.headers["Location"]


def test_refused_forms_keep_what_was_typed(client_as, people, db):
    channel = live_channel(client_as, people)
    owner = client_as("staff_policy")
    missing = attest(owner, channel, "Tama Rāwiri", hours_kept="", notes="Kept, mostly.")
    assert missing.status_code == 200
    page = missing.get_data(as_text=True)
    assert "There is a problem" in page
    assert "Say whether the hours of monitoring are being kept." in page
    assert "Kept, mostly." in page and 'value="Tama Rāwiri"' in page
    unsigned = attest(owner, channel, "Someone Else", notes="Kept, mostly.")
    assert unsigned.status_code == 200
    page = unsigned.get_data(as_text=True)
    assert "Sign with your name as the registry knows it: Tama Rāwiri." in page
    assert "Kept, mostly." in page and 'value="Someone Else"' in page
    assert attestations(channel) == []


def test_an_attestation_for_a_cycle_already_recertified_is_refused(client_as, people, db):
    channel = live_channel(client_as, people)
    stale_cycle = str(channel.review_cycle)
    assert attest(client_as("staff_policy"), channel, "Tama Rāwiri").status_code == 302
    assert attest(client_as("comms"), channel, "Mere Tane").status_code == 302
    # Daniel's form was opened before: it is for the cycle that has just closed.
    late = attest(client_as("dce_policy"), channel, "Daniel Chen", cycle=stale_cycle)
    assert late.status_code == 409
    assert "recertified meanwhile" in late.get_data(as_text=True)
    assert len(attestations(channel)) == 2
