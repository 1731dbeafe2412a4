"""The audit log: who did what, chained by hashes, tampering named at the row."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from registry.audit.models import AuditEntry
from tests.audit_tampering import tampering
from tests.conftest import run_isolated
from tests.workflow import decide, submitted_proposal


@pytest.fixture
def journey(client_as, people, db):  # noqa: ANN001
    proposal = submitted_proposal(client_as, people)
    decide(client_as("manager"), proposal, capacity="manager-communications")
    decide(client_as("ce"), proposal, "request-changes", comment="Line one\nLine two\x1b[2J")
    return proposal


def verify(app):  # noqa: ANN001
    return run_isolated(app.test_cli_runner().invoke, args=["audit", "verify"])


def test_the_journey_is_in_the_log_in_order(journey, db, people):
    actions = db.session.scalars(select(AuditEntry.action).order_by(AuditEntry.id)).all()
    assert "sign-in" in actions
    tail = [a for a in actions if not a.startswith(("sign-in", "unit-", "user-", "appointment-"))]
    assert tail == [
        "proposal-created",  # About the channel
        *["proposal-saved"] * 4,  # each other section of the task list
        "proposal-submitted",
        "signoff-approve",
        "signoff-request-changes",
    ]
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "signoff-approve"))
    assert entry.actor_id == people.manager.id
    assert '"capacity": "Manager Communications"' in entry.summary
    assert journey.reference == entry.object_id


def test_control_characters_are_encoded(journey, db):
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "signoff-request-changes")
    )
    assert "\n" not in entry.summary and "\x1b" not in entry.summary
    # The form dropped the escape character; the log encodes the newline it kept.
    assert "Line one\\\\u000aLine two[2J" in entry.summary


def test_failed_sign_in_is_logged(client, people, db):
    client.post("/sign-in", data={"email": "Attacker\n@example.govt.nz", "password": "x"})
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "sign-in-failed"))
    assert entry is not None and "\n" not in entry.actor_label


def test_verify_passes_on_an_untouched_log(app, journey):
    result = verify(app)
    assert result.exit_code == 0 and "Audit log intact" in result.output


def test_an_edited_row_is_named(app, journey, db):
    with tampering(db) as conn:
        conn.execute(
            text("UPDATE audit_entry SET actor_label = 'someone.else@example.govt.nz' WHERE id = 5")
        )
    result = verify(app)
    assert result.exit_code == 1
    assert "broken at row 5: its content does not match its hash" in result.output


def test_a_deleted_row_is_named(app, journey, db):
    with tampering(db) as conn:
        conn.execute(text("DELETE FROM audit_entry WHERE id = 4"))
    result = verify(app)
    assert result.exit_code == 1
    assert "broken at row 5: row 4 is missing before it" in result.output


def test_reordered_rows_are_named(app, journey, db):
    names = [
        "occurred_at",
        "actor_id",
        "actor_label",
        "action",
        "object_type",
        "object_id",
        "summary",
        "prev_hash",
        "entry_hash",
    ]
    columns = ", ".join(names)
    select_pair = f"SELECT id, {columns} FROM audit_entry WHERE id IN (6, 7)"  # noqa: S608
    with tampering(db) as conn:
        rows = {row[0]: row[1:] for row in conn.execute(text(select_pair))}
        # Swap rows 6 and 7, hashes and all, as a forger would.
        assignments = ", ".join(f"{name} = :{name}" for name in names)
        conn.execute(text("UPDATE audit_entry SET entry_hash = 'x6' WHERE id = 6"))
        conn.execute(text("UPDATE audit_entry SET entry_hash = 'x7' WHERE id = 7"))
        for target, source in ((6, 7), (7, 6)):
            conn.execute(
                text(f"UPDATE audit_entry SET {assignments} WHERE id = :id"),  # noqa: S608
                {"id": target, **dict(zip(names, rows[source], strict=True))},
            )
    result = verify(app)
    assert result.exit_code == 1
    assert "broken at row 6" in result.output


def test_the_database_refuses_to_change_the_log_on_postgresql(journey, db):
    if db.engine.dialect.name != "postgresql":
        pytest.skip("the trigger is PostgreSQL's; SQLite relies on the hash chain alone")
    for statement in (
        "UPDATE audit_entry SET action = 'x' WHERE id = 1",
        "DELETE FROM audit_entry",
    ):
        with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
            conn.execute(text(statement))
