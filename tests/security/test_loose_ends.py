"""Loose ends an outside review found: the audit log's escaping, the staff pages' channel
addresses, the operator's password door."""

from __future__ import annotations

import json

from sqlalchemy import select

from registry.audit.log import record
from registry.audit.models import AuditEntry
from registry.extensions import db
from tests.conftest import run_isolated
from tests.workflow import live_channel

RLO = "\u202e"  # RIGHT-TO-LEFT OVERRIDE: "abc‮txt.exe" displays as "abcexe.txt"
ISOLATE = "\u2066"  # LEFT-TO-RIGHT ISOLATE


def test_the_audit_log_shows_bidi_overrides_as_escapes_not_as_reordered_text(
    app, client_as, people
):
    """A value that reaches the log unclean (old data, a door that forgot) is kept visibly:
    an audit view cannot be made to display something other than what was recorded."""
    channel = live_channel(client_as, people)
    record(
        "channel-people-flagged",
        "channel",
        channel.id,
        actor_label=f"mallory{RLO}moc.elpmaxe",
        person=f"tama{ISOLATE}@example.govt.nz",
        problem=f"Liaison left{RLO}.devorppa",
    )
    db.session.commit()

    entry = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    assert RLO not in entry.actor_label and "\\u202e" in entry.actor_label
    summary = json.loads(entry.summary)
    assert summary["problem"] == "Liaison left\\u202e.devorppa"
    assert summary["person"] == "tama\\u2066@example.govt.nz"

    page = client_as("comms").get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "Liaison left\\u202e.devorppa" in page
    assert RLO not in page and ISOLATE not in page

    verified = run_isolated(app.test_cli_runner().invoke, args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
