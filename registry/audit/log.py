"""Append to and verify the audit log. The application never updates or deletes a row."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select, text

from registry.audit.models import AuditEntry
from registry.extensions import db
from registry.policy.text import escape_invisible
from registry.timeutil import utcnow

GENESIS_HASH = "0" * 64
_CHAIN_LOCK_KEY = 7_270_001  # PostgreSQL advisory lock serialising appends


def encode_control(value: str) -> str:
    """Make newlines, control characters and bidirectional overrides visible, so a logged
    value can neither forge a line nor display as something other than what it says."""
    return escape_invisible(value)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return encode_control(value)
    if isinstance(value, dict):
        return {encode_control(str(k)): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set):
        return [_clean(v) for v in value]
    if value is None or isinstance(value, bool | int | float):
        return value
    return encode_control(str(value))


def entry_digest(entry: AuditEntry) -> str:
    canonical = json.dumps(
        {
            "id": entry.id,
            "occurred_at": entry.occurred_at.isoformat(),
            "actor_id": entry.actor_id,
            "actor_label": entry.actor_label,
            "action": entry.action,
            "object_type": entry.object_type,
            "object_id": entry.object_id,
            "summary": entry.summary,
            "prev_hash": entry.prev_hash,
        },
        sort_keys=True,
        ensure_ascii=True,
        separators=(",", ":"),
    )
    return hashlib.sha256(canonical.encode("ascii")).hexdigest()


def hold_chain_lock() -> None:
    """Hold the lock that orders appends to the log, until the transaction ends (PostgreSQL;
    on SQLite a writer already holds the database's write lock). Every audited decision takes
    it, so whatever else must be ordered with those decisions takes it first, before its own
    reads, and two locks are never taken in opposite orders."""
    if db.engine.dialect.name == "postgresql":
        db.session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _CHAIN_LOCK_KEY})


def record(
    action: str,
    object_type: str,
    object_id: object,
    actor: Any = None,
    actor_label: str | None = None,
    **summary: Any,
) -> AuditEntry:
    """Append one row in the caller's transaction (the caller commits with its change).

    ``actor`` is a User or None (the system); ``summary`` holds before/after and details.
    """
    hold_chain_lock()
    last = db.session.execute(
        select(AuditEntry.id, AuditEntry.entry_hash).order_by(AuditEntry.id.desc()).limit(1)
    ).first()
    entry = AuditEntry(
        id=(last.id + 1) if last else 1,
        occurred_at=utcnow(),
        actor_id=getattr(actor, "id", None),
        actor_label=encode_control(actor_label or getattr(actor, "email", None) or "system"),
        action=action,
        object_type=object_type,
        object_id=encode_control(str(object_id)),
        summary=json.dumps(_clean(summary), sort_keys=True, ensure_ascii=False),
        prev_hash=last.entry_hash if last else GENESIS_HASH,
    )
    entry.entry_hash = entry_digest(entry)
    db.session.add(entry)
    db.session.flush()
    return entry


@dataclass(frozen=True)
class ChainBreak:
    entry_id: int
    reason: str


def _entries() -> Iterator[AuditEntry]:
    yield from db.session.scalars(select(AuditEntry).order_by(AuditEntry.id)).yield_per(1000)


def verify_chain() -> tuple[int, ChainBreak | None]:
    """Walk the chain; return how many rows were checked and the first broken row, if any."""
    expected_prev = GENESIS_HASH
    expected_id = 1
    checked = 0
    for entry in _entries():
        checked += 1
        if entry.id != expected_id:
            return checked, ChainBreak(entry.id, f"row {expected_id} is missing before it")
        if entry.prev_hash != expected_prev:
            return checked, ChainBreak(entry.id, "it does not follow the row before it")
        if entry_digest(entry) != entry.entry_hash:
            return checked, ChainBreak(entry.id, "its content does not match its hash")
        expected_prev = entry.entry_hash
        expected_id += 1
    return checked, None
