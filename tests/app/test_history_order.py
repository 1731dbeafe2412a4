"""A channel's and a proposal's history read in the order things caused one another, in
sentences rather than the audit log's keys."""

from __future__ import annotations

import re

from sqlalchemy import select, update

from registry.audit.models import AuditEntry
from registry.timeutil import format_date
from tests.audit_tampering import tampering
from tests.public_channels import channel_of, go_live
from tests.workflow import approved_proposal, decide, submitted_proposal


def _history(page: str) -> str:
    """The History section's text, tags dropped."""
    section = page.split('id="history-heading"', 1)[1]
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section))


def test_the_last_sign_off_comes_before_the_approval_it_caused(client_as, people, db):
    proposal = approved_proposal(client_as, people)
    channel = channel_of(db, proposal)
    text = _history(client_as("comms").get(f"/channels/{channel.id}").get_data(as_text=True))
    assert text.count("Signed off") == 3
    assert text.rindex("Signed off") < text.index("Approved"), text


def test_an_approval_logged_before_its_sign_off_is_still_shown_after_it(client_as, people, db):
    # Logs written before the sign-off was recorded first hold the approval's row first.
    proposal = approved_proposal(client_as, people)
    channel = channel_of(db, proposal)
    approval = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "channel-approved"))
    last_signoff = db.session.scalar(
        select(AuditEntry)
        .where(AuditEntry.action == "signoff-approve")
        .order_by(AuditEntry.id.desc())
    )
    first, second = approval.id, last_signoff.id
    db.session.commit()
    with tampering(db) as conn:
        for old, new in ((first, -1), (second, first), (-1, second)):
            conn.execute(update(AuditEntry).where(AuditEntry.id == old).values(id=new))
    text = _history(client_as("comms").get(f"/channels/{channel.id}").get_data(as_text=True))
    assert text.rindex("Signed off") < text.index("Approved"), text


def test_history_says_what_happened_in_sentences(client_as, people, db):
    proposal = approved_proposal(client_as, people)
    channel = channel_of(db, proposal)
    go_live(client_as, people, channel)
    text = _history(client_as("comms").get(f"/channels/{channel.id}").get_data(as_text=True))
    for raw in ("capacity:", "revision:", "review due:", "url:"):
        assert raw not in text
    assert "As Chief Executive" in text
    assert "Revision 1" in text
    assert f"Review due {format_date(channel_of(db, proposal).review_due)}" in text, text
    assert "Channel address: https://" in text


def test_proposal_decisions_say_who_requested_changes(client_as, people, db):
    proposal = submitted_proposal(client_as, people)
    decide(client_as("manager"), proposal, "request-changes", comment="Add Samoan.")
    page = client_as("staff_policy").get(f"/proposals/{proposal.id}").get_data(as_text=True)
    text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", page))
    assert "Changes requested by Hemi Walker" in text, text
    assert "Requested changes" not in text
