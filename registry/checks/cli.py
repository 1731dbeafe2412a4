"""``flask registry check-channels``: queue today's check of every live channel (the worker
fetches them). ``flask registry remind`` runs it too, so one daily cron line does both."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from registry.checks.services import checks_enabled, queue_checks


def queue_and_say() -> None:
    if not checks_enabled():
        click.echo(
            "Channel checks are off: set CHANNEL_CHECKS_ENABLED=true to check live channels daily."
        )
        return
    queued = queue_checks()
    click.echo(
        f"Channel checks queued for the worker: {queued}"
        " (a channel already checked today is not queued again)"
    )


@click.command("check-channels")
@with_appcontext
def check_channels_command() -> None:
    """Queue today's check of each live channel's public page (daily; the worker runs them)."""
    queue_and_say()
