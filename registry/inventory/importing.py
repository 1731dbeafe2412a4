"""Import the channels that existed before the registry, from the Communications team's
spreadsheet: all of them or none.

Imported channels are active with "no charter on record" until they go through a
(re)approval, and their first review falls due one review interval after the date they
started, so a channel started long ago shows as overdue straight away.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import insert, select, text
from sqlalchemy.exc import IntegrityError

from registry.audit.log import record
from registry.auth.models import User
from registry.auth.offices import OPERATOR
from registry.channels.models import Channel, ChannelState, stored_name_key
from registry.database import begin_write
from registry.errors import RegistryError
from registry.extensions import db
from registry.inventory.csv_import import parse_channels_csv, stream_channels_csv
from registry.inventory.csv_results import ImportPreview, ImportRow, RowError
from registry.timeutil import add_months, utcnow

__all__ = [
    "HandleTakenMeanwhile",
    "ImportRefused",
    "ImportResult",
    "add_imported_channels",
    "apply_import",
    "import_channels",
]


class ImportRefused(RegistryError):
    """The file has problems, so nothing was imported; ``preview`` says what they are."""

    def __init__(self, preview: ImportPreview) -> None:
        super().__init__(preview.summary(), "file")
        self.preview = preview

    @property
    def errors(self) -> list[RowError]:
        return self.preview.errors

    @property
    def file_error(self) -> str | None:
        return self.preview.file_error


@dataclass(frozen=True)
class ImportResult:
    count: int  # channels added
    updated: int = 0
    unchanged: int = 0


def import_channels(data: bytes, actor: User | None) -> ImportResult:
    """The operator's door (``flask registry import-channels``): check ``data`` again and, if
    nothing is wrong, add every row as an active channel, in one step.

    Whoever has shell access already controls the registry, so a second person adds nothing
    here; the audit log records the door. The web pages submit a batch that the Manager
    Communications confirms instead (``registry.inventory.import_batches``).

    One transaction: either every channel and one audit entry summarising the import are
    committed, or nothing is. Raises ImportRefused (a RegistryError) listing the file's
    problems, or RegistryError if the database refuses the rows (e.g. someone registered one
    of the handles while the import ran).
    """
    begin_write()
    # Checked inside the write transaction, so on SQLite nobody can take a handle between
    # the check and the insert; on PostgreSQL the unique index catches that race instead.
    # A file of new channels is checked and added as it is read, so memory does not grow
    # with it; one naming channels the registry has is checked whole, then applied.
    months = current_app.config["REVIEW_INTERVAL_MONTHS"]
    now = utcnow()
    sha256 = hashlib.sha256(data).hexdigest()
    try:
        with _search_index_filled_once():
            count = stream_channels_csv(
                data, lambda rows: _insert(rows, months, now), _INSERT_BATCH
            )
        if count is not None:
            _record_import(actor, sha256, count, 0)
            db.session.commit()
            return ImportResult(count=count)
        db.session.rollback()
    except IntegrityError:
        # A handle repeated in the file, registered meanwhile, or a channel the registry
        # has: checked whole below.
        db.session.rollback()
    except BaseException:
        db.session.rollback()
        raise
    begin_write()
    preview = parse_channels_csv(data)
    if preview.nothing_to_do:
        db.session.rollback()
        return ImportResult(count=0, unchanged=preview.unchanged)
    if not preview.ok:
        db.session.rollback()
        raise ImportRefused(preview)
    try:
        added, updated = apply_import(preview.rows, actor)
        _record_import(actor, sha256, added, updated)
        db.session.commit()
    except IntegrityError as error:
        db.session.rollback()
        raise HandleTakenMeanwhile() from error
    except BaseException:
        db.session.rollback()
        raise
    return ImportResult(count=added, updated=updated, unchanged=preview.unchanged)


def _record_import(actor: User | None, sha256: str, added: int, updated: int) -> None:
    record(
        "channels-imported",
        "channel",
        "import",
        actor=actor,
        actor_label=None if actor else OPERATOR,
        **({"via": "command line"} if actor is None else {}),
        count=added,
        **({"updated": updated} if updated else {}),
        sha256=sha256,
        state=ChannelState.ACTIVE.value,
        no_charter=True,
    )


class HandleTakenMeanwhile(RegistryError):
    def __init__(self) -> None:
        super().__init__(
            _(
                "The database refused the import, most likely because one of its platforms and "
                "handles was registered to another channel while the import ran. Nothing was "
                "imported; check the file again and retry."
            )
        )


_INSERT_BATCH = 1_000  # rows built and sent at a time, so memory does not grow with the file


def apply_import(rows: Sequence[ImportRow], actor: User | None) -> tuple[int, int]:
    """Add the new channels among ``rows`` (active, no charter on record) and change the
    channels the others name, in the caller's transaction (which commits or rolls back, and
    records the import). Returns how many were added and how many changed."""
    months = current_app.config["REVIEW_INTERVAL_MONTHS"]
    now = utcnow()
    changes = [row for row in rows if row.channel_id is not None]
    channels = _locked_channels([row.channel_id for row in changes if row.channel_id])
    for row in changes:
        _change(channels[row.channel_id], row, actor, months, now)
    if changes:
        db.session.flush()  # a handle a change gives up is free before a new row takes it
    added = [row for row in rows if row.channel_id is None]
    if added:
        with _search_index_filled_once():
            _insert(added, months, now)
    return len(added), len(changes)


def add_imported_channels(rows: Sequence[ImportRow]) -> int:
    """Add ``rows`` as active channels with no charter on record, in the caller's transaction.
    Returns how many were added."""
    return apply_import(rows, None)[0]


def _locked_channels(ids: list[int]) -> dict[int, Channel]:
    """The channels ``ids``, read fresh and locked for the rest of the transaction (a row lock
    on PostgreSQL; on SQLite, ``begin_write`` already holds the write lock)."""
    found: dict[int, Channel] = {}
    for start in range(0, len(ids), _INSERT_BATCH):
        query = (
            select(Channel)
            .where(Channel.id.in_(ids[start : start + _INSERT_BATCH]))
            .execution_options(populate_existing=True)
        )
        if db.engine.dialect.name == "postgresql":
            query = query.with_for_update(of=Channel)
        found.update((channel.id, channel) for channel in db.session.scalars(query).unique())
    return found


def _change(
    channel: Channel, row: ImportRow, actor: User | None, months: int, now: datetime
) -> None:
    """Change ``channel`` in the columns ``row`` changes, recording before and after. Its
    first review follows a changed start date unless it has been reviewed."""
    values = {
        "name": ("name", row.name),
        "platform": ("platform", row.platform),
        "handle": ("handle", row.handle),
        "url": ("channel_url", row.channel_url),
        "business unit": ("business_unit_id", row.business_unit_id),
        "liaison email": ("liaison_id", row.liaison_id),
        "date started": ("started_on", row.started_on),
    }
    for column in row.changes:
        attribute, value = values[column]
        setattr(channel, attribute, value)
    if {"platform", "handle"} & set(row.changes):
        channel.handle_key = row.handle_key
    if "date started" in row.changes and row.started_on and channel.last_reviewed_at is None:
        channel.review_due = add_months(row.started_on, months)
    channel.updated_at = now
    record(
        "channel-changed-by-import",
        "channel",
        channel.id,
        actor=actor,
        actor_label=None if actor else OPERATOR,
        changes={column: [before, after] for column, before, after in row.change_list()},
    )


@contextmanager
def _search_index_filled_once() -> Iterator[None]:
    """On SQLite, index the new channels for search in one statement after the insert, not
    one trigger call per row: indexing was 85% of an import's insert time. The trigger is
    dropped and recreated from its own stored definition inside the caller's transaction
    (SQLite's DDL is transactional), so a failed import leaves it as it was."""
    connection = db.session.connection()
    if connection.dialect.name != "sqlite":
        yield  # PostgreSQL's trigram indexes follow the table by themselves
        return
    trigger = connection.scalar(
        text("SELECT sql FROM sqlite_master WHERE type = 'trigger' AND name = :name"),
        {"name": _SEARCH_TRIGGER},
    )
    if trigger is None:  # a database without the search index (before migration 0013)
        yield
        return
    before = connection.scalar(text("SELECT coalesce(max(id), 0) FROM channel"))
    connection.exec_driver_sql(f"DROP TRIGGER {_SEARCH_TRIGGER}")
    try:
        yield
        connection.execute(
            text(
                "INSERT INTO channel_search(rowid, name, handle_key) "
                "SELECT id, name, handle_key FROM channel WHERE id > :before"
            ),
            {"before": before},
        )
    finally:
        # Back whatever happens; a failed insert is rolled back by the caller anyway.
        connection.exec_driver_sql(trigger)


_SEARCH_TRIGGER = "channel_search_insert"


def _insert(rows: Sequence[ImportRow], months: int, now: datetime) -> None:
    for start in range(0, len(rows), _INSERT_BATCH):
        values = [
            {
                "name": row.name,
                "name_key": stored_name_key(row.name),
                "platform": row.platform,
                "platform_other": "",
                "handle": row.handle,
                "handle_key": row.handle_key,
                "channel_url": row.channel_url,
                "business_unit_id": row.business_unit_id,
                "liaison_id": row.liaison_id,
                "state": ChannelState.ACTIVE.value,
                "no_charter": True,
                "started_on": row.started_on,
                "review_due": add_months(row.started_on, months),
                "decommission_reason": "",
                "created_at": now,
                "updated_at": now,
            }
            for row in rows[start : start + _INSERT_BATCH]
        ]
        # Multi-row INSERTs (SQLAlchemy's insertmanyvalues), not one per channel. No
        # RETURNING: on PostgreSQL it made a 10,000-row import four times slower.
        db.session.execute(insert(Channel), values)
