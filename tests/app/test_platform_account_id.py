"""The platform's stable account id: typed at go-live, or later by the Communications team,
checked against the platform's id shape, audited, and shown on the channel page."""

from __future__ import annotations

import json

from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.channels.models import Channel
from registry.extensions import db
from tests.workflow import approved_proposal, secure_account

URL = "https://www.facebook.com/MECPasifika"


def _approved_channel(client_as, people) -> Channel:  # noqa: ANN001
    proposal = approved_proposal(client_as, people)
    channel = db.session.scalar(select(Channel).where(Channel.proposal_id == proposal.id))
    secure_account(channel.id, people)
    return channel


def test_go_live_records_the_account_id(client_as, people) -> None:  # noqa: ANN001
    channel = _approved_channel(client_as, people)
    comms = client_as("comms")
    form = comms.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "Platform account id (optional)" in form

    refused = comms.post(
        f"/channels/{channel.id}/live",
        data={"channel_url": URL, "platform_account_id": "MECPasifika"},
    )
    assert refused.status_code == 200  # corrected on the same page, as every form
    page = refused.get_data(as_text=True)
    assert "is not a Facebook account id" in page
    assert 'value="MECPasifika"' in page and f'value="{URL}"' in page  # both kept as typed
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).state == "approved"

    done = comms.post(
        f"/channels/{channel.id}/live",
        data={"channel_url": URL, "platform_account_id": " 100064123456789 "},
    )
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).platform_account_id == "100064123456789"
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "channel-live"))
    assert json.loads(entry.summary)["platform_account_id"] == "100064123456789"
    shown = client_as("dce_policy").get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "<code>100064123456789</code>" in shown


def test_go_live_without_an_account_id(client_as, people) -> None:  # noqa: ANN001
    channel = _approved_channel(client_as, people)
    done = client_as("comms").post(f"/channels/{channel.id}/live", data={"channel_url": URL})
    assert done.status_code == 302
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).platform_account_id == ""


def test_the_team_changes_the_account_id_later_audited(client_as, people) -> None:  # noqa: ANN001
    channel = _approved_channel(client_as, people)
    comms = client_as("comms")
    comms.post(f"/channels/{channel.id}/live", data={"channel_url": URL})
    page = comms.get(f"/channels/{channel.id}/account-id")
    assert page.status_code == 200
    assert "Platform account id — MEC" in page.get_data(as_text=True).split("</title>")[0]

    bad = comms.post(f"/channels/{channel.id}/account-id", data={"platform_account_id": "12 34"})
    assert bad.status_code == 200
    text = bad.get_data(as_text=True)
    assert "There is a problem" in text and 'value="12 34"' in text

    ok = comms.post(
        f"/channels/{channel.id}/account-id", data={"platform_account_id": "100064123456789"}
    )
    assert ok.status_code == 302
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "channel-account-id-set")
    )
    assert json.loads(entry.summary)["after"] == {"platform_account_id": "100064123456789"}
    assert json.loads(entry.summary)["before"] == {"platform_account_id": ""}
    assert client_as("staff_policy").get(f"/channels/{channel.id}/account-id").status_code == 403
