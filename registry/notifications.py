"""Email notifications, through the job queue.

``send`` records the email as a job in the caller's transaction, so it is sent if and only if
the decision it describes is committed; a mail server that is down delays it (the worker tries
again with backoff) and never loses it or the decision. ``deliver`` is the job's handler.
"""

from __future__ import annotations

import hashlib
import smtplib
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formatdate
from typing import Any, Protocol

from flask import current_app

from registry import addresses, jobs
from registry.jobs.models import Job

EMAIL_JOB = "email"


class Recipient(Protocol):
    """Anyone with an address: a person's account, or whatever else has ``.email``."""

    @property
    def email(self) -> str: ...


def _address(recipient: Recipient | str) -> str:
    return recipient if isinstance(recipient, str) else recipient.email


def send(
    recipients: Iterable[Recipient | str | None], subject: str, body: str, secret: bool = False
) -> None:
    """Queue one email to ``recipients`` in the caller's transaction (the caller commits).

    ``secret``: the body holds a one-time link that is as good as a password, so it is blanked
    in the job once delivered, and outside development and testing it is never written to the
    log in place of being sent.
    """
    addresses = sorted({_address(r) for r in recipients if r is not None} - {""})
    if not addresses:
        return
    prefix = current_app.config["AGENCY_SHORT_NAME"]
    jobs.enqueue(
        EMAIL_JOB,
        {
            "to": addresses,
            "subject": f"[{prefix} channel registry] {subject}",
            "body": body,
            "secret": secret,
        },
    )


def message_id(job: jobs.JobRun) -> str:
    """The same for every attempt of one job, so a message delivered twice (a worker stopped
    between the mail server's "250 OK" and recording it) is recognisably one message."""
    sender = current_app.config["MAIL_SENDER"]
    domain = sender.rpartition("@")[2] or current_app.config["AGENCY_DOMAIN"]
    digest = hashlib.sha256(job.key.encode()).hexdigest()[:24]
    return f"<registry.job{job.id}.{digest}@{domain}>"


def _permanent(error: smtplib.SMTPException) -> bool:
    """The mail server refused for good (a 5xx reply): trying again cannot help."""
    if isinstance(error, smtplib.SMTPRecipientsRefused):
        return all(code >= 500 for code, _ in error.recipients.values())
    return isinstance(error, smtplib.SMTPResponseException) and error.smtp_code >= 500


def deliver(job: jobs.JobRun) -> dict[str, Any] | None:
    """The email job's handler: send it by SMTP (or log it when no MAIL_SERVER is set).

    Returns the payload to keep: a secret body is blanked in the same transaction that marks
    the job done. Transient failures (connection refused, a 4xx reply) raise, and the job is
    tried again later; a 5xx refusal fails it for good.
    """
    config = current_app.config
    payload = job.payload
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = ", ".join(payload["to"])
    message["Subject"] = payload["subject"]
    message["Date"] = formatdate(usegmt=True)
    message["Message-ID"] = message_id(job)
    message.set_content(payload["body"])
    if not config.get("MAIL_SERVER"):
        body = payload["body"]
        if payload.get("secret") and config.get("ENV_NAME") not in ("development", "testing"):
            body = "(not logged: it holds a one-time link; set MAIL_SERVER)"
        current_app.logger.info(
            "Email (not sent, no MAIL_SERVER) to %s: %s\n%s",
            message["To"],
            message["Subject"],
            body,
        )
    else:
        try:
            with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
                refused = smtp.send_message(message)
        except smtplib.SMTPException as error:
            if _permanent(error):
                raise jobs.PermanentJobError(f"The mail server refused it: {error}") from error
            raise
        if refused:
            current_app.logger.warning("Email %s: refused for %s", message_id(job), refused)
    if payload.get("secret"):
        return {**payload, "body": ""}
    return None


def describe(job: Job) -> str:
    """What the email job is for, on the admin jobs page: never its body."""
    payload = job.payload
    return f"Email to {', '.join(payload.get('to', []))}: {payload.get('subject', '')}"


def link(path: str) -> str:
    return addresses.absolute(path)
