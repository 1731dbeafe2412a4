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
from sqlalchemy import insert, text
from sqlalchemy.exc import IntegrityError

from registry.audit.log import record
from registry.auth.models import User
from registry.auth.offices import OPERATOR
from registry.channels.models import Channel, ChannelState, stored_name_key
from registry.database import begin_write
from registry.errors import RegistryError
from registry.extensions import db
from registry.inventory.csv_checks import ImportPreview, ImportRow, RowError
from registry.inventory.csv_import import parse_channels_csv, stream_channels_csv
from registry.timeutil import add_months, utcnow

__all__ = [
    "HandleTakenMeanwhile",
    "ImportRefused",
    "ImportResult",
    "add_imported_channels",
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
    count: int


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
    # Rows are checked and added as the file is read, so memory does not grow with it.
    months = current_app.config["REVIEW_INTERVAL_MONTHS"]
    now = utcnow()
    try:
        with _search_index_filled_once():
            count = stream_channels_csv(
                data, lambda rows: _insert(rows, months, now), _INSERT_BATCH
            )
        if count is not None:
            record(
                "channels-imported",
                "channel",
                "import",
                actor=actor,
                actor_label=None if actor else OPERATOR,
                **({"via": "command line"} if actor is None else {}),
                count=count,
                sha256=hashlib.sha256(data).hexdigest(),
                state=ChannelState.ACTIVE.value,
                no_charter=True,
            )
            db.session.commit()
            return ImportResult(count=count)
        db.session.rollback()
    except IntegrityError:
        # A handle repeated in the file, or registered meanwhile: the report below says which.
        db.session.rollback()
    except BaseException:
        db.session.rollback()
        raise
    # Something in the file does not pass: nothing was added. Check it whole for the report.
    preview = parse_channels_csv(data)
    if not preview.ok:
        raise ImportRefused(preview)
    raise HandleTakenMeanwhile()


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


def add_imported_channels(rows: Sequence[ImportRow]) -> int:
    """Add ``rows`` as active channels with no charter on record, in the caller's transaction
    (which commits or rolls back, and records who did it). Returns how many were added."""
    months = current_app.config["REVIEW_INTERVAL_MONTHS"]
    now = utcnow()
    with _search_index_filled_once():
        _insert(rows, months, now)
    return len(rows)


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
