"""Exporting the inventory as CSV for spreadsheets, streamed a batch at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date, datetime
from itertools import islice
from typing import NamedTuple
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import Select, select
from sqlalchemy.orm import aliased

from registry.auth.models import BusinessUnit, User
from registry.channels.models import Channel
from registry.charters.models import Charter
from registry.extensions import db
from registry.inventory.csv_columns import EXPORT_COLUMNS, FORMULA_STARTS
from registry.inventory.queries import InventoryFilters, conditions, order_clauses

__all__ = ["export_csv", "export_rows"]

_BATCH = 500  # channels held at once while streaming; also rows per charter-number lookup


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _charter_numbers_for(rows: Sequence[ExportRow]) -> dict[int, str]:
    ids = {row.proposal_id for row in rows if row.proposal_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Charter.proposal_id, Charter.number).where(Charter.proposal_id.in_(ids))
    )
    return {proposal_id: number for proposal_id, number in rows}


class ExportRow(NamedTuple):
    """The columns one exported line is made of, as the export's query selects them."""

    id: int
    name: str
    platform: str
    handle: str
    channel_url: str
    unit_code: str
    unit_name: str
    state: str
    liaison_email: str | None
    started_on: date | None
    approved_at: datetime | None
    went_live_at: datetime | None
    review_due: date | None
    proposal_id: int | None
    no_charter: bool
    decommissioned_on: date | None


def export_select(filters: InventoryFilters, scope: list[int] | None) -> Select:
    """The filtered inventory, in the inventory's order, as plain rows: no ORM entities, so
    exporting 100,000 channels costs little more than writing them."""
    liaison = aliased(User)
    return (
        select(
            Channel.id,
            Channel.name,
            Channel.platform,
            Channel.handle,
            Channel.channel_url,
            BusinessUnit.code,
            BusinessUnit.name,
            Channel.state,
            liaison.email,
            Channel.started_on,
            Channel.approved_at,
            Channel.went_live_at,
            Channel.review_due,
            Channel.proposal_id,
            Channel.no_charter,
            Channel.decommissioned_on,
        )
        .join(BusinessUnit, BusinessUnit.id == Channel.business_unit_id)
        .outerjoin(liaison, liaison.id == Channel.liaison_id)
        .where(*conditions(filters, scope))
        .order_by(*order_clauses(filters))
    )


def export_csv(filters: InventoryFilters, scope: list[int] | None, bom: bool) -> Iterator[str]:
    """The CSV text of the filtered inventory, a batch of lines per chunk, read as it streams."""
    # Core, not the ORM's result machinery: plain rows are all the export needs.
    rows = db.session.connection().execute(
        export_select(filters, scope).execution_options(yield_per=_BATCH)
    )
    yield from _lines(map(ExportRow._make, rows), bom)


def export_rows(
    channels: Iterable[Channel],
    bom: bool,
    charter_numbers: Mapping[int, str] | None = None,
) -> Iterator[str]:
    """CSV text for ``channels`` already loaded: the same lines ``export_csv`` writes for them,
    the header then one chunk per channel."""
    rows = (_row_of(channel) for channel in channels)
    yield from _lines(rows, bom, charter_numbers, per_line=True)


def _row_of(channel: Channel) -> ExportRow:
    return ExportRow(
        channel.id,
        channel.name,
        channel.platform,
        channel.handle,
        channel.channel_url,
        channel.business_unit.code,
        channel.business_unit.name,
        channel.state,
        channel.liaison.email if channel.liaison else None,
        channel.started_on,
        channel.approved_at,
        channel.went_live_at,
        channel.review_due,
        channel.proposal_id,
        channel.no_charter,
        channel.decommissioned_on,
    )


def _lines(
    rows: Iterable[ExportRow],
    bom: bool,
    charter_numbers: Mapping[int, str] | None = None,
    per_line: bool = False,
) -> Iterator[str]:
    """The header, then the rows, holding at most a batch of rows at a time, so a streamed
    response stays small however large the inventory. Charter numbers come from
    ``charter_numbers`` (proposal id → number) when given, else from one query per batch.
    ``bom`` starts the text with a UTF-8 byte-order mark, which Excel needs to read the file
    as UTF-8 rather than the Windows code page."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    zone = ZoneInfo(current_app.config["AGENCY_TIMEZONE"])

    def taken() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(EXPORT_COLUMNS)
    header = taken()
    yield ("\ufeff" + header) if bom else header
    iterator = iter(rows)
    while batch := list(islice(iterator, _BATCH)):
        numbers = charter_numbers if charter_numbers is not None else _charter_numbers_for(batch)
        for row in batch:
            # safe_cell, inlined: it runs on every cell of every channel.
            writer.writerow(
                [
                    "'" + cell
                    if cell[:1] in FORMULA_STARTS
                    or (cell[:1] == "'" and cell.lstrip("'")[:1] in FORMULA_STARTS)
                    else cell
                    for cell in _cells(row, numbers, zone)
                ]
            )
            if per_line:
                yield taken()
        if not per_line:
            yield taken()
        # Drop the batch before reading the next one, so only one is ever alive.
        del batch


def _cells(row: ExportRow, numbers: Mapping[int, str], zone: ZoneInfo) -> tuple[str, ...]:
    return (
        f"C-{row.id:04d}",
        row.name,
        row.platform,
        row.handle,
        row.channel_url,
        row.unit_code,
        row.unit_name,
        row.state,
        row.liaison_email or "",
        _iso(row.started_on),
        _local_iso(row.approved_at, zone),
        _local_iso(row.went_live_at, zone),
        _iso(row.review_due),
        numbers.get(row.proposal_id, "") if row.proposal_id else "",
        "yes" if row.no_charter else "no",
        _iso(row.decommissioned_on),
    )


def _local_iso(moment: datetime | None, zone: ZoneInfo) -> str:
    """The agency's date of a stored moment (UTC)."""
    return moment.astimezone(zone).date().isoformat() if moment else ""
