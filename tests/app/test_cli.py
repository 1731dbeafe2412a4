"""The operator commands, through Flask's CLI runner (the same entry point as ``flask ...``)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text

from registry.audit.models import AuditEntry
from registry.auth.models import Office, User
from registry.auth.offices import holders
from tests.audit_tampering import tampering
from tests.conftest import build_app, make_config, run_isolated


@pytest.fixture
def cli(app, db):  # noqa: ANN001
    runner = app.test_cli_runner()
    return lambda *args, input=None: run_isolated(runner.invoke, args=list(args), input=input)


def test_create_unit_user_and_appoint(cli, db):
    assert cli("registry", "create-unit", "--code", "pol", "--name", "Policy").exit_code == 0
    result = cli(
        "registry",
        "create-user",
        "--email",
        "Dan@Example.govt.nz",
        "--name",
        "Dan",
        "--password-stdin",
        "--unit",
        "POL",
        input="a-long-enough-password\n",
    )
    assert result.exit_code == 0, result.output
    result = cli(
        "registry",
        "appoint",
        "--email",
        "dan@example.govt.nz",
        "--office",
        "dce",
        "--unit",
        "POL",
        "--acting",
        "--start",
        "2026-01-01",
        "--end",
        "2099-12-31",
    )
    assert result.exit_code == 0, result.output
    assert "Acting Deputy Chief Executive, Policy" in result.output
    unit_id = db.session.scalar(select(User)).business_unit_id
    assert [a.user.email for a in holders(Office.DCE, None, unit_id)] == ["dan@example.govt.nz"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["appoint", "--email", "x@example.govt.nz", "--office", "admin"], "No user has the email"),
        (
            [
                "create-user",
                "--email",
                "not-an-email",
                "--name",
                "X",
                "--password-stdin",
            ],
            "Enter a valid email address",
        ),
        (
            [
                "create-user",
                "--email",
                "x@example.govt.nz",
                "--name",
                "X",
                "--password-stdin",
                "--unit",
                "NOPE",
            ],
            "No business unit has the code 'NOPE'",
        ),
        (["create-unit", "--code", "bad code!", "--name", "X"], "Use a short code"),
    ],
)
def test_bad_input_exits_nonzero_with_one_line(cli, args, message):
    result = cli("registry", *args, input="long-enough-pass\n")
    assert result.exit_code != 0
    assert message in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_duplicate_email_and_overlapping_appointment(cli):
    cli(
        "registry",
        "create-user",
        "--email",
        "a@example.govt.nz",
        "--name",
        "A",
        "--password-stdin",
        input="long-enough-pass\n",
    )
    cli(
        "registry",
        "create-user",
        "--email",
        "b@example.govt.nz",
        "--name",
        "B",
        "--password-stdin",
        input="long-enough-pass\n",
    )
    dup = cli(
        "registry",
        "create-user",
        "--email",
        "A@EXAMPLE.govt.nz",
        "--name",
        "A2",
        "--password-stdin",
        input="long-enough-pass\n",
    )
    assert dup.exit_code == 1 and "already registered" in dup.output
    assert (
        cli(
            "registry",
            "appoint",
            "--email",
            "a@example.govt.nz",
            "--office",
            "chief-executive",
            "--start",
            "2026-01-01",
        ).exit_code
        == 0
    )
    clash = cli(
        "registry",
        "appoint",
        "--email",
        "b@example.govt.nz",
        "--office",
        "chief-executive",
        "--start",
        "2026-05-01",
    )
    assert clash.exit_code == 1 and "already holds a substantive appointment" in clash.output
    dce = cli("registry", "appoint", "--email", "b@example.govt.nz", "--office", "dce")
    assert dce.exit_code == 1 and "needs --unit" in dce.output


def test_demo_creates_every_role_and_prints_sign_ins(cli, db):
    result = cli("registry", "demo")
    assert result.exit_code == 0, result.output
    assert "Acting Chief Executive" in result.output
    assert "demo-password-2026" in result.output
    for office in (Office.MANAGER_COMMUNICATIONS, Office.CHIEF_EXECUTIVE, Office.ADMIN):
        assert holders(office)
    again = cli("registry", "demo", "--if-empty")
    assert again.exit_code == 0


def test_demo_refuses_in_production(database_url, db):
    config = make_config(database_url, DEMO_ALLOWED=False)
    runner = build_app(config).test_cli_runner()
    result = run_isolated(runner.invoke, args=["registry", "demo"])
    assert result.exit_code == 1
    assert "Refusing to create demo data in production" in result.output


def test_audit_verify_reports_intact_then_names_the_tampered_row(cli, db):
    cli("registry", "create-unit", "--code", "A", "--name", "A")
    cli("registry", "create-unit", "--code", "B", "--name", "B")
    cli("registry", "create-unit", "--code", "C", "--name", "C")
    ok = cli("audit", "verify")
    assert ok.exit_code == 0 and "3 rows verified" in ok.output
    if db.engine.dialect.name == "postgresql":
        # The database itself refuses to change the log; an attacker would have to drop the trigger.
        with pytest.raises(Exception, match="append-only"), db.engine.begin() as conn:
            conn.execute(text("UPDATE audit_entry SET summary = '{}' WHERE id = 2"))
    with tampering(db) as conn:
        conn.execute(text('UPDATE audit_entry SET summary = \'{"after": "forged"}\' WHERE id = 2'))
    broken = cli("audit", "verify")
    assert broken.exit_code == 1
    assert "broken at row 2" in broken.output
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.id == 3)) is not None


def test_create_user_never_takes_the_password_on_the_command_line(cli, db):
    on_the_line = cli(
        "registry", "create-user", "--email", "c@example.govt.nz", "--name", "C",
        "--password", "long-enough-pass",
    )  # fmt: skip
    assert on_the_line.exit_code == 2 and "No such option" in on_the_line.output
    assert db.session.scalar(select(User)) is None
    prompted = cli(
        "registry", "create-user", "--email", "c@example.govt.nz", "--name", "C",
        input="long-enough-pass\nlong-enough-pass\n",
    )  # fmt: skip
    assert prompted.exit_code == 0, prompted.output
    assert "long-enough-pass" not in prompted.output  # the prompt hides what is typed


def test_the_operator_invites_and_reinvites_by_email(app, cli, db, mailbox):
    from registry.auth.invitations import token_digest
    from registry.auth.models import PasswordLink

    created = cli("registry", "create-user", "--email", "d@example.govt.nz", "--name", "D",
                  "--invite")  # fmt: skip
    assert created.exit_code == 0, created.output
    again = cli("registry", "invite", "--email", "D@example.govt.nz")
    assert again.exit_code == 0, again.output
    assert "Sent an invitation to d@example.govt.nz" in again.output
    first, second = (m.get_body().get_content() for m in mailbox.to("d@example.govt.nz"))
    assert "The registry's operator has added you" in second
    tokens = [body.split("/invitation/")[1].split()[0] for body in (first, second)]
    links = {link.token_sha256: link for link in db.session.scalars(select(PasswordLink))}
    assert links[token_digest(tokens[0])].voided_at is not None
    assert links[token_digest(tokens[1])].sent_by_id is None
    entry = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "invitation-sent")
    ).all()[-1]
    assert entry.actor_label == "operator (command line)"
    chosen = {"password": "d-chose-this-one", "confirm": "d-chose-this-one"}
    assert app.test_client().post(f"/invitation/{tokens[1]}", data=chosen).status_code == 302
    accepted = cli("registry", "invite", "--email", "d@example.govt.nz")
    assert accepted.exit_code == 1 and "already set a password" in accepted.output
    nobody = cli("registry", "invite", "--email", "nobody@example.govt.nz")
    assert nobody.exit_code == 1 and "No user has the email" in nobody.output
