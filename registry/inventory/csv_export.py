"""Exporting the inventory as CSV for spreadsheets, streamed a batch at a time."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Mapping, Sequence
from datetime import date
from itertools import islice

from flask import current_app
from sqlalchemy import select

from registry.channels.models import Channel
from registry.charters.models import Charter
from registry.extensions import db
from registry.inventory.csv_columns import EXPORT_COLUMNS, safe_cell
from registry.timeutil import local_date

__all__ = ["export_rows"]

_BATCH = 500  # channels held at once while streaming; also rows per charter-number lookup


def _iso(day: date | None) -> str:
    return day.isoformat() if day else ""


def _charter_numbers_for(channels: Sequence[Channel]) -> dict[int, str]:
    ids = {c.proposal_id for c in channels if c.proposal_id is not None}
    if not ids:
        return {}
    rows = db.session.execute(
        select(Charter.proposal_id, Charter.number).where(Charter.proposal_id.in_(ids))
    )
    return {proposal_id: number for proposal_id, number in rows}


def export_rows(
    channels: Iterable[Channel],
    bom: bool,
    charter_numbers: Mapping[int, str] | None = None,
) -> Iterator[str]:
    """CSV text for ``channels``: the header, then one line per channel, as separate chunks.

    Holds at most a batch of channels at a time, so a streamed response stays small however
    large the inventory. Charter numbers come from ``charter_numbers`` (proposal id → number)
    when given, else from one query per batch. ``bom`` starts the text with a UTF-8 byte-order
    mark, which Excel needs to read the file as UTF-8 rather than the Windows code page.
    """
    buffer = io.StringIO()
    writer = csv.writer(buffer)

    def line(cells: Iterable[str]) -> str:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([safe_cell(cell) for cell in cells])
        return buffer.getvalue()

    tz_name = current_app.config["AGENCY_TIMEZONE"]
    header = line(EXPORT_COLUMNS)
    yield ("\ufeff" + header) if bom else header
    iterator = iter(channels)
    while batch := list(islice(iterator, _BATCH)):
        numbers = charter_numbers if charter_numbers is not None else _charter_numbers_for(batch)
        for channel in batch:
            charter = numbers.get(channel.proposal_id, "") if channel.proposal_id else ""
            yield line(
                (
                    channel.reference,
                    channel.name,
                    channel.platform,
                    channel.handle,
                    channel.channel_url,
                    channel.business_unit.code,
                    channel.business_unit.name,
                    channel.state,
                    channel.liaison.email if channel.liaison else "",
                    _iso(local_date(channel.approved_at, tz_name) if channel.approved_at else None),
                    _iso(
                        local_date(channel.went_live_at, tz_name) if channel.went_live_at else None
                    ),
                    _iso(channel.review_due),
                    charter,
                    "yes" if channel.no_charter else "no",
                    _iso(channel.decommissioned_on),
                )
            )
        # Drop the batch before reading the next one, so only one is ever alive.
        del batch
