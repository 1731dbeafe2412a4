"""What checking an imported file comes to: the rows that add or change a channel, how many
change nothing, and the problems, one per row."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask_babel import gettext as _
from flask_babel import ngettext

__all__ = ["ImportPreview", "ImportRow", "RowError", "failed"]


@dataclass(frozen=True, slots=True)
class RowError:
    line: int  # the file's line number; the header is line 1
    column: str  # the import's name for the column (csv_columns), or "(row)"
    message: str
    heading: str = ""  # the column's heading as the file writes it, where it has one

    def __str__(self) -> str:
        return f"line {self.line}, column {self.column}: {self.message}"

    @property
    def shown_column(self) -> str:
        return self.heading or self.column


@dataclass(frozen=True, slots=True)
class ImportRow:
    """One row that passes: a channel to add, or (``channel_id`` set) one to change."""

    line: int
    name: str
    platform: str
    handle: str
    handle_key: str
    channel_url: str
    business_unit_id: int
    liaison_id: int | None
    started_on: date | None
    # The cells as written, so the row can be checked again later (see recheck_rows).
    business_unit: str = ""
    liaison_email: str = ""
    channel_id: int | None = None
    # For a change: the columns it changes, and the channel's cells when it was checked (a
    # channel changed meanwhile is not changed again on the strength of an older look).
    changes: tuple[str, ...] = ()
    before: dict[str, str] = field(default_factory=dict)

    @property
    def reference(self) -> str:
        return f"C-{self.channel_id:04d}" if self.channel_id else ""

    def cells(self) -> dict[str, str]:
        """The row as cleaned cells by the import's column names, as recheck_rows takes them."""
        return {
            "reference": self.reference,
            "name": self.name,
            "platform": self.platform,
            "handle": self.handle,
            "url": self.channel_url,
            "business unit": self.business_unit,
            "liaison email": self.liaison_email,
            "date started": self.started_on.isoformat() if self.started_on else "",
        }

    def change_list(self) -> list[tuple[str, str, str]]:
        """(column, before, after) for each column a change row changes."""
        after = self.cells()
        return [(column, self.before.get(column, ""), after[column]) for column in self.changes]


@dataclass
class ImportPreview:
    rows: list[ImportRow] = field(default_factory=list)  # each adds or changes a channel
    errors: list[RowError] = field(default_factory=list)
    file_error: str | None = None
    unchanged: int = 0  # rows naming a channel the registry has just as written

    @property
    def added(self) -> list[ImportRow]:
        return [row for row in self.rows if row.channel_id is None]

    @property
    def updated(self) -> list[ImportRow]:
        return [row for row in self.rows if row.channel_id is not None]

    @property
    def ok(self) -> bool:
        return self.file_error is None and not self.errors and bool(self.rows)

    @property
    def nothing_to_do(self) -> bool:
        """Every row names a channel the registry already has as written."""
        return self.file_error is None and not self.errors and not self.rows and self.unchanged > 0

    def summary(self) -> str:
        """One sentence for a flash message or an exception."""
        if self.file_error:
            return self.file_error
        if self.errors:
            return ngettext(
                "The file has %(num)d problem, so nothing was imported. The first: %(first)s",
                "The file has %(num)d problems, so nothing was imported. The first: %(first)s",
                len(self.errors),
                first=self.errors[0],
            )
        if self.nothing_to_do:
            return ngettext(
                "Nothing to import: the registry already has the file's %(num)d channel as "
                "written.",
                "Nothing to import: the registry already has the file's %(num)d channels as "
                "written.",
                self.unchanged,
            )
        if not self.rows:
            return _("The file has a header row but no channels under it.")
        return ngettext(
            "%(num)d channel ready to import.", "%(num)d channels ready to import.", len(self.rows)
        )


def failed(message: str) -> ImportPreview:
    """A preview that refuses the whole file with one message."""
    return ImportPreview(file_error=message)
