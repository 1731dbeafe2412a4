"""Importing the Communications team's spreadsheet of existing channels (through the CLI, the
operator's entry point) and exporting the inventory as CSV (by calling export_rows, which the
HTTP view streams)."""

from __future__ import annotations

import csv
import io
import time
import tracemalloc
from datetime import date, timedelta

import pytest
from sqlalchemy import event, func, select

from registry.audit.models import AuditEntry
from registry.auth.offices import agency_today
from registry.channels.models import Channel, ChannelState
from registry.charters.models import Charter
from registry.errors import RegistryError
from registry.inventory import csv_export, csv_matching
from registry.inventory.csv_columns import EXPORT_COLUMNS
from registry.inventory.csv_export import export_rows
from registry.inventory.csv_import import parse_channels_csv
from registry.inventory.importing import ImportRefused, import_channels
from registry.inventory.queries import InventoryFilters, filtered, ordered
from registry.proposals.models import Proposal, ProposalState
from registry.timeutil import add_months, utcnow
from tests.conftest import run_isolated

HEADER = "Name,Platform,Handle,URL,Business unit,Liaison email,Date started"
LIAISON = "mere.comms@example.govt.nz"  # the Communications team member in ``people``


@pytest.fixture
def cli(app, db):  # noqa: ANN001
    runner = app.test_cli_runner()
    return lambda *args: run_isolated(runner.invoke, args=list(args))


@pytest.fixture
def import_file(cli, tmp_path):  # noqa: ANN001
    """Write ``content`` to a file and run ``flask registry import-channels`` on it."""

    def run(content: str | bytes, name: str = "channels.csv"):  # noqa: ANN202
        path = tmp_path / name
        if isinstance(content, str):
            path.write_text(content, encoding="utf-8", newline="")
        else:
            path.write_bytes(content)
        return cli("registry", "import-channels", str(path))

    return run


def csv_text(*rows: str, header: str = HEADER) -> str:
    return "\r\n".join([header, *rows]) + "\r\n"


def channel_count(db) -> int:  # noqa: ANN001
    db.session.rollback()  # see what the CLI committed
    return db.session.scalar(select(func.count(Channel.id)))


def audit_count(db, action: str) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count(AuditEntry.id)).where(AuditEntry.action == action))


GOOD_ROWS = (
    "Ethnic Communities NZ,Facebook,EthnicCommunitiesNZ,"
    f"https://www.facebook.com/EthnicCommunitiesNZ,POL,{LIAISON},2019-07-01",
    f"MEC on X,Twitter,@EthnicCommsNZ,,Community Engagement,{LIAISON.upper()},15/03/2021",
    f'"Te Tari Mātāwaka, community news",WhatsApp channel,mec-news,,cen,{LIAISON},1/2/2024',
)


# --- import: the happy path -----------------------------------------------------------------


def test_a_good_file_imports_every_channel_active_without_a_charter(import_file, db, people):
    result = import_file("\ufeff" + csv_text(*GOOD_ROWS))  # Excel's CSV UTF-8 starts with a BOM
    assert result.exit_code == 0, result.output
    assert result.output.strip().splitlines() == [
        "Imported 3 channels (no charter on record).",
        # The channels are official now, so the transparency statement lists them.
        "Transparency statement: version 1 recorded.",
    ]
    db.session.rollback()
    channels = db.session.scalars(select(Channel).order_by(Channel.id)).all()
    assert [(c.name, c.platform, c.handle_key) for c in channels] == [
        ("Ethnic Communities NZ", "facebook", "ethniccommunitiesnz"),
        ("MEC on X", "x", "ethniccommsnz"),
        ("Te Tari Mātāwaka, community news", "whatsapp-channel", "mec-news"),
    ]
    assert {c.state for c in channels} == {ChannelState.ACTIVE.value}
    assert all(c.no_charter and c.proposal_id is None for c in channels)
    assert [c.business_unit.code for c in channels] == ["POL", "CEN", "CEN"]
    assert {c.liaison_id for c in channels} == {people.comms.id}
    assert [c.started_on for c in channels] == [
        date(2019, 7, 1),
        date(2021, 3, 15),
        date(2024, 2, 1),
    ]
    # Exactly one interval after the start, not rolled forward: old channels show as overdue.
    assert channels[0].review_due == date(2020, 7, 1)
    assert channels[0].channel_url == "https://www.facebook.com/EthnicCommunitiesNZ"
    overdue = InventoryFilters(review="overdue")
    assert len(db.session.scalars(filtered(overdue, None)).all()) == 3
    entries = db.session.scalars(
        select(AuditEntry).where(AuditEntry.action == "channels-imported")
    ).all()
    assert len(entries) == 1  # one summary, nothing per row
    assert '"count": 3' in entries[0].summary
    assert entries[0].actor_label == "operator (command line)"  # the door it came through


def test_cells_our_export_protected_read_back_as_themselves(import_file, db, people):
    # The export writes "@handle" as "'@handle" so spreadsheets do not run it as a formula.
    row = f"'=Voices,X,'@EthnicVoicesNZ,,POL,{LIAISON},2020-01-01"
    result = import_file(csv_text(row))
    assert result.exit_code == 0, result.output
    db.session.rollback()
    channel = db.session.scalar(select(Channel))
    assert (channel.name, channel.handle, channel.handle_key) == (
        "=Voices",
        "@EthnicVoicesNZ",
        "ethnicvoicesnz",
    )


def test_headers_are_case_space_and_order_insensitive(db, people):
    header = "  date STARTED , liaison_email,Business  Unit,url,HANDLE,platform,Name"
    data = f"{header}\n2020-05-05,{LIAISON},POL,,ethnic.voices,instagram,Voices\n".encode()
    preview = parse_channels_csv(data)
    assert preview.ok, preview.errors or preview.file_error
    assert preview.rows[0].platform == "instagram"
    assert preview.rows[0].line == 2


# --- import: row errors -----------------------------------------------------------------------


def test_errors_on_lines_3_and_7_import_nothing_and_name_line_and_column(import_file, db, people):
    rows = [
        f"Channel {n},Facebook,EthnicChannel{n},,POL,{LIAISON},2020-01-0{n}" for n in range(1, 7)
    ]
    rows[1] = f"Channel 2,Myspace,EthnicChannel2,,POL,{LIAISON},2020-01-02"  # line 3
    rows[5] = f"Channel 6,Facebook,EthnicChannel6,,POL,{LIAISON},2020-13-45"  # line 7
    result = import_file(csv_text(*rows))
    assert result.exit_code == 1
    assert "line 3, column platform: “Myspace” is not a platform" in result.output
    assert "line 7, column date started: There is no month 13" in result.output
    assert "2 problems in the file; nothing was imported." in result.output
    assert "Imported" not in result.output
    assert channel_count(db) == 0
    assert audit_count(db, "channels-imported") == 0


def test_every_column_is_checked(db, people):
    from registry.auth import services

    retired = services.create_user("gone@example.govt.nz", "Gone Person", "long-enough-pass")
    services.update_user(retired, people.admin, "Gone Person", None, active=False)
    rows = [
        f",Facebook,EthnicCommunitiesNZ,,POL,{LIAISON},2020-01-01",  # 2 name
        f"A,Facebook,no spaces allowed,,POL,{LIAISON},2020-01-01",  # 3 handle
        f"B,Facebook,EthnicB123,http://www.facebook.com/EthnicB123,POL,{LIAISON},2020-01-01",
        f"C,Facebook,EthnicC123,https://x.com/EthnicC123,POL,{LIAISON},2020-01-01",  # 5 url host
        f"D,Facebook,EthnicD123,,Ministry of Magic,{LIAISON},2020-01-01",  # 6 unit
        "E,Facebook,EthnicE123,,POL,nobody@example.govt.nz,2020-01-01",  # 7 unknown person
        "F,Facebook,EthnicF123,,POL,gone@example.govt.nz,2020-01-01",  # 8 deactivated
        f"G,Facebook,EthnicG123,,POL,{LIAISON},",  # 9 no date
        f"H,Facebook,EthnicH123,,POL,{LIAISON},03/15/2021",  # 10 US order
        f"I,Facebook,EthnicI123,,POL,{LIAISON},2020-01-01,surprise",  # 11 extra cell
    ]
    preview = parse_channels_csv(csv_text(*rows).encode())
    assert not preview.ok
    found = {(e.line, e.column) for e in preview.errors}
    assert found == {
        (2, "name"),
        (3, "handle"),
        (4, "url"),
        (5, "url"),
        (6, "business unit"),
        (7, "liaison email"),
        (8, "liaison email"),
        (9, "date started"),
        (10, "date started"),
        (11, "(row)"),
    }
    messages = {(e.line, e.column): e.message for e in preview.errors}
    assert "must use https" in messages[(4, "url")]
    assert "POL (Policy)" in messages[(6, "business unit")]
    assert "deactivated" in messages[(8, "liaison email")]
    assert "DD/MM/YYYY" in messages[(10, "date started")]
    assert preview.rows == []


def test_a_date_in_the_future_is_refused(import_file, db, people):
    tomorrow = agency_today() + timedelta(days=1)
    today = agency_today()
    rows = (
        f"Today,Facebook,EthnicToday,,POL,{LIAISON},{today.strftime('%d/%m/%Y')}",
        f"Tomorrow,Facebook,EthnicTomorrow,,POL,{LIAISON},{tomorrow.isoformat()}",
    )
    result = import_file(csv_text(*rows))
    assert result.exit_code == 1
    assert f"line 3, column date started: {tomorrow.isoformat()} is in the future" in (
        result.output
    )
    assert "line 2" not in result.output
    assert channel_count(db) == 0


def test_an_oversized_cell_is_refused(import_file, db, people):
    long_name = "N" * 501
    result = import_file(csv_text(f"{long_name},Facebook,EthnicLong1,,POL,{LIAISON},2020-01-01"))
    assert result.exit_code == 1
    assert "line 2, column name: Shorten this to at most 200 characters (it has 501)" in (
        result.output
    )
    preview = parse_channels_csv(
        csv_text(
            f"Ok,Facebook,EthnicLong1,https://{'u' * 500}.example,POL,{LIAISON},2020-01-01"
        ).encode()
    )
    assert [(e.line, e.column) for e in preview.errors] == [(2, "url")]
    assert "at most 500 characters" in preview.errors[0].message
    assert channel_count(db) == 0


def test_duplicate_handles_within_the_file_name_both_lines(import_file, db, people):
    rows = (
        f"One,Instagram,ethnic.voices,,POL,{LIAISON},2020-01-01",
        f"Two,Facebook,EthnicVoices1,,POL,{LIAISON},2020-01-01",
        f"Three,instagram,@Ethnic.Voices,,CEN,{LIAISON},2020-01-01",  # same as line 2
        f"Four,Facebook,ethnic.voices,,CEN,{LIAISON},2020-01-01",  # other platform: fine
    )
    result = import_file(csv_text(*rows))
    assert result.exit_code == 1
    assert "line 4, column handle: “@Ethnic.Voices” on Instagram is on lines 2 and 4" in (
        result.output
    )
    assert "1 problem in the file" in result.output
    assert channel_count(db) == 0


def test_duplicate_handles_against_the_registry(import_file, db, people):
    assert import_file(csv_text(GOOD_ROWS[0])).exit_code == 0
    db.session.rollback()
    proposal = Proposal(
        business_unit_id=people.policy.id,
        proposer_id=people.staff_policy.id,
        state=ProposalState.DRAFT.value,
        channel_name="Proposed voices",
        platform="tiktok",
        handle="@ethnicvoices",
        handle_key="ethnicvoices",
    )
    gone = Channel(
        name="Closed",
        platform="youtube",
        handle="EthnicClosed",
        handle_key="ethnicclosed",
        business_unit_id=people.policy.id,
        state=ChannelState.DECOMMISSIONED.value,
        decommissioned_on=date(2024, 1, 1),
    )
    db.session.add_all([proposal, gone])
    db.session.commit()
    rows = (
        # The live channel C-0001's handle: this row is that channel, with a new name.
        f"Again,Facebook,ethniccommunitiesnz,,POL,{LIAISON},2019-07-01",
        f"Clash,TikTok,EthnicVoices,,POL,{LIAISON},2020-01-01",
        f"Reopened,YouTube,EthnicClosed,,POL,{LIAISON},2020-01-01",  # a closed one frees it
    )
    result = import_file(csv_text(*rows))
    assert result.exit_code == 1
    assert "line 3, column handle:" in result.output
    assert f"already the open proposal {proposal.reference} “Proposed voices”" in result.output
    assert "line 2" not in result.output and "line 4" not in result.output
    assert channel_count(db) == 2

    result = import_file(csv_text(rows[0], rows[2]))
    assert result.exit_code == 0, result.output
    assert "Imported 1 channel (no charter on record); changed 1." in result.output
    assert channel_count(db) == 3
    first = db.session.get(Channel, 1)
    assert (first.name, first.channel_url) == ("Again", "")


def test_a_race_on_a_handle_rolls_back_the_whole_import(db, people, monkeypatch):
    """The unique index on live handles trips midway (after a batch is already inserted)."""
    db.session.add(
        Channel(
            name="Registered meanwhile",
            platform="facebook",
            handle="EthnicRace01499",
            handle_key="ethnicrace01499",
            business_unit_id=people.policy.id,
            state=ChannelState.ACTIVE.value,
        )
    )
    db.session.commit()
    # As if the channel was registered after the check: the check sees nothing.
    monkeypatch.setattr(csv_matching, "live_channel_handles", lambda keys: {})
    rows = [f"Race {n},Facebook,EthnicRace{n:05d},,POL,{LIAISON},2020-01-01" for n in range(1500)]
    entries_before = db.session.scalar(select(func.count(AuditEntry.id)))
    with pytest.raises(RegistryError, match="Nothing was imported"):
        import_channels(csv_text(*rows).encode(), actor=people.comms)
    assert db.session.scalar(select(func.count(Channel.id))) == 1
    assert db.session.scalar(select(func.count(AuditEntry.id))) == entries_before


def test_import_channels_refuses_with_the_preview(db, people):
    with pytest.raises(ImportRefused) as refused:
        import_channels(csv_text(f"X,Facebook,bad handle,,POL,{LIAISON},2020-01-01").encode(), None)
    assert refused.value.file_error is None
    assert [(e.line, e.column) for e in refused.value.errors] == [(2, "handle")]
    assert "nothing was imported" in refused.value.message


# --- import: file-level errors ----------------------------------------------------------------


@pytest.mark.parametrize(
    "encode",
    [
        # Excel's "CSV (Comma delimited)" on NZ Windows: cp1252 has no ā, so it becomes "?",
        # but curly quotes and é are bytes that are not UTF-8.
        lambda text: text.encode("cp1252", errors="replace"),
        # A code page that does have ā (Baltic): "Māori" itself is the invalid byte sequence.
        lambda text: text.encode("cp1257"),
    ],
    ids=["cp1252", "cp1257-maori"],
)
def test_a_file_not_in_utf8_is_a_file_level_error(import_file, db, people, encode):
    content = encode(csv_text(f"Māori “news” café,Facebook,EthnicMaori1,,POL,{LIAISON},2020-01-01"))
    with pytest.raises(UnicodeDecodeError):
        content.decode("utf-8")
    result = import_file(content)
    assert result.exit_code == 1
    assert "not UTF-8" in result.output
    assert "Save the file as CSV UTF-8" in result.output
    assert "line 2" in result.output  # where the first bad byte is
    assert channel_count(db) == 0


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_utf16_is_a_file_level_error(import_file, db, people, encoding):
    content = csv_text(*GOOD_ROWS).encode(encoding)
    result = import_file(content)
    assert result.exit_code == 1
    assert "UTF-16" in result.output
    assert "Save the file as CSV UTF-8" in result.output
    assert channel_count(db) == 0


def test_wrong_columns_name_the_missing_and_unknown(import_file, db, people):
    header = "Name,Platform,Handle,Website,Unit,Liaison email,Date started"
    result = import_file(csv_text(f"X,Facebook,EthnicX1,,POL,{LIAISON},2020-01-01", header=header))
    assert result.exit_code == 1
    assert "missing “url”, “business unit”" in result.output
    assert "not recognised “Website”, “Unit”" in result.output
    assert channel_count(db) == 0


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"", "The file is empty"),
        (b"\r\n\r\n", "The file is empty"),
        (HEADER.encode() + b"\r\n,,,,,,\r\n", "no channels under it"),
        (HEADER.replace(",", ";").encode() + b"\n", "separated by semicolons"),
        (HEADER.encode() + b",Name\n", "repeated “Name”"),
        # Past the csv module's own field limit (128 KiB), e.g. a quote never closed.
        (HEADER.encode() + b'\nok\n"' + b"x" * 200_000, "not readable as CSV from line 3"),
    ],
)
def test_other_file_level_errors(db, people, content, message):
    preview = parse_channels_csv(content)
    assert not preview.ok
    assert preview.file_error is not None
    assert message in preview.file_error


def test_more_than_20000_rows_is_a_file_level_error(db, people):  # the default cap
    rows = [f"C{n},Facebook,EthnicMany{n:05d},,POL,{LIAISON},2020-01-01" for n in range(20_001)]
    preview = parse_channels_csv(csv_text(*rows).encode())
    assert preview.file_error is not None
    assert "more than 20,000 channels" in preview.file_error
    assert "line 20002" in preview.file_error


def test_the_row_cap_is_a_setting(app, db, people):
    rows = [f"C{n},Facebook,EthnicCap{n:05d},,POL,{LIAISON},2020-01-01" for n in range(6)]
    saved = app.config["IMPORT_MAX_ROWS"]
    app.config["IMPORT_MAX_ROWS"] = 5
    try:
        refused = parse_channels_csv(csv_text(*rows).encode())
        assert refused.file_error and "more than 5 channels (line 7" in refused.file_error
        app.config["IMPORT_MAX_ROWS"] = 6
        assert parse_channels_csv(csv_text(*rows).encode()).ok
    finally:
        app.config["IMPORT_MAX_ROWS"] = saved


# --- import: scale -----------------------------------------------------------------------------


def test_10000_rows_import_through_the_command_line(import_file, db, people):
    platforms = [
        ("Facebook", "EthnicPage{n:05d}", "https://www.facebook.com/{h}"),
        ("Instagram", "ethnic.insta{n:05d}", "https://www.instagram.com/{h}"),
        ("X", "@Ethnic{n:05d}", "https://x.com/{bare}"),
        ("YouTube", "@EthnicTube{n:05d}", "https://www.youtube.com/{h}"),
    ]
    units = ["POL", "Community Engagement", "cor"]
    rows = []
    for n in range(10_000):
        platform, handle_pattern, url_pattern = platforms[n % len(platforms)]
        handle = handle_pattern.format(n=n)
        url = url_pattern.format(h=handle, bare=handle.lstrip("@"))
        started = date(2015, 1, 1) + timedelta(days=n % 3000)
        rows.append(
            f"Channel {n:05d},{platform},{handle},{url},{units[n % 3]},{LIAISON},"
            f"{started.strftime('%d/%m/%Y') if n % 2 else started.isoformat()}"
        )
    # How fast is the benchmark's business (python -m bench), not a timed test's.
    result = import_file(csv_text(*rows))
    assert result.exit_code == 0, result.output[:2000]
    assert "Imported 10000 channels" in result.output
    assert channel_count(db) == 10_000


def _rows(count: int, prefix: str) -> list[str]:
    return [
        f"Channel {prefix} {n:05d},Facebook,{prefix}{n:05d},,POL,{LIAISON},2020-01-01"
        for n in range(count)
    ]


def test_a_handle_repeated_in_a_later_batch_names_both_lines_and_imports_nothing(db, people):
    """Rows are added a thousand at a time as the file is read; a repeat the first batch
    could not see is still reported with both lines, and the batches added are rolled back."""
    rows = _rows(2_500, "Later")
    rows[2_300] = rows[5].replace("Channel Later 00005", "The same handle again")
    entries_before = db.session.scalar(select(func.count(AuditEntry.id)))
    with pytest.raises(ImportRefused) as refused:
        import_channels(csv_text(*rows).encode(), people.comms)
    assert [(e.line, e.column) for e in refused.value.errors] == [(2_302, "handle")]
    assert "on lines 7 and 2302" in refused.value.errors[0].message
    assert channel_count(db) == 0
    assert db.session.scalar(select(func.count(AuditEntry.id))) == entries_before


def test_a_bad_row_after_whole_batches_were_added_imports_nothing(import_file, db, people):
    rows = _rows(2_100, "Late")
    rows[2_050] = f"Late bad,Facebook,LateBad,,NO-SUCH-UNIT,{LIAISON},2020-01-01"
    result = import_file(csv_text(*rows))
    assert result.exit_code != 0
    assert "line 2052, column business unit" in result.output
    assert channel_count(db) == 0


def test_importing_ten_times_the_rows_takes_no_more_memory(db, people):
    """The file is checked and added as it is read: the peak does not grow with its length."""

    def peak(count: int, prefix: str) -> int:
        data = csv_text(*_rows(count, prefix)).encode()
        tracemalloc.start()
        try:
            tracemalloc.reset_peak()
            before = tracemalloc.get_traced_memory()[0]
            assert import_channels(data, people.comms).count == count
            return tracemalloc.get_traced_memory()[1] - before
        finally:
            tracemalloc.stop()

    small, large = peak(1_500, "Small"), peak(15_000, "Large")
    print(f"\nimport peak: {small / 1e6:.1f} MB for 1,500 rows, {large / 1e6:.1f} MB for 15,000")
    assert large < 1.5 * small


# --- export -----------------------------------------------------------------------------------


def make_channel(people, name: str, handle: str, **fields) -> Channel:  # noqa: ANN001, ANN003
    values = {
        "platform": "facebook",
        "business_unit_id": people.policy.id,
        "state": ChannelState.ACTIVE.value,
    }
    values.update(fields)
    return Channel(name=name, handle=handle, handle_key=handle.lower().lstrip("@"), **values)


def exported(channels, **options) -> list[list[str]]:  # noqa: ANN001, ANN003
    text = "".join(export_rows(channels, **options))
    return list(csv.reader(io.StringIO(text, newline="")))


def all_channels(db):  # noqa: ANN001, ANN201
    filters = InventoryFilters()
    query = ordered(filtered(filters, None), filters)
    return db.session.scalars(query.execution_options(yield_per=500))


def test_export_round_trips_and_fills_every_column(db, people):
    approved = utcnow() - timedelta(days=10)
    proposal = Proposal(
        business_unit_id=people.community.id,
        proposer_id=people.staff_community.id,
        state=ProposalState.APPROVED.value,
        channel_name="Community voices",
        platform="instagram",
        handle="ethnic.voices",
        handle_key="ethnic.voices",
        approved_at=approved,
    )
    db.session.add(proposal)
    db.session.flush()
    db.session.add(
        Charter(
            number="MEC-2026-007",
            year=2026,
            sequence=7,
            proposal_id=proposal.id,
            revision_number=1,
            content_sha256="0" * 64,
            document_json="{}",
            pdf=b"%PDF-1.7",
            pdf_sha256="1" * 64,
            pdf_size=8,
        )
    )
    db.session.add_all(
        [
            make_channel(
                people,
                "Community voices",
                "ethnic.voices",
                platform="instagram",
                business_unit_id=people.community.id,
                proposal_id=proposal.id,
                approved_at=approved,
                went_live_at=approved + timedelta(days=1),
                review_due=add_months(approved.date(), 12),
                channel_url="https://www.instagram.com/ethnic.voices",
                liaison_id=people.comms.id,
            ),
            make_channel(
                people,
                "Te Tari Mātāwaka, “news”",
                "MataawakaNews",
                no_charter=True,
                started_on=date(2019, 5, 1),
                review_due=date(2020, 5, 1),
            ),
            make_channel(
                people,
                "Old page",
                "OldEthnicPage",
                state=ChannelState.DECOMMISSIONED.value,
                decommissioned_on=date(2023, 6, 30),
                decommission_reason="Merged",
            ),
        ]
    )
    db.session.commit()

    rows = exported(all_channels(db), bom=False)
    assert rows[0] == list(EXPORT_COLUMNS)
    records = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    assert [(r["name"], r["handle"]) for r in records] == [
        ("Community voices", "ethnic.voices"),
        ("Old page", "OldEthnicPage"),
        ("Te Tari Mātāwaka, “news”", "MataawakaNews"),
    ]
    voices, old, news = records
    assert voices["charter_number"] == "MEC-2026-007"
    assert voices["no_charter_on_record"] == "no"
    assert voices["business_unit_code"] == "CEN"
    assert voices["business_unit"] == "Community Engagement"
    assert voices["liaison_email"] == LIAISON
    assert voices["url"] == "https://www.instagram.com/ethnic.voices"
    assert voices["approved_on"] and voices["went_live_on"] and voices["review_due"]
    assert voices["reference"].startswith("C-")
    assert (news["charter_number"], news["no_charter_on_record"]) == ("", "yes")
    assert (news["review_due"], news["approved_on"], news["liaison_email"]) == (
        "2020-05-01",
        "",
        "",
    )
    assert (old["state"], old["decommissioned_on"]) == ("decommissioned", "2023-06-30")

    # Charter numbers supplied by the caller instead of looked up.
    rows = exported(all_channels(db), bom=False, charter_numbers={proposal.id: "GIVEN-1"})
    assert rows[1][EXPORT_COLUMNS.index("charter_number")] == "GIVEN-1"


@pytest.mark.parametrize(
    "name",
    [
        '=HYPERLINK("http://evil.example","x")',
        "+SUM(1,2)",
        "-2+3",
        "@SUM(A1)",
        "\t=1+1",
        "\r=1+1",
    ],
)
def test_export_neutralises_formulas(db, people, name):
    db.session.add(make_channel(people, name, "EthnicFormula"))
    db.session.commit()
    rows = exported(all_channels(db), bom=False)
    assert rows[1][EXPORT_COLUMNS.index("name")] == "'" + name


def test_export_neutralises_every_cell_not_just_the_name(db, people):
    db.session.add(make_channel(people, "Plain", "@EthnicAt", platform="x"))
    db.session.commit()
    rows = exported(all_channels(db), bom=False)
    assert rows[1][EXPORT_COLUMNS.index("name")] == "Plain"
    assert rows[1][EXPORT_COLUMNS.index("handle")] == "'@EthnicAt"


def test_charter_numbers_are_looked_up_per_batch_while_the_rows_stream(db, people, monkeypatch):
    monkeypatch.setattr(csv_export, "_BATCH", 2)
    for n in range(5):
        proposal = Proposal(
            business_unit_id=people.policy.id,
            proposer_id=people.staff_policy.id,
            state=ProposalState.APPROVED.value,
            channel_name=f"Batch {n}",
            platform="facebook",
            handle=f"EthnicBatch{n}",
            handle_key=f"ethnicbatch{n}",
        )
        db.session.add(proposal)
        db.session.flush()
        db.session.add(
            Charter(
                number=f"MEC-2026-{n:03d}",
                year=2026,
                sequence=n,
                proposal_id=proposal.id,
                revision_number=1,
                content_sha256="0" * 64,
                document_json="{}",
                pdf=b"%PDF-1.7",
                pdf_sha256="1" * 64,
                pdf_size=8,
            )
        )
        db.session.add(
            make_channel(people, f"Batch {n}", f"EthnicBatch{n}", proposal_id=proposal.id)
        )
    db.session.commit()
    statements = []

    def count(*args, **kwargs) -> None:  # noqa: ANN002, ANN003
        statements.append(args[2])

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        # A server-side cursor on PostgreSQL stays open while the lookups run.
        filters = InventoryFilters()
        query = ordered(filtered(filters, None), filters).execution_options(yield_per=2)
        rows = exported(db.session.scalars(query), bom=False)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    column = EXPORT_COLUMNS.index("charter_number")
    assert [row[column] for row in rows[1:]] == [f"MEC-2026-{n:03d}" for n in range(5)]
    assert sum("FROM charter" in s for s in statements) == 3  # batches of 2, 2 and 1


def test_export_bom_is_optional(db, people):
    db.session.add(make_channel(people, "Māori voices", "EthnicBom1"))
    db.session.commit()
    with_bom = list(export_rows(all_channels(db), bom=True))
    without = list(export_rows(all_channels(db), bom=False))
    assert with_bom[0].startswith("\ufeffreference,name,")
    assert "".join(with_bom).encode("utf-8").startswith(b"\xef\xbb\xbfreference")
    assert without[0].startswith("reference,name,")
    assert with_bom[1:] == without[1:]
    assert len(without) == 2  # the header, then one chunk per channel
    assert "Māori voices" in without[1]


def test_exporting_10000_channels_streams_in_constant_memory(db, people):
    rows = [
        f"Channel {n:05d} with a longish name,Facebook,EthnicStream{n:05d},"
        f"https://www.facebook.com/EthnicStream{n:05d},POL,{LIAISON},2020-01-01"
        for n in range(10_000)
    ]
    started_at = time.perf_counter()
    assert import_channels(csv_text(*rows).encode(), people.comms).count == 10_000
    print(f"\n10,000-row import_channels(): {time.perf_counter() - started_at:.2f} s")
    db.session.expire_all()

    tracemalloc.start()
    try:
        started_at = time.perf_counter()
        size = lines = 0
        for chunk in export_rows(all_channels(db), bom=True):
            size += len(chunk)
            lines += 1
        _, streaming_peak = tracemalloc.get_traced_memory()
        seconds = time.perf_counter() - started_at
        db.session.rollback()
        tracemalloc.reset_peak()
        everything = list(
            db.session.scalars(ordered(filtered(InventoryFilters(), None), InventoryFilters()))
        )
        _, holding_peak = tracemalloc.get_traced_memory()
        del everything
    finally:
        tracemalloc.stop()
    print(
        f"10,000-channel export: {size / 1e6:.1f} MB of CSV in {seconds:.2f} s (traced), "
        f"peak {streaming_peak / 1e6:.1f} MB streaming vs {holding_peak / 1e6:.1f} MB "
        f"to hold every channel at once ({db.engine.dialect.name})"
    )
    assert lines == 10_001
    assert streaming_peak < 50 * 1024 * 1024
    assert streaming_peak < holding_peak / 2


@pytest.mark.parametrize(
    "query",
    ["", "sort=unit&direction=desc", "platform=facebook", "q=seed_0001", "state=decommissioned"],
)
def test_the_streamed_export_writes_what_export_rows_writes(client_as, people, db, query):
    from tests.inventory_data import seed_channels
    from tests.public_channels import live_channel

    live_channel(client_as, people, db)  # approved, live, with a charter number
    seed_channels(40, [people.policy, people.community], liaison_id=people.comms.id)
    response = client_as("comms").get(f"/inventory/export.csv?{query}")
    assert response.status_code == 200
    filters = InventoryFilters.from_args(dict(item.split("=") for item in query.split("&") if item))
    channels = db.session.scalars(ordered(filtered(filters, None), filters)).unique()
    assert response.get_data(as_text=True) == "".join(export_rows(channels, bom=False))
    assert response.get_data(as_text=True).count("\n") > 1


def test_imported_channels_are_searchable_and_later_ones_too(client_as, people, db, app):
    rows = [f"Kōrero {n},Facebook,EthnicFind{n:03d},,POL,{LIAISON},2020-01-01" for n in range(30)]
    assert import_channels(csv_text(*rows).encode(), people.comms).count == 30
    db.session.commit()
    comms = client_as("comms")
    page = comms.get("/inventory/?q=ethnicfind01").get_data(as_text=True)
    assert "10 channels match" in page  # EthnicFind010 … 019, through the search index
    # The index still follows the table for channels added after the import.
    assert import_channels(csv_text(rows[0].replace("Find000", "Later1")).encode(), None).count
    db.session.commit()
    assert "1 channel match" in comms.get("/inventory/?q=ethniclater").get_data(as_text=True)
    db.session.add(make_channel(people, "Added one by one", "OneByOne"))
    db.session.commit()
    assert "1 channel match" in comms.get("/inventory/?q=onebyone").get_data(as_text=True)


def test_an_import_failing_midway_leaves_the_search_index_whole(client_as, people, db, monkeypatch):
    existing = f"Taken,Facebook,EthnicTaken,,POL,{LIAISON},2020-01-01"
    assert import_channels(csv_text(existing).encode(), None).count == 1
    db.session.commit()
    # As if the handle was registered after the check: the unique index trips mid-insert,
    # while the search trigger is dropped for the import.
    monkeypatch.setattr(csv_matching, "live_channel_handles", lambda keys: {})
    clash = [f"New {n},Facebook,EthnicNew{n},,POL,{LIAISON},2020-01-01" for n in range(3)]
    with pytest.raises(RegistryError):
        import_channels(csv_text(*clash, existing).encode(), None)
    db.session.rollback()
    assert channel_count(db) == 1
    db.session.add(make_channel(people, "After the refusal", "AfterRefusal"))
    db.session.commit()
    page = client_as("comms").get("/inventory/?q=afterrefusal").get_data(as_text=True)
    assert "1 channel match" in page
