"""SMP-RELATED-LINKS: the related channels offered and accepted are the active ones, once each."""

from __future__ import annotations

import re

from registry.auth.offices import agency_today
from tests.proposal_data import good_form
from tests.public_channels import channel_of, close, go_live, live_channel, reapproved_change
from tests.workflow import approved_proposal, fill_in

NAME = "MEC Pasifika Communities"


def _offered(client, people) -> list[str]:  # noqa: ANN001
    """The related channels a new draft of Lin's (Community) offers on Profile and links."""
    started = {"channel_name": "Another idea", "business_unit": str(people.community.id)}
    task_list = client.post("/proposals/new", data=started).headers["Location"]
    page = client.get(f"{task_list}/profile").get_data(as_text=True)
    return re.findall(r'name="related_channels" type="checkbox" value="(\d+)"', page)


def test_an_approved_channel_is_offered_only_once_it_is_live(client_as, people, db):
    proposal = approved_proposal(client_as, people)
    staff = client_as("staff_community")
    assert _offered(staff, people) == []  # approved, not live yet: nobody can link to it
    go_live(client_as, people, channel_of(db, proposal))
    assert _offered(staff, people) == [str(proposal.id)]


def test_a_draft_linking_to_a_channel_that_closed_fails_the_rule(client_as, people, db):
    channel = live_channel(client_as, people, db)
    staff = client_as("staff_community")
    draft = good_form(
        people,
        channel_name="MEC Community News",
        handle="MECCommunityNews",
        business_unit=str(people.community.id),
        related_channels=[str(channel.proposal_id)],
        no_related_reason="",
        spokespeople=[str(people.staff_community.id)],
        information_contact=str(people.staff_community.id),
    )
    proposal_id = fill_in(staff, draft)
    report = staff.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "is no longer an active channel" not in report

    close(client_as, channel, agency_today())
    report = staff.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert f"“{NAME}” is no longer an active channel" in report
    assert _offered(staff, people) == []


def test_a_changed_channel_is_offered_once(client_as, people, db):
    channel = live_channel(client_as, people, db)
    change = reapproved_change(client_as, people, db, channel)
    offered = _offered(client_as("staff_community"), people)
    assert offered == [str(change.id)]


def test_a_draft_that_chose_a_channel_before_its_change_still_saves(client_as, people, db):
    channel = live_channel(client_as, people, db)
    staff = client_as("staff_community")
    draft = good_form(
        people,
        channel_name="MEC Community News",
        handle="MECCommunityNews",
        business_unit=str(people.community.id),
        related_channels=[str(channel.proposal_id)],
        no_related_reason="",
        spokespeople=[str(people.staff_community.id)],
        information_contact=str(people.staff_community.id),
    )
    proposal_id = fill_in(staff, draft)
    reapproved_change(client_as, people, db, channel)
    report = staff.get(f"/proposals/{proposal_id}").get_data(as_text=True)
    assert "is no longer an active channel" not in report
    form = staff.get(f"/proposals/{proposal_id}/edit/profile").get_data(as_text=True)
    boxes = re.findall(r"<input[^>]*related_channels[^>]*>", form)
    assert len(boxes) == 1 and "checked" in boxes[0]  # the channel, under its current proposal
