"""``flask registry worker``: run the jobs (emails, charters) as they fall due."""

from __future__ import annotations

import logging

import click
from flask import current_app
from flask.cli import with_appcontext

from registry.jobs.worker import Worker


@click.command("worker")
@click.option("--once", is_flag=True, help="Run the jobs that are due now, then exit.")
@click.option(
    "--poll",
    "poll_seconds",
    type=click.FloatRange(min=0.05),
    default=None,
    help="Seconds between looks at an empty queue (default JOBS_POLL_SECONDS).",
)
@with_appcontext
def worker_command(once: bool, poll_seconds: float | None) -> None:
    """Run queued emails and charter renders; several workers may share one database.
    SIGTERM stops it after the job it is running."""
    # The registry's loggers go through Flask's handler on the app's logger (stderr); a
    # worker says what it ran.
    logger = current_app.logger
    if logger.level == logging.NOTSET or logger.level > logging.INFO:
        logger.setLevel(logging.INFO)
    config = current_app.config
    worker = Worker(poll_seconds or config["JOBS_POLL_SECONDS"])
    if once:
        ran = worker.run_once()
        click.echo(f"Ran {ran} job{'' if ran == 1 else 's'}.")
        return
    lease = config["JOBS_LEASE_SECONDS"]
    if lease < config["CHARTER_RENDER_TIMEOUT_SECONDS"] + 60:
        # A job outliving its lease may be taken over and run twice.
        click.echo(
            f"Warning: JOBS_LEASE_SECONDS ({lease}) is short for a charter render of up to "
            f"{config['CHARTER_RENDER_TIMEOUT_SECONDS']:g} s plus delivery.",
            err=True,
        )
    worker.run_forever()
