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


NEW_PASSWORD = "a-fresh-password-for-priya"  # noqa: S105


def _set_password(app, *args: str, input: str):  # noqa: ANN001, ANN202, A002
    runner = app.test_cli_runner()
    return run_isolated(runner.invoke, args=["registry", "set-password", *args], input=input)


def test_the_operator_sets_a_forgotten_officer_password_from_a_prompt(app, client_as, people):
    old_session = client_as("ce")
    result = _set_password(
        app, "--email", "Priya.CE@example.govt.nz", input=f"{NEW_PASSWORD}\n{NEW_PASSWORD}\n"
    )
    assert result.exit_code == 0, result.output
    assert NEW_PASSWORD not in result.output

    # Her old session is over; the new password lets her in; the old one does not.
    assert old_session.get("/signoffs/").status_code == 302
    signed_in = app.test_client().post(
        "/sign-in", data={"email": people.ce.email, "password": NEW_PASSWORD}
    )
    assert signed_in.status_code == 302
    refused = app.test_client().post(
        "/sign-in", data={"email": people.ce.email, "password": "correct-horse-battery"}
    )
    assert refused.status_code == 200

    db.session.rollback()
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "password-set"))
    assert entry.actor_id is None and entry.actor_label == "operator (command line)"
    assert json.loads(entry.summary)["via"] == "command line"
    assert NEW_PASSWORD not in entry.summary
    verified = run_isolated(app.test_cli_runner().invoke, args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output


def test_the_operator_can_pipe_the_password_and_never_pass_it_as_an_option(app, people):
    piped = _set_password(
        app, "--email", people.dce_policy.email, "--password-stdin", input=f"{NEW_PASSWORD}\n"
    )
    assert piped.exit_code == 0, piped.output
    assert (
        app.test_client()
        .post("/sign-in", data={"email": people.dce_policy.email, "password": NEW_PASSWORD})
        .status_code
        == 302
    )
    # No door puts a password in shell history.
    on_the_line = _set_password(
        app, "--email", people.dce_policy.email, "--password", NEW_PASSWORD, input=""
    )
    assert on_the_line.exit_code != 0
    assert "No such option" in on_the_line.output


def test_the_operator_door_refuses_a_short_password_or_an_unknown_person(app, people):
    short = _set_password(app, "--email", people.ce.email, "--password-stdin", input="short\n")
    assert short.exit_code == 1
    assert "at least 12 characters" in short.output
    unknown = _set_password(
        app, "--email", "nobody@example.govt.nz", "--password-stdin", input=f"{NEW_PASSWORD}\n"
    )
    assert unknown.exit_code == 1
    assert "No user has the email" in unknown.output
    db.session.rollback()
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "password-set")) is None


LOOKALIKE = "https://facebook.com.evil.example/MECPasifika"


def test_staff_pages_show_a_failing_stored_address_as_text_with_what_to_fix(client_as, people):
    from sqlalchemy import update

    from registry.channels.models import Channel

    channel = live_channel(client_as, people)
    db.session.execute(
        update(Channel).where(Channel.id == channel.id).values(channel_url=LOOKALIKE)
    )
    db.session.commit()
    comms = client_as("comms")
    for path in (f"/channels/{channel.id}", "/inventory/"):
        page = comms.get(path).get_data(as_text=True)
        assert LOOKALIKE in page, path  # shown, so it can be found and fixed
        assert f'href="{LOOKALIKE}"' not in page, path
        assert "This address fails the Channel URL check: A Facebook Channel URL must be on" in (
            page
        ), path
        assert "use https://www.facebook.com/MECPasifika" in page, path

    # A genuine address is still a link, with no warning.
    db.session.execute(
        update(Channel)
        .where(Channel.id == channel.id)
        .values(channel_url="https://www.facebook.com/MECPasifika")
    )
    db.session.commit()
    page = comms.get(f"/channels/{channel.id}").get_data(as_text=True)
    assert 'href="https://www.facebook.com/MECPasifika"' in page
    assert "fails the Channel URL check" not in page


def test_an_audit_row_written_before_the_escaping_is_shown_escaped(app, client_as, people):
    """Rows already in the log from before keep their raw overrides (rewriting them would
    break the chain): the channel's history escapes them as it shows them."""
    from registry.audit.log import GENESIS_HASH, entry_digest
    from registry.timeutil import utcnow

    channel = live_channel(client_as, people)
    last = db.session.scalar(select(AuditEntry).order_by(AuditEntry.id.desc()).limit(1))
    old = AuditEntry(
        id=last.id + 1,
        occurred_at=utcnow(),
        actor_id=None,
        actor_label=f"mallory{RLO}moc.elpmaxe",
        action="channel-people-flagged",
        object_type="channel",
        object_id=str(channel.id),
        summary=json.dumps({"problem": f"Liaison left{RLO}.devorppa"}, ensure_ascii=False),
        prev_hash=last.entry_hash if last else GENESIS_HASH,
    )
    old.entry_hash = entry_digest(old)
    db.session.add(old)
    db.session.commit()

    page = client_as("comms").get(f"/channels/{channel.id}").get_data(as_text=True)
    assert "Liaison left\\u202e.devorppa" in page
    assert "mallory\\u202emoc.elpmaxe" in page
    assert RLO not in page
    verified = run_isolated(app.test_cli_runner().invoke, args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
