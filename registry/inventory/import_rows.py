"""An import batch's rows as stored (JSON beside the batch) and as its page shows them."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from registry.auth.models import BusinessUnit, User
from registry.extensions import db
from registry.inventory.csv_results import ImportRow
from registry.inventory.models import ImportBatch

__all__ = ["BatchRow", "batch_rows", "names_for", "rows_json"]


@dataclass(frozen=True)
class BatchRow:
    """A stored row as the review page shows it."""

    line: int
    cells: dict[str, str]
    business_unit_id: int
    liaison_id: int | None
    channel_id: int | None = None  # the channel the row changes; None adds one
    before: dict[str, str] | None = None  # that channel's cells when the file was checked
    changes: tuple[str, ...] = ()

    @property
    def reference(self) -> str:
        return f"C-{self.channel_id:04d}" if self.channel_id else ""

    def change_list(self) -> list[tuple[str, str, str]]:
        before = self.before or {}
        return [(c, before.get(c, ""), self.cells.get(c, "")) for c in self.changes]


def rows_json(rows: Sequence[ImportRow]) -> str:
    return json.dumps(
        [
            {
                "line": row.line,
                "cells": row.cells(),
                "business_unit_id": row.business_unit_id,
                "liaison_id": row.liaison_id,
                **(
                    {"channel_id": row.channel_id, "before": row.before, "changes": row.changes}
                    if row.channel_id
                    else {}
                ),
            }
            for row in rows
        ],
        ensure_ascii=False,
        sort_keys=True,
    )


def batch_rows(batch: ImportBatch) -> list[BatchRow]:
    return [
        BatchRow(
            line=int(item["line"]),
            cells={str(k): str(v) for k, v in item["cells"].items()},
            business_unit_id=int(item["business_unit_id"]),
            liaison_id=None if item["liaison_id"] is None else int(item["liaison_id"]),
            channel_id=int(item["channel_id"]) if item.get("channel_id") else None,
            before={str(k): str(v) for k, v in item.get("before", {}).items()},
            changes=tuple(str(c) for c in item.get("changes", ())),
        )
        for item in json.loads(batch.rows_json)
    ]


def names_for(rows: Sequence[BatchRow]) -> tuple[dict[int, str], dict[int, str]]:
    """Business unit and liaison names for the review page, in two queries."""
    unit_ids = {row.business_unit_id for row in rows}
    user_ids = {row.liaison_id for row in rows}
    units = dict(
        db.session.execute(
            select(BusinessUnit.id, BusinessUnit.name).where(BusinessUnit.id.in_(unit_ids))
        ).all()
    )
    people = dict(
        db.session.execute(select(User.id, User.display_name).where(User.id.in_(user_ids))).all()
    )
    return units, people
