"""Rewriting the audit log behind the application's back, as only its owner could."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Connection, text


@contextmanager
def tampering(db) -> Iterator[Connection]:  # noqa: ANN001
    """On PostgreSQL the log refuses changes; an attacker with the owner's rights drops that."""
    postgres = db.engine.dialect.name == "postgresql"
    if postgres:
        with db.engine.begin() as conn:
            conn.execute(text("ALTER TABLE audit_entry DISABLE TRIGGER audit_entry_no_change"))
    try:
        with db.engine.begin() as conn:
            yield conn
    finally:
        if postgres:
            with db.engine.begin() as conn:
                conn.execute(text("ALTER TABLE audit_entry ENABLE TRIGGER audit_entry_no_change"))
        db.session.expire_all()
