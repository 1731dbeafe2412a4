"""The inventory through the HTTP client: who sees what, filters, go-live, review, decommission."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

import pytest
from sqlalchemy import event, select

from registry.audit.models import AuditEntry
from registry.channels.models import Channel, ChannelState
from registry.charters.models import Charter
from registry.extensions import db as _db
from registry.inventory.models import ChannelReview
from registry.proposals.models import Proposal, ProposalState
from registry.timeutil import add_months, local_date
from tests.inventory_data import seed_channels
from tests.proposal_data import good_form
from tests.public_channels import finish_closing
from tests.workflow import accept_security_risk, approved_proposal, change_and_submit, decide


def channel_of(db, proposal) -> Channel:  # noqa: ANN001
    db.session.expire_all()
    return db.session.scalar(select(Channel).where(Channel.proposal_id == proposal.id))


@contextmanager
def counting_queries():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        statements.append(statement)

    engine = _db.engine
    event.listen(engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", count)


def live_channel(client_as, people, db):  # noqa: ANN001
    proposal = approved_proposal(client_as, people)
    channel = channel_of(db, proposal)
    accept_security_risk(client_as, channel.id)
    response = client_as("comms").post(
        f"/channels/{channel.id}/live", data={"channel_url": "https://www.facebook.com/MECPasifika"}
    )
    assert response.status_code == 302
    return channel_of(db, proposal)


def test_approval_creates_the_channel_and_comms_marks_it_live(client_as, people, db, app):
    proposal = approved_proposal(client_as, people)
    channel = channel_of(db, proposal)
    assert channel.state_enum is ChannelState.APPROVED and channel.name == proposal.title
    accept_security_risk(client_as, channel.id)
    comms = client_as("comms")
    wrong = comms.post(
        f"/channels/{channel.id}/live",
        data={"channel_url": "https://www.instagram.com/MECPasifika"},
    )
    assert wrong.status_code == 200
    assert "There is a problem" in wrong.get_data(as_text=True)
    assert channel_of(db, proposal).state_enum is ChannelState.APPROVED
    assert (
        client_as("staff_policy")
        .post(
            f"/channels/{channel.id}/live",
            data={"channel_url": "https://www.facebook.com/MECPasifika"},
        )
        .status_code
        == 403
    )
    response = comms.post(
        f"/channels/{channel_of(db, proposal).id}/live",
        data={"channel_url": "https://www.facebook.com/MECPasifika"},
    )
    assert response.status_code == 302
    channel = channel_of(db, proposal)
    assert channel.state_enum is ChannelState.ACTIVE
    expected = add_months(local_date(proposal.approved_at, "Pacific/Auckland"), 12)
    assert channel.review_due == expected
    again = comms.post(
        f"/channels/{channel.id}/live", data={"channel_url": "https://www.facebook.com/MECPasifika"}
    )
    assert again.status_code == 409


@pytest.mark.parametrize("role", ["staff_policy", "staff_community", "admin"])
def test_staff_cannot_open_the_inventory(client_as, role):
    response = client_as(role).get("/inventory/")
    assert response.status_code == 403
    assert "The inventory is for the Communications team" in response.get_data(as_text=True)


def test_a_dce_sees_only_their_units(client_as, people, db):
    seed_channels(20, [people.policy, people.community])
    policy_page = client_as("dce_policy").get("/inventory/?per_page=100").get_data(as_text=True)
    community_page = (
        client_as("dce_community").get("/inventory/?per_page=100").get_data(as_text=True)
    )
    comms_page = client_as("comms").get("/inventory/?per_page=100").get_data(as_text=True)
    assert "Seeded channel 00000" in policy_page and "Seeded channel 00001" not in policy_page
    assert "Seeded channel 00001" in community_page and "Seeded channel 00000" not in community_page
    assert "20 channels in the inventory." in comms_page
    # Another unit's channel by id is not there for them either.
    other = db.session.scalar(select(Channel).where(Channel.name == "Seeded channel 00001"))
    assert client_as("dce_policy").get(f"/channels/{other.id}").status_code == 404


def test_filters_search_sort_and_pagination(client_as, people, db):
    seed_channels(120, [people.policy, people.community])
    comms = client_as("comms")
    page = comms.get("/inventory/").get_data(as_text=True)
    assert "120 channels in the inventory." in page and "Page 1 of 5." in page
    assert "<strong>96</strong> active" in page and "<strong>12</strong> decommissioned" in page
    page = comms.get("/inventory/?platform=x&state=active").get_data(as_text=True)
    rows = re.findall(r"Seeded channel (\d{5})", page)
    assert rows and all(int(n) % 6 == 2 and int(n) % 10 not in (8, 9) for n in rows)
    assert (
        comms.get("/inventory/?q=%40seed_00042")
        .get_data(as_text=True)
        .count("Seeded channel 00042")
        == 1
    )
    assert "1 channel matches these filters" in comms.get("/inventory/?q=SEED_00042").get_data(
        as_text=True
    )
    assert "0 channels match these filters" in comms.get("/inventory/?q=%25").get_data(
        as_text=True
    )  # % is literal
    desc = comms.get("/inventory/?sort=name&direction=desc").get_data(as_text=True)
    assert re.findall(r"Seeded channel (\d{5})", desc)[0] == "00119"
    page3 = comms.get("/inventory/?page=3&per_page=50").get_data(as_text=True)
    assert "Page 3 of 3." in page3 and "Seeded channel 00100" in page3
    assert 'href="?page=2&amp;per_page=50" rel="prev"' in page3
    no_charter = comms.get("/inventory/?no_charter=1&per_page=100").get_data(as_text=True)
    assert "40 channels match these filters (of 120 in the inventory)." in no_charter
    overdue = comms.get("/inventory/?review=overdue").get_data(as_text=True)
    assert "Overdue" in overdue
    # Odd values are named on the page, never a 500 (tests/app/test_filter_checks.py).
    assert (
        comms.get("/inventory/?page=-4&per_page=zzz&sort=drop&unit=1e9&state=%00").status_code
        == 400
    )


def test_query_count_is_the_same_at_100_and_10000_channels(client_as, people, db):
    comms = client_as("comms")
    seed_channels(100, [people.policy, people.community], liaison_id=people.comms.id)
    url = "/inventory/?platform=facebook&sort=review"
    with counting_queries() as small:
        assert comms.get(url).status_code == 200
    seed_channels(9_900, [people.policy, people.community], liaison_id=people.comms.id, start=100)
    with counting_queries() as large:
        assert comms.get(url).status_code == 200
    print(
        f"\nSQL queries per inventory request: {len(small)} at 100 channels, {len(large)} at 10,000"
    )
    assert len(small) == len(large)
    assert len(large) <= 12


def test_attestations_recertify_then_decommission_frees_the_handle(client_as, people, db):
    channel = live_channel(client_as, people, db)
    comms = client_as("comms")
    answers = {
        "still_needed": "yes",
        "terms_accurate": "yes",
        "hours_kept": "no",
        "spokespeople_right": "yes",
        "notes": "Weekend hours slipped.",
    }
    attest = {**answers, "cycle": str(channel.review_cycle), "outcome": "attest"}
    refused = comms.post(
        f"/channels/{channel.id}/attest", data={**attest, "signed_name": "Mere Tane"}
    )
    assert "Not every answer is yes, so this is not an attestation" in refused.get_data(
        as_text=True
    )
    missing = comms.post(f"/channels/{channel.id}/attest", data={"outcome": "attest"})
    assert "Say whether the channel is still needed." in missing.get_data(as_text=True)
    attest["hours_kept"] = "yes"
    from sqlalchemy import update

    from registry.auth.offices import agency_today

    db.session.execute(
        update(Channel)
        .where(Channel.id == channel.id)
        .values(review_due=agency_today() - timedelta(days=3))
    )
    db.session.commit()
    accept_security_risk(client_as, channel.id)
    # Recertified by two attestations: the owner's (the proposer), then the liaison's.
    owner = client_as("staff_policy")
    assert (
        owner.post(
            f"/channels/{channel.id}/attest", data={**attest, "signed_name": "Tama Rāwiri"}
        ).status_code
        == 302
    )
    assert (
        comms.post(
            f"/channels/{channel.id}/attest", data={**attest, "signed_name": "Mere Tane"}
        ).status_code
        == 302
    )
    channel = db.session.get(Channel, channel.id)
    assert channel.review_due == add_months(agency_today(), 12)
    assert channel.last_reviewed_at is not None

    # Today, the agency's: a later date schedules the closure, an earlier one is before the
    # channel went live.
    today = agency_today().isoformat()
    no_reason = comms.post(
        f"/channels/{channel.id}/decommission",
        data={"decommission-decommissioned_on": today},
    )
    assert "Give the reason the channel is being decommissioned." in no_reason.get_data(
        as_text=True
    )
    done = comms.post(
        f"/channels/{channel.id}/decommission",
        data={"decommission-decommissioned_on": today, "decommission-reason": "Merged."},
    )
    assert done.status_code == 302
    db.session.expire_all()
    channel = db.session.get(Channel, channel.id)
    assert channel.state_enum is ChannelState.CLOSING
    finish_closing(client_as, channel)
    db.session.expire_all()
    channel = db.session.get(Channel, channel.id)
    assert channel.state_enum is ChannelState.DECOMMISSIONED
    page = comms.get(f"/channels/{channel.id}").get_data(as_text=True)
    for label in (
        "Proposed",
        "Signed off",
        "Approved",
        "Charter issued",
        "Marked as live",
        "Reviewed and recertified",
        "Decommissioned",
    ):
        assert label in page, label
    assert "Download charter (PDF)" in page  # the record and charter stay
    assert "0 channels match these filters" in comms.get("/inventory/?state=active").get_data(
        as_text=True
    )
    # The handle can be proposed again.
    again = client_as("staff_policy").post("/proposals/new", data=good_form(people))
    assert again.status_code == 302


def test_a_live_handle_cannot_be_proposed_again(client_as, people, db):
    channel = live_channel(client_as, people, db)
    page = (
        client_as("staff_community")
        .post("/proposals/new", data=good_form(people, business_unit=str(people.community.id)))
        .get_data(as_text=True)
    )
    assert f"already the agency&#39;s channel {channel.reference}" in page


def test_a_change_goes_back_through_signoff_and_renews_the_charter(client_as, people, db):
    channel = live_channel(client_as, people, db)
    comms = client_as("comms")
    response = comms.post(f"/channels/{channel.id}/change")
    assert response.status_code == 302 and "/edit" in response.headers["Location"]
    change = db.session.scalar(
        select(Proposal).where(
            Proposal.channel_id == channel.id, Proposal.id != channel.proposal_id
        )
    )
    assert comms.post(f"/channels/{channel.id}/change").status_code == 409  # one change at a time
    change_and_submit(comms, change.id, good_form(people, purpose="A wider purpose."))
    for role, office in (
        ("manager", "manager-communications"),
        ("dce_policy", "dce"),
        ("ce", "chief-executive"),
    ):
        assert decide(client_as(role), change, capacity=office).status_code in (302, 409)
    db.session.expire_all()
    change = db.session.get(Proposal, change.id)
    if change.state_enum is not ProposalState.APPROVED:
        # The Manager Communications proposed nothing, but Hemi is in the Communications team
        # and Mere started the change: all three can sign.
        pytest.fail(f"change not approved: {change.state}")
    channel = db.session.get(Channel, channel.id)
    assert channel.proposal_id == change.id and channel.state_enum is ChannelState.ACTIVE
    assert db.session.scalar(select(Charter).where(Charter.proposal_id == change.id)) is not None


def test_export_is_audited_and_streams_the_filtered_view(client_as, people, db):
    seed_channels(30, [people.policy, people.community])
    response = client_as("comms").get("/inventory/export.csv?platform=facebook&bom=1")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    body = response.get_data()
    assert body.startswith(b"\xef\xbb\xbf")
    assert body.decode("utf-8-sig").count("\n") == 1 + 5  # header + 5 Facebook channels
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "inventory-exported"))
    assert entry is not None and "facebook" in entry.summary
    assert client_as("staff_policy").get("/inventory/export.csv").status_code == 403


def test_the_public_register_is_off_by_default(client, db):
    assert client.get("/register/").status_code == 404


def _register_names(page: str) -> list[str]:
    return re.findall(r"<tr><td><span dir=\"auto\">(Seeded channel \d+)", page)


def test_the_public_register_comes_a_page_at_a_time(client, people, db, register_on):
    seed_channels(130, [people.policy, people.community])  # 104 official, 26 not
    first = client.get("/register/").get_data(as_text=True)
    assert "Official channels (104)" in first
    assert len(_register_names(first)) == 50 and "Page 1 of 3" in first
    assert 'rel="next"' in first and 'rel="prev"' not in first

    seen = []
    for number in (1, 2, 3):
        page = client.get(f"/register/?page={number}").get_data(as_text=True)
        seen += _register_names(page)
    assert len(seen) == len(set(seen)) == 104  # every official channel once, across pages
    assert "Seeded channel 00009" not in seen  # decommissioned
    assert "Seeded channel 00008" not in seen  # approved, not yet live

    facebook = client.get("/register/?platform=facebook").get_data(as_text=True)
    assert "Official channels on Facebook (18)" in facebook
    assert "Page 1 of" not in facebook  # one page: no pages to move between
    assert all(int(name[-5:]) % 6 == 0 for name in _register_names(facebook))


@pytest.mark.parametrize(
    "query", ["page=0", "page=-3", "page=999", "page=abc", "platform=myspace", "page=2%00"]
)
def test_an_odd_register_address_shows_a_page_not_an_error(client, people, db, register_on, query):
    seed_channels(60, [people.policy])
    response = client.get(f"/register/?{query}")
    assert response.status_code == 200
    assert "Official channels (48)" in response.get_data(as_text=True)


@pytest.mark.parametrize(
    ("account", "official"),
    [
        ("@MECPasifika", True),
        ("mecpasifika", True),
        ("https://www.facebook.com/MECPasifika/", True),
        ("facebook.com/mecpasifika", True),
        ("https://m.facebook.com/MECPasifika", True),
        ("  @MECPASIFIKA  ", True),
        ("MECPasifika2", False),
        ("https://www.facebook.com/MECPasifika.fake", False),
        ("<script>alert(1)</script>", False),
    ],
)
def test_is_this_account_official(client, client_as, people, db, register_on, account, official):
    live_channel(client_as, people, db)
    page = client.get("/register/", query_string={"account": account}).get_data(as_text=True)
    assert "MEC Pasifika Communities" in page  # listed for everyone
    assert ("Yes — this is an official" in page) is official
    assert ("is not one of our official channels" in page) is (not official)
    assert "<script>alert(1)</script>" not in page


def test_remind_tells_liaisons_about_reviews(app, client_as, people, db, mailbox):
    from sqlalchemy import update

    from registry.auth.offices import agency_today
    from tests.conftest import run_isolated

    channel = live_channel(client_as, people, db)
    db.session.execute(
        update(Channel)
        .where(Channel.id == channel.id)
        .values(review_due=agency_today() - timedelta(days=3))
    )
    db.session.commit()
    result = run_isolated(app.test_cli_runner().invoke, args=["registry", "remind"])
    assert result.exit_code == 0, result.output
    assert "MEC Pasifika Communities: liaison reminder (0 days) to Mere Tane" in result.output
    assert "MEC Pasifika Communities: overdue, escalated to Hemi Walker" in result.output
    [message] = [m for m in mailbox.to(people.comms.email) if "review overdue" in m["Subject"]]
    assert "is overdue" in message.get_content()


def test_channel_page_shows_people_and_history(client_as, people, db):
    channel = live_channel(client_as, people, db)
    page = client_as("dce_policy").get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "Authorised spokespeople" in page and "Tama Rāwiri" in page
    assert "Peer reviewers" in page and "Daniel Chen" in page
    assert "Hemi Walker" in page  # a sign-off in the timeline
    assert ">Review</a>" not in page  # only the Communications team reviews
    reviews = db.session.scalars(select(ChannelReview)).all()
    assert reviews == []


def test_the_counts_say_whether_they_are_for_the_whole_inventory_or_the_filters(
    client_as, people, db
):
    seed_channels(30, [people.policy, people.community])
    comms = client_as("comms")
    everything = comms.get("/inventory/").get_data(as_text=True)
    assert "Every channel in the inventory, by state:" in everything
    assert "30 channels in the inventory." in everything
    filtered = comms.get("/inventory/?platform=linkedin").get_data(as_text=True)
    assert "Channels matching these filters, in each state:" in filtered
    assert "5 channels match these filters (of 30 in the inventory)." in filtered
    assert "<strong>4</strong> active" in filtered  # the state counts follow the filters
    # The state filter alone: the counts are still the whole inventory's, the total is not.
    active = comms.get("/inventory/?state=active").get_data(as_text=True)
    assert "Every channel in the inventory, by state:" in active
    assert "24 channels match these filters (of 30 in the inventory)." in active
    # A business unit's DCE sees their units only, and is told so.
    dce = client_as("dce_policy").get("/inventory/").get_data(as_text=True)
    assert "15 channels in your business units." in dce
    assert "Every channel in your business units, by state:" in dce


def test_platforms_and_handles_are_written_as_people_write_them(client_as, people, db):
    seed_channels(6, [people.policy])
    comms = client_as("comms")
    listing = comms.get("/inventory/").get_data(as_text=True)
    for name in ("Facebook", "Instagram", "X", "LinkedIn", "YouTube", "TikTok"):
        assert f">{name}</td>" in listing
    assert ">linkedin<" not in listing and ">youtube<" not in listing
    # "@" where the platform's people write it, bare for a Facebook page or LinkedIn company.
    assert '<bdi class="handle">@seed_00002</bdi>' in listing  # X
    assert '<bdi class="handle">seed_00000</bdi>' in listing  # Facebook
    linkedin = db.session.scalar(select(Channel).where(Channel.platform == "linkedin"))
    page = comms.get(f"/channels/{linkedin.id}").get_data(as_text=True)
    assert "<dd>LinkedIn</dd>" in page
    assert '<dd><bdi class="handle">seed_00003</bdi></dd>' in page
    instagram = db.session.scalar(select(Channel).where(Channel.platform == "instagram"))
    page = comms.get(f"/channels/{instagram.id}").get_data(as_text=True)
    assert "<dd>Instagram</dd>" in page and '<bdi class="handle">@seed_00001</bdi>' in page
