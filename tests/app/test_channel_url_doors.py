"""A lookalike Channel URL is refused at every door that could put it on a channel: the
proposal form, sign-off, the charter, going live, a change to an active channel and import."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select, update

from registry.channels.models import Channel, ChannelState
from registry.charters.models import Charter
from registry.charters.services import CharterNotIssuable, issue_charter
from registry.proposals.models import (
    Proposal,
    ProposalRevision,
    ProposalState,
    canonical_json,
    content_hash,
)
from registry.signoffs.models import Signoff
from tests.app.test_api import create_token, make_channel
from tests.app.test_import_export import LIAISON, csv_text
from tests.conftest import run_isolated
from tests.proposal_data import good_form
from tests.workflow import (
    approved_proposal,
    change_and_submit,
    decide,
    fill_in,
    save_section,
    secure_account,
    submit,
    submitted_proposal,
)

LOOKALIKE = "https://facebook.com.evil.example/MECPasifika"
GENUINE = "https://www.facebook.com/MECPasifika"
SIGNERS = (("manager", "manager-communications"), ("dce_policy", "dce"), ("ce", "chief-executive"))


def fresh(db, model, row_id):  # noqa: ANN001, ANN201
    db.session.expire_all()
    return db.session.get(model, row_id)


def store_as_old_data(db, proposal: Proposal, **changes: object) -> None:  # noqa: ANN001
    """Rewrite the current revision in the database, as a record from before the check."""
    revision = fresh(db, Proposal, proposal.id).current_revision
    content = {**revision.content, **changes}
    db.session.execute(
        update(ProposalRevision)
        .where(ProposalRevision.id == revision.id)
        .values(content_json=canonical_json(content), content_sha256=content_hash(content))
    )
    db.session.commit()


def approvals(db, proposal: Proposal) -> int:  # noqa: ANN001
    db.session.expire_all()
    return db.session.scalar(
        select(func.count(Signoff.id)).where(
            Signoff.proposal_id == proposal.id, Signoff.decision == "approve"
        )
    )


def test_a_lookalike_typed_on_the_form_is_shown_at_channel_url_and_not_submitted(
    client_as, people, db
):
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people, channel_url=LOOKALIKE))
    response = submit(client, proposal_id)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert f'href="/proposals/{proposal_id}/edit/about#channel_url"' in page
    assert "SMP-CHANNEL-URL: A Facebook Channel URL must be on facebook.com" in page
    assert LOOKALIKE in page  # what was typed is kept, to fix
    proposal = fresh(db, Proposal, proposal_id)
    assert proposal.state_enum is ProposalState.DRAFT
    report = client.get(f"/proposals/{proposal.id}").get_data(as_text=True)
    assert "SMP-CHANNEL-URL" in report and "must be on facebook.com" in report
    section = client.get(f"/proposals/{proposal.id}/edit/about").get_data(as_text=True)
    assert f'value="{LOOKALIKE}"' in section
    again = client.post(f"/proposals/{proposal.id}/submit", data={"version": proposal.version})
    assert again.status_code == 200
    assert fresh(db, Proposal, proposal.id).state_enum is ProposalState.DRAFT


def test_old_data_with_a_lookalike_cannot_be_signed_off(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    store_as_old_data(db, proposal, channel_url=LOOKALIKE)
    response = decide(client_as("manager"), proposal, capacity="manager-communications")
    page = response.get_data(as_text=True)
    assert "This revision cannot be approved" in page
    assert "must be on facebook.com" in page
    assert approvals(db, proposal) == 0
    # Asking the proposer to fix it is still possible.
    asked = decide(
        client_as("manager"), proposal, "request-changes", comment="Fix the Channel URL."
    )
    assert asked.status_code == 302
    assert fresh(db, Proposal, proposal.id).state_enum is ProposalState.CHANGES_REQUESTED


def test_the_third_sign_off_on_a_lookalike_is_refused_and_no_charter_is_made(client_as, people, db):
    proposal = submitted_proposal(client_as, people, channel_url=GENUINE)
    for role, office in SIGNERS[:2]:
        assert decide(client_as(role), proposal, capacity=office).status_code == 302
    store_as_old_data(db, proposal, channel_url=LOOKALIKE)
    role, office = SIGNERS[2]
    response = decide(client_as(role), proposal, capacity=office)
    assert "This revision cannot be approved" in response.get_data(as_text=True)
    assert fresh(db, Proposal, proposal.id).state_enum is ProposalState.AWAITING_SIGNOFF
    assert db.session.scalar(select(func.count(Charter.id))) == 0
    assert db.session.scalar(select(func.count(Channel.id))) == 0


def test_a_charter_is_never_rendered_with_a_lookalike(client_as, people, db):
    proposal = approved_proposal(client_as, people, channel_url=GENUINE)
    db.session.execute(Charter.__table__.delete())
    db.session.commit()
    store_as_old_data(db, proposal, channel_url=LOOKALIKE)
    with pytest.raises(CharterNotIssuable, match="SMP-CHANNEL-URL"):
        issue_charter(proposal.id)
    db.session.rollback()
    assert db.session.scalar(select(func.count(Charter.id))) == 0


def test_a_stored_lookalike_cannot_go_live(client_as, people, db):
    proposal = approved_proposal(client_as, people)
    channel = db.session.scalar(select(Channel).where(Channel.proposal_id == proposal.id))
    db.session.execute(
        update(Channel).where(Channel.id == channel.id).values(channel_url=LOOKALIKE)
    )
    db.session.commit()
    comms = client_as("comms")
    form_page = comms.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert LOOKALIKE in form_page  # the go-live form offers what is stored ...
    response = comms.post(f"/channels/{channel.id}/live", data={"channel_url": LOOKALIKE})
    page = response.get_data(as_text=True)
    assert response.status_code == 200  # ... and refuses it
    assert "must be on facebook.com" in page
    assert fresh(db, Channel, channel.id).state_enum is ChannelState.APPROVED


def live_channel(client_as, people, db) -> Channel:  # noqa: ANN001
    proposal = approved_proposal(client_as, people)
    channel = db.session.scalar(select(Channel).where(Channel.proposal_id == proposal.id))
    secure_account(channel.id, people)  # go-live needs a passing account-security checklist
    response = client_as("comms").post(
        f"/channels/{channel.id}/live", data={"channel_url": GENUINE}
    )
    assert response.status_code == 302
    return fresh(db, Channel, channel.id)


def start_change(client_as, db, channel: Channel) -> Proposal:  # noqa: ANN001
    assert client_as("comms").post(f"/channels/{channel.id}/change").status_code == 302
    db.session.expire_all()
    return db.session.scalar(
        select(Proposal).where(
            Proposal.channel_id == channel.id, Proposal.id != channel.proposal_id
        )
    )


def sign_all(client_as, change: Proposal) -> list[str]:  # noqa: ANN001
    return [
        decide(client_as(role), change, capacity=office).get_data(as_text=True)
        for role, office in SIGNERS
    ]


def test_a_change_starts_from_the_live_address(client_as, people, db):
    channel = live_channel(client_as, people, db)
    change = start_change(client_as, db, channel)
    assert change.current_revision.content["channel_url"] == GENUINE


def test_a_change_cannot_put_a_lookalike_on_an_active_channel(client_as, people, db):
    channel = live_channel(client_as, people, db)
    change = start_change(client_as, db, channel)
    comms = client_as("comms")
    typed = good_form(people, channel_url=LOOKALIKE)
    assert save_section(comms, change.id, "about", typed).status_code == 302
    page = submit(comms, change.id).get_data(as_text=True)
    assert "SMP-CHANNEL-URL" in page
    assert fresh(db, Proposal, change.id).state_enum is ProposalState.DRAFT

    # Submitted with the genuine address, then altered in the database like old data.
    change_and_submit(comms, change.id, good_form(people))
    store_as_old_data(db, change, channel_url=LOOKALIKE)
    pages = sign_all(client_as, change)
    assert all("This revision cannot be approved" in page for page in pages)
    assert fresh(db, Channel, channel.id).channel_url == GENUINE
    assert fresh(db, Proposal, change.id).state_enum is ProposalState.AWAITING_SIGNOFF


def test_a_change_of_handle_cannot_keep_the_old_handles_address(client_as, people, db):
    channel = live_channel(client_as, people, db)
    change = start_change(client_as, db, channel)
    comms = client_as("comms")
    change_and_submit(comms, change.id, good_form(people, handle="MECPasifikaNZ", channel_url=""))
    pages = sign_all(client_as, change)
    assert "should be the page for the handle" in pages[0]
    channel = fresh(db, Channel, channel.id)
    assert (channel.handle, channel.channel_url) == ("MECPasifika", GENUINE)


def test_import_refuses_a_lookalike_naming_the_line_and_column(app, db, people, tmp_path):
    path = tmp_path / "channels.csv"
    row = f"MEC Pasifika,Facebook,MECPasifika,{LOOKALIKE},POL,{LIAISON},2019-07-01"
    path.write_text(csv_text(row), encoding="utf-8", newline="")
    result = run_isolated(
        app.test_cli_runner().invoke, args=["registry", "import-channels", str(path)]
    )
    assert result.exit_code != 0
    assert "line 2, column url: A Facebook Channel URL must be on facebook.com" in result.output
    db.session.rollback()
    assert db.session.scalar(select(func.count(Channel.id))) == 0


@pytest.fixture
def stored_lookalike(db, people) -> Channel:  # noqa: ANN001
    """An active channel whose address was stored before the check, as old data would be."""
    channel = make_channel(
        db, people.policy, "MEC Pasifika", platform="facebook", handle="MECPasifika"
    )
    db.session.flush()
    db.session.execute(
        update(Channel).where(Channel.id == channel.id).values(channel_url=LOOKALIKE)
    )
    db.session.commit()
    return fresh(db, Channel, channel.id)


def test_the_api_does_not_vouch_for_a_stored_lookalike(client_as, stored_lookalike):
    client = client_as("comms")
    token = create_token(client)
    headers = {"Authorization": f"Bearer {token}"}
    one = client.get(f"/api/v1/channels/{stored_lookalike.id}", headers=headers)
    assert one.status_code == 200
    assert one.json["handle"] == "MECPasifika" and one.json["channel_url"] is None
    listed = client.get("/api/v1/channels", headers=headers).get_data(as_text=True)
    assert "evil.example" not in listed


def test_the_register_does_not_vouch_for_a_stored_lookalike(app, client, stored_lookalike):
    app.config["PUBLIC_REGISTER_ENABLED"] = True
    try:
        page = client.get("/register/", query_string={"account": LOOKALIKE}).get_data(as_text=True)
    finally:
        app.config["PUBLIC_REGISTER_ENABLED"] = False
    assert "is not one of our official channels" in page
    assert "Yes — this is an official" not in page
    assert "MEC Pasifika" in page  # still listed: it is active, but its address is not shown
    assert 'href="https://facebook.com.evil.example' not in page
