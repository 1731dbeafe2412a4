"""The inventory's export imports back (unchanged, or with the Communications team's edits),
the template to fill in comes from the importer's own columns, a malformed row gives one
clear error, and the button to submit comes after the preview. Through the HTTP client, as
the Communications team uses the pages."""

from __future__ import annotations

import csv
import html
import io
import re
from datetime import date, timedelta

import pytest
from sqlalchemy import select

from registry.audit.models import AuditEntry
from registry.channels.models import Channel, ChannelState
from registry.extensions import db as _db
from registry.inventory.csv_columns import COLUMNS, EXPORT_COLUMNS
from registry.inventory.importing import import_channels
from tests.app.test_import_export import HEADER, LIAISON, csv_text
from tests.inventory_data import seed_channels
from tests.public_channels import live_channel
from tests.workflow import confirm_import

SUBMIT = "Submit the import for confirmation"


def upload(client, text: str, name: str = "channels.csv") -> tuple[int, str]:  # noqa: ANN001
    response = client.post(
        "/inventory/import",
        data={"channels_csv": (io.BytesIO(text.encode("utf-8")), name)},
        content_type="multipart/form-data",
    )
    return response.status_code, response.get_data(as_text=True)


def row_errors(page: str) -> list[tuple[int, str, str]]:
    """(line, column, message) of each row error the preview lists."""
    summary = re.search(r'<div class="error-summary".*?</div>', page, re.S)
    if summary is None:
        return []
    return [
        (int(line), html.unescape(column), html.unescape(message))
        for line, column, message in re.findall(
            r"<tr><td>(\d+)</td><td>(.*?)</td><td>(.*?)</td></tr>", summary.group(0)
        )
    ]


def summary_counts(page: str) -> dict[str, int]:
    return {
        label: int(count)
        for label, count in re.findall(r"<dt>([^<]+)</dt><dd>(\d+)</dd>", page)
        if label.startswith(("New", "Channels"))
    }


def exported(client) -> str:  # noqa: ANN001
    response = client.get("/inventory/export.csv")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def records(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def written(rows: list[dict[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def imported_channel(name: str = "Voices", handle: str = "EthnicVoices") -> Channel:
    row = f"{name},Facebook,{handle},https://www.facebook.com/{handle},POL,{LIAISON},2020-05-01"
    assert import_channels(csv_text(row).encode(), None).count == 1
    return _db.session.scalar(select(Channel).where(Channel.handle == handle))


# --- 1. the export imports back -------------------------------------------------------------


def test_an_unchanged_export_imports_back_as_nothing_to_do(client_as, people, db):
    live_channel(client_as, people, db)  # approved, live, with a charter and dates
    seed_channels(30, [people.policy, people.community], liaison_id=people.comms.id)
    imported_channel()
    comms = client_as("comms")
    text = exported(comms)
    assert len(records(text)) == 32

    status, page = upload(comms, text)
    assert status == 200
    assert row_errors(page) == []
    assert "error-summary" not in page
    assert summary_counts(page) == {
        "New channels": 0,
        "Channels changed": 0,
        "Channels unchanged": 32,
    }
    assert "Nothing to import" in page
    assert SUBMIT not in page


def test_edits_to_an_imported_channel_change_it_once_confirmed(client_as, people, db):
    channel = imported_channel()
    comms = client_as("comms")
    rows = records(exported(comms))
    rows[0]["name"] = "Voices of the Communities"
    rows[0]["date_started"] = "2021-06-30"
    rows[0]["business_unit_code"] = "CEN"
    rows[0]["business_unit"] = "Community Engagement"
    rows[0]["state"] = "decommissioned"  # read-only: left alone, not refused
    rows[0]["review_due"] = "1999-01-01"

    status, page = upload(comms, written(rows), "edited.csv")
    assert status == 200, row_errors(page)
    assert row_errors(page) == []
    assert summary_counts(page) == {
        "New channels": 0,
        "Channels changed": 1,
        "Channels unchanged": 0,
    }
    assert "Voices of the Communities" in page and "2021-06-30" in page
    token = re.search(r'name="token" value="([^"]+)"', page).group(1)
    response = comms.post("/inventory/import/submit", data={"token": token})
    assert response.status_code == 302
    batch_id = int(re.search(r"/inventory/imports/(\d+)", response.headers["Location"]).group(1))
    db.session.expire_all()
    assert db.session.get(Channel, channel.id).name == "Voices"  # nothing before confirming

    assert confirm_import(client_as("manager"), batch_id).status_code == 302
    db.session.expire_all()
    changed = db.session.get(Channel, channel.id)
    assert changed.name == "Voices of the Communities"
    assert changed.started_on == date(2021, 6, 30)
    assert changed.review_due == date(2022, 6, 30)  # follows the start: never reviewed
    assert changed.business_unit_id == people.community.id
    assert changed.state == ChannelState.ACTIVE.value
    assert db.session.scalar(select(Channel.id).where(Channel.id != channel.id)) is None
    entry = db.session.scalar(
        select(AuditEntry).where(AuditEntry.action == "channel-changed-by-import")
    )
    assert entry is not None and "Voices of the Communities" in entry.summary

    # Exported again and imported back: nothing more to do.
    status, page = upload(comms, exported(comms))
    assert summary_counts(page)["Channels unchanged"] == 1 and row_errors(page) == []


def test_a_spreadsheet_without_references_matches_channels_by_handle(client_as, people, db):
    imported_channel()
    # The same channel as written by hand: the platform in lower case, the date NZ-style.
    again = f"Voices,facebook,EthnicVoices,https://www.facebook.com/EthnicVoices,POL,{LIAISON}"
    status, page = upload(
        client_as("comms"),
        csv_text(f"{again},01/05/2020", f"New one,Instagram,ethnic.new,,POL,{LIAISON},2022-01-01"),
    )
    assert row_errors(page) == []
    assert summary_counts(page) == {
        "New channels": 1,
        "Channels changed": 0,
        "Channels unchanged": 1,
    }
    assert SUBMIT in page


def test_a_chartered_channel_edited_is_one_error_saying_how_to_change_it(client_as, people, db):
    channel = live_channel(client_as, people, db)
    comms = client_as("comms")
    rows = records(exported(comms))
    rows[0]["name"] = "Renamed in the spreadsheet"
    rows[0]["url"] = "https://www.facebook.com/SomethingElse"
    status, page = upload(comms, written(rows))
    assert status == 200
    [(line, column, message)] = row_errors(page)
    assert (line, column) == (2, "name")
    assert f"{channel.reference} runs under its charter, so “name”, “url” change only" in message
    assert "change proposal" in message and "Also check" not in message
    assert SUBMIT not in page


def test_a_reference_the_registry_does_not_have_is_one_error(client_as, people, db):
    status, page = upload(
        client_as("comms"),
        csv_text(
            f"C-0999,Voices,Facebook,EthnicVoices,,POL,{LIAISON},2020-01-01",
            header="Reference," + HEADER,
        ),
    )
    [(line, column, message)] = row_errors(page)
    assert (line, column) == (2, "Reference")
    assert "no channel C-0999" in message and "leave the reference empty" in message


# --- 2. the template ---------------------------------------------------------------------------


def test_the_template_is_the_importers_columns_with_an_example_row(client_as, people, db):
    comms = client_as("comms")
    page = comms.get("/inventory/import").get_data(as_text=True)
    assert 'href="/inventory/import/template.csv"' in page
    for column in COLUMNS:  # the notes come from the same definitions
        assert f"<code>{column.heading}</code>" in page

    response = comms.get("/inventory/import/template.csv")
    assert response.status_code == 200
    assert response.mimetype == "text/csv"
    assert "attachment" in response.headers["Content-Disposition"]
    text = response.get_data(as_text=True)
    assert text.startswith("\ufeff")  # so Excel opens it as UTF-8
    header, example = list(csv.reader(io.StringIO(text.lstrip("\ufeff"), newline="")))
    assert header == [c.heading for c in COLUMNS if c.editable]
    assert set(header) <= set(EXPORT_COLUMNS)
    assert example[header.index("platform")] == "Facebook"

    # Filled in with someone registered as the liaison, it imports as it is.
    filled = text.replace("comms.liaison@example.govt.nz", LIAISON)
    status, page = upload(comms, filled, "channels-template.csv")
    assert row_errors(page) == [] and "error-summary" not in page
    assert summary_counts(page)["New channels"] == 1
    assert SUBMIT in page


# --- 3. one malformed row, one clear error ----------------------------------------------------

GOOD = f"Good,Facebook,EthnicGood,,POL,{LIAISON},2020-01-01"


@pytest.mark.parametrize(
    ("bad_row", "column", "words"),
    [
        ("Too few,Facebook,EthnicFew", "(row)", "has 3 cells but the header has 7"),
        (
            f"Policy, Research,Facebook,EthnicMany,,POL,{LIAISON},2020-01-01",
            "(row)",
            "has 8 cells but the header has 7",
        ),
        (f"Bad date,Facebook,EthnicDate,,POL,{LIAISON},31/02/2021", "Date started", "February"),
        (
            f"Unknown,Myspace,not a handle!,https://myspace.com/x,POL,{LIAISON},2020-01-01",
            "Platform",
            "“Myspace” is not a platform the registry knows",
        ),
    ],
    ids=["too-few-cells", "too-many-cells", "bad-date", "unknown-platform"],
)
def test_a_malformed_row_is_one_error_naming_line_and_column(
    client_as, people, db, bad_row, column, words
):
    status, page = upload(client_as("comms"), csv_text(GOOD, bad_row, GOOD.replace("Good", "G2")))
    assert status == 200
    errors = row_errors(page)
    assert len(errors) == 1, errors
    [(line, shown_column, message)] = errors
    assert (line, shown_column) == (3, column)
    assert words in message
    assert "Also check" not in message  # nothing that only follows from the first problem
    assert SUBMIT not in page


def test_an_unclosed_quote_is_one_error_where_it_opens(client_as, people, db):
    rows = (
        GOOD,
        f'"Te Tari news,Facebook,EthnicQuote,,POL,{LIAISON},2020-01-01',
        f"Swallowed,Facebook,EthnicAfter,,POL,{LIAISON},2020-01-01",
    )
    status, page = upload(client_as("comms"), csv_text(*rows))
    [(line, column, message)] = row_errors(page)
    assert (line, column) == (3, "(row)")
    assert "“Name” runs from line 3 over to line" in message
    assert "quotation mark opened and never closed" in message


def test_independent_problems_in_one_row_are_one_error_naming_the_others(client_as, people, db):
    row = "Two problems,Facebook,EthnicTwo,,NOPE,nobody@example.govt.nz,2020-01-01"
    [(line, column, message)] = row_errors(upload(client_as("comms"), csv_text(row))[1])
    assert (line, column) == (2, "Business unit")
    assert "No business unit has the code or name “NOPE”" in message
    assert message.endswith("Also check “Liaison email” in this row.")


# --- 4. the button comes after the preview ---------------------------------------------------


def test_the_submit_button_comes_only_after_the_preview(client_as, people, db):
    comms = client_as("comms")
    assert SUBMIT not in comms.get("/inventory/import").get_data(as_text=True)
    _status, page = upload(comms, csv_text(GOOD, f"Bad,Facebook,EthnicBad,,POL,{LIAISON},x"))
    assert SUBMIT not in page and len(row_errors(page)) == 1
    _status, page = upload(comms, csv_text(GOOD))
    preview = page.index("What the import will do")
    table = page.index("<caption>New channels</caption>")
    button = page.index(SUBMIT)
    upload_again = page.index("Upload another file")
    assert preview < table < button < upload_again


def test_a_date_in_the_future_for_a_change_is_refused(client_as, people, db):
    imported_channel()
    comms = client_as("comms")
    rows = records(exported(comms))
    rows[0]["date_started"] = (date.today() + timedelta(days=400)).isoformat()
    [(line, column, message)] = row_errors(upload(comms, written(rows))[1])
    assert (line, column) == (2, "date_started")
    assert "in the future" in message


def test_a_new_platform_checks_the_handle_kept_from_the_old_one(client_as, people, db):
    imported_channel(handle="Ethnic.Voices.NZ")  # a Facebook page name, not an X handle
    comms = client_as("comms")
    rows = records(exported(comms))
    rows[0]["platform"] = "X"
    rows[0]["url"] = ""
    [(line, column, message)] = row_errors(upload(comms, written(rows))[1])
    assert (line, column) == (2, "handle")


def test_business_units_are_read_once_for_an_import_of_many_batches(db, people):
    from sqlalchemy import event

    statements: list[str] = []

    def count(*args, **kwargs) -> None:  # noqa: ANN002, ANN003
        statements.append(args[2])

    rows = [f"Many {n},Facebook,EthnicMany{n:05d},,POL,{LIAISON},2020-01-01" for n in range(2_500)]
    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        assert import_channels(csv_text(*rows).encode(), None).count == 2_500
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)
    assert sum("FROM business_unit" in s for s in statements) == 1  # not once a batch of 1,000
