"""Operator commands: ``flask registry ...`` and ``flask audit ...``.

Each exits non-zero with one line on bad input, so scripts can rely on them.
"""

from __future__ import annotations

import functools
import sys
from collections.abc import Callable
from datetime import date

import click
from flask import Flask, current_app
from flask.cli import AppGroup
from sqlalchemy import func, select

from registry.audit.log import verify_chain
from registry.auth import invitations, offices, services
from registry.auth.models import BusinessUnit, Office, User
from registry.errors import RegistryError
from registry.extensions import db
from registry.policy.text import TextKind, clean_text


class RefusalsFailGroup(AppGroup):
    """A command group in which a refused operation exits non-zero with its one-line reason.

    The command line's counterpart of the app's one domain-error handler: any
    ``RegistryError`` a command lets through rolls back and becomes a ``ClickException``, so
    no command needs its own ``try``/``except``.
    """

    def command(self, *args: object, **kwargs: object) -> Callable[[Callable], click.Command]:
        register = super().command(*args, **kwargs)

        def decorator(callback: Callable) -> click.Command:
            # Wrapped inside the app context AppGroup adds, so the rollback has its session.
            @functools.wraps(callback)
            def refusals_fail(*call_args: object, **call_kwargs: object) -> object:
                try:
                    return callback(*call_args, **call_kwargs)
                except RegistryError as error:
                    db.session.rollback()
                    raise click.ClickException(error.message) from error

            return register(refusals_fail)

        return decorator


registry_cli = RefusalsFailGroup("registry", help="Manage the registry's people, units and data.")
audit_cli = RefusalsFailGroup("audit", help="Check the audit log.")

DEMO_PASSWORD = "demo-password-2026"  # noqa: S105 - printed for demo sign-in; refused in production


def fail(message: str) -> None:
    db.session.rollback()
    raise click.ClickException(message)


def _date(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option} must be a date as YYYY-MM-DD, not {value!r}.")
    return None


def _cleaned(kind: TextKind) -> Callable[[click.Context, click.Parameter, object], object]:
    """An option callback cleaning text as a form field of the same kind is cleaned."""

    def clean(ctx: click.Context, param: click.Parameter, value: object) -> object:
        return clean_text(value, kind) if isinstance(value, str) else value

    return clean


_LINE = _cleaned(TextKind.LINE)
_IDENTIFIER = _cleaned(TextKind.IDENTIFIER)


def _unit(code: str | None) -> BusinessUnit | None:
    if code is None:
        return None
    unit = services.find_unit_by_code(code)
    if unit is None:
        fail(f"No business unit has the code {code!r}; create it with flask registry create-unit.")
    return unit


@registry_cli.command("create-unit")
@click.option("--code", required=True, callback=_LINE, help="Short code, e.g. POL.")
@click.option("--name", required=True, callback=_LINE, help="Full name of the business unit.")
def create_unit(code: str, name: str) -> None:
    """Add a business unit."""
    unit = services.create_unit(code, name)
    click.echo(f"Created business unit {unit.code}: {unit.name}")


def _read_password(from_stdin: bool) -> str:
    """A password typed at a hidden prompt or piped in, never an option's value: it stays out
    of shell history and process lists."""
    if from_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = click.prompt("New password", hide_input=True, confirmation_prompt=True)
    return clean_text(password, TextKind.SECRET)


@registry_cli.command("create-user")
@click.option("--email", required=True, callback=_IDENTIFIER)
@click.option("--name", required=True, callback=_LINE, help="Name as it appears on sign-offs.")
@click.option("--unit", "unit_code", callback=_LINE, help="Business unit code.")
@click.option(
    "--invite",
    is_flag=True,
    help="Email the person an invitation to choose their own password instead of setting one.",
)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the password from the first line of standard input instead of a prompt.",
)
def create_user(
    email: str, name: str, unit_code: str | None, invite: bool, password_stdin: bool
) -> None:
    """Add a person who can sign in: with a password typed at a hidden prompt (or piped in),
    or with --invite, an emailed link to choose their own."""
    unit = _unit(unit_code)
    if invite and password_stdin:
        fail("Use either --invite or --password-stdin, not both.")
    if invite:
        user = invitations.invite_person(email, name, unit, actor=None)
    else:
        user = services.create_user(email, name, _read_password(password_stdin), unit)
    invited = " and sent an invitation" if invite else ""
    click.echo(f"Created user {user.email} ({user.display_name}){invited}")


@registry_cli.command("invite")
@click.option("--email", required=True, callback=_IDENTIFIER)
def invite(email: str) -> None:
    """(Re)send a person the invitation to choose their own password; earlier links stop
    working."""
    user = services.find_user_by_email(email)
    if user is None:
        fail(f"No user has the email {email!r}.")
    link = invitations.send_invitation(user, actor=None)
    click.echo(
        f"Sent an invitation to {user.email}; it expires at {link.expires_at:%Y-%m-%d %H:%M} UTC."
    )


@registry_cli.command("set-password")
@click.option("--email", required=True, callback=_IDENTIFIER)
@click.option(
    "--password-stdin",
    is_flag=True,
    help="Read the new password from the first line of standard input instead of a prompt.",
)
def set_password(email: str, password_stdin: bool) -> None:
    """Set a person's password (an officer who forgot theirs) and sign them out everywhere.

    The password is never an option's value, so it stays out of shell history and process
    lists: it is typed at a hidden prompt, or piped in with --password-stdin.
    """
    user = services.find_user_by_email(email)
    if user is None:
        fail(f"No user has the email {email!r}.")
    password = _read_password(password_stdin)
    services.set_password_by_operator(user, password)
    click.echo(f"Set a new password for {user.email}; their sessions have ended.")


@registry_cli.command("appoint")
@click.option("--email", required=True, callback=_IDENTIFIER)
@click.option(
    "--office",
    required=True,
    type=click.Choice([o.value for o in Office]),
    help="The office the person holds.",
)
@click.option("--unit", "unit_code", callback=_LINE, help="Business unit code (required for dce).")
@click.option("--acting", is_flag=True, help="An acting appointment.")
@click.option("--start", help="First day, YYYY-MM-DD (default today).")
@click.option("--end", help="Last day, YYYY-MM-DD (default open-ended).")
def appoint(
    email: str,
    office: str,
    unit_code: str | None,
    acting: bool,
    start: str | None,
    end: str | None,
) -> None:
    """Appoint a person to an office."""
    user = services.find_user_by_email(email)
    if user is None:
        fail(f"No user has the email {email!r}.")
    chosen = Office(office)
    if chosen.needs_unit and unit_code is None:
        fail("--office dce needs --unit CODE: the business unit the DCE is responsible for.")
    unit = _unit(unit_code)
    starts_on = _date(start, "--start") or offices.agency_today()
    appointment = offices.appoint(
        user, chosen, starts_on, _date(end, "--end"), acting=acting, business_unit=unit
    )
    until = appointment.ends_on.isoformat() if appointment.ends_on else "no end date"
    click.echo(
        f"{user.display_name} is {appointment.capacity} from "
        f"{appointment.starts_on.isoformat()} ({until})"
    )


@registry_cli.command("demo")
@click.option("--if-empty", is_flag=True, help="Do nothing (and succeed) if people already exist.")
def demo(if_empty: bool) -> None:
    """Create demo business units and a person for every role (never in production)."""
    if not current_app.config.get("DEMO_ALLOWED"):
        fail("Refusing to create demo data in production.")
    if db.session.scalar(select(func.count(User.id))):
        if if_empty:
            click.echo(
                "The registry already has people in it. Demo accounts, where they exist, "
                f"sign in with the password {DEMO_PASSWORD}."
            )
            return
        fail("The registry already has people in it; demo data goes only into an empty registry.")
    from registry.demo import create_demo_data

    for line in create_demo_data(DEMO_PASSWORD):
        click.echo(line)


@registry_cli.command("remind")
@click.option(
    "--after-working-days",
    type=click.IntRange(0, 365),
    default=None,
    help="Remind about proposals waiting longer than this (default from config).",
)
@click.option(
    "--today",
    "today_text",
    metavar="YYYY-MM-DD",
    help="Close scheduled closures as if today were this date (development and testing only).",
)
def remind(after_working_days: int | None, today_text: str | None) -> None:
    """Email signatories about proposals waiting too long for their sign-off, close the
    channels whose scheduled closing day has come, and queue the daily channel checks (for
    cron, daily)."""
    from registry.inventory.closing import close_scheduled_channels
    from registry.signoffs.waiting import send_signoff_reminders

    today = _date(today_text, "--today")
    if today is not None and current_app.config.get("ENV_NAME") not in ("development", "testing"):
        # A wrong "today" would close channels early: only a test or a developer may pretend.
        fail("--today is for development and testing only; in production remind uses today.")

    days = (
        after_working_days
        if after_working_days is not None
        else current_app.config["SIGNOFF_REMINDER_WORKING_DAYS"]
    )
    from registry.inventory.reminders import send_review_reminders

    lines = send_signoff_reminders(days)
    click.echo(f"Proposals waiting more than {days} working days for sign-off: {len(lines)}")
    for line in lines:
        click.echo(f"  {line}")
    from registry.inventory.people import recheck_people
    from registry.oia.services import send_oia_reminders

    requests = send_oia_reminders()
    click.echo(f"Information requests overdue or due within 5 working days: {len(requests)}")
    for line in requests:
        click.echo(f"  {line}")
    flagged = recheck_people()
    db.session.commit()
    click.echo(f"Channels whose people rules no longer hold: {len(flagged)}")
    for channel in flagged:
        click.echo(f"  {channel.name}: {channel.people_problem.splitlines()[0]}")
    reviews = send_review_reminders(today)
    click.echo(f"Channel review reminders (30, 14 and 0 days) and escalations: {len(reviews)}")
    for line in reviews:
        click.echo(f"  {line}")
    closed = close_scheduled_channels(today)
    click.echo(f"Channels closed on their scheduled day: {len(closed)}")
    for line in closed:
        click.echo(f"  {line}")
    from registry.checks.cli import queue_and_say

    queue_and_say()
    _bring_statement_up_to_date()


@registry_cli.command("backup")
@click.option("--out", required=True, type=click.Path(dir_okay=False), help="Backup file to write.")
def backup(out: str) -> None:
    """Back up the database while the registry runs (SQLite online backup, or pg_dump)."""
    import shutil
    import sqlite3
    import subprocess

    url = db.engine.url
    if url.get_backend_name() == "sqlite":
        source = sqlite3.connect(url.database)
        try:
            target = sqlite3.connect(out)
            with target:
                # The online backup API copies a consistent snapshot while others keep writing.
                source.backup(target)
            target.close()
        except sqlite3.Error as error:
            fail(f"Backup failed: {error}.")
        finally:
            source.close()
    elif url.get_backend_name() == "postgresql":
        if shutil.which("pg_dump") is None:
            fail("pg_dump is not installed; install the PostgreSQL client tools.")
        plain = url.set(drivername="postgresql").render_as_string(hide_password=False)
        result = subprocess.run(  # noqa: S603 - fixed program, arguments from our own config
            ["pg_dump", "--format=custom", "--file", out, plain],  # noqa: S607
            capture_output=True,
            text=True,
            check=False,
        )
        if result.returncode != 0:
            last_line = (result.stderr.strip().splitlines() or [f"exit {result.returncode}"])[-1]
            fail(f"pg_dump failed: {last_line}")
    else:
        fail(f"No backup method for {url.get_backend_name()}.")
    click.echo(f"Backed up the database to {out}.")


@audit_cli.command("verify")
def audit_verify() -> None:
    """Walk the audit log's hash chain and name the first broken row."""
    checked, broken = verify_chain()
    if broken is not None:
        fail(f"Audit log broken at row {broken.entry_id}: {broken.reason} ({checked} rows read).")
    click.echo(f"Audit log intact: {checked} rows verified.")


@registry_cli.command("import-channels")
@click.argument("path", metavar="FILE", type=click.Path(exists=True, dir_okay=False))
def import_channels_command(path: str) -> None:
    """Import existing channels from a CSV file (columns: name, platform, handle, url,
    business unit, liaison email, date started; the inventory's export will do, and its rows
    change the channels they name). All rows or none."""
    from registry.inventory.importing import ImportRefused, import_channels

    try:
        with open(path, "rb") as handle:
            data = handle.read()
    except OSError as error:
        fail(f"Could not read {path}: {error.strerror}.")
    try:
        result = import_channels(data, actor=None)
    except ImportRefused as refused:
        if refused.file_error:
            fail(refused.file_error)
        for error in refused.errors:
            click.echo(str(error), err=True)
        count = len(refused.errors)
        fail(f"{count} problem{'' if count == 1 else 's'} in the file; nothing was imported.")
    if not result.count and not result.updated:
        noun = "channel" if result.unchanged == 1 else "channels"
        click.echo(f"Nothing to import: the registry has the file's {result.unchanged} {noun}.")
        return
    noun = "channel" if result.count == 1 else "channels"
    line = f"Imported {result.count} {noun} (no charter on record)"
    if result.updated:
        line += f"; changed {result.updated}"
    if result.unchanged:
        line += f"; {result.unchanged} unchanged"
    click.echo(line + ".")
    _bring_statement_up_to_date()


def _bring_statement_up_to_date() -> None:
    """The transparency statement lists the official channels: after an import or the
    day's closures, a new version if it now reads differently."""
    from registry.transparency.services import refresh

    new = refresh()
    if new is not None:
        click.echo(f"Transparency statement: version {new.number} recorded.")


def register_cli(app: Flask) -> None:
    from registry.api.keys import keys_command
    from registry.charters.cli import charter_command
    from registry.checks.cli import check_channels_command
    from registry.federation.cli import fetch_feeds_command
    from registry.jobs.cli import worker_command

    registry_cli.add_command(charter_command)
    registry_cli.add_command(check_channels_command)
    registry_cli.add_command(fetch_feeds_command)
    registry_cli.add_command(worker_command)
    registry_cli.add_command(keys_command)
    app.cli.add_command(registry_cli)
    app.cli.add_command(audit_cli)
