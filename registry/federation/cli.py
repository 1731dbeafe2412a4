"""``flask registry fetch-feeds``: queue a fetch of every subscribed agency's register."""

from __future__ import annotations

import click
from flask.cli import with_appcontext

from registry.federation.services import schedule_fetches


@click.command("fetch-feeds")
@with_appcontext
def fetch_feeds_command() -> None:
    """Queue one fetch job per subscription not paused (for cron, hourly or daily); a worker
    fetches and verifies them, retrying a server that does not answer."""
    queued = schedule_fetches()
    click.echo(f"Fetches queued: {queued}")
