"""Email notifications. Sent after the change they describe has been committed; a failed
email is logged and never undoes or loses a decision."""

from __future__ import annotations

import smtplib
from collections.abc import Iterable
from email.message import EmailMessage

from flask import current_app

from registry.auth.models import User


def send(recipients: Iterable[User | str], subject: str, body: str, secret: bool = False) -> None:
    """``secret``: the body holds a one-time link that is as good as a password, so outside
    development and testing it is never written to the log in place of being sent."""
    addresses = sorted(
        {r.email if isinstance(r, User) else r for r in recipients if r is not None} - {""}
    )
    if not addresses:
        return
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = ", ".join(addresses)
    message["Subject"] = f"[{config['AGENCY_SHORT_NAME']} channel registry] {subject}"
    message.set_content(body)
    if not config.get("MAIL_SERVER"):
        if secret and config.get("ENV_NAME") not in ("development", "testing"):
            body = "(not logged: it holds a one-time link; set MAIL_SERVER)"
        current_app.logger.info(
            "Email (not sent, no MAIL_SERVER) to %s: %s\n%s",
            message["To"],
            message["Subject"],
            body,
        )
        return
    try:
        with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
            smtp.send_message(message)
    except (OSError, smtplib.SMTPException):
        current_app.logger.exception("Could not send email %r to %s", subject, message["To"])


def link(path: str) -> str:
    return current_app.config["BASE_URL"].rstrip("/") + path
