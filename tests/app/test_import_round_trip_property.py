"""Property: whatever the inventory holds, its export imported back changes nothing and reports
no problem: every row is the channel it came from, just as the registry has it."""

from __future__ import annotations

from datetime import date

from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, select

from registry.channels.models import Channel, ChannelState
from registry.inventory.csv_export import export_csv
from registry.inventory.csv_import import parse_channels_csv
from registry.inventory.importing import import_channels
from registry.inventory.queries import InventoryFilters
from registry.policy.platforms import PLATFORMS, normalise_handle
from registry.policy.text import TextKind, clean_text

# Text as people type it, and as a spreadsheet could take it for a formula.
_TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=30)
_FORMULA_LOOKING = st.sampled_from(["", "", "=", "+", "-", "@", "'", "'=", "''@", "'x"])


def _cleaned(kind: TextKind):  # noqa: ANN202
    """Text as the registry stores it: every door cleans what people type (policy.text)."""
    return st.builds(
        lambda start, rest: clean_text(start + rest, kind).strip(), _FORMULA_LOOKING, _TEXT
    )


_CHANNEL = st.fixed_dictionaries(
    {
        "name": _cleaned(TextKind.LINE).filter(bool),
        "platform": st.sampled_from(sorted(PLATFORMS)),
        "handle": _cleaned(TextKind.IDENTIFIER),
        "url": st.one_of(
            st.just(""),
            _cleaned(TextKind.IDENTIFIER),
            st.builds(
                lambda h: f"https://www.facebook.com/{h}",
                st.from_regex(r"[A-Za-z0-9]{1,20}", fullmatch=True),
            ),
        ),
        "unit": st.sampled_from(["policy", "community"]),
        "liaison": st.sampled_from([None, "comms", "manager"]),
        "started_on": st.one_of(st.none(), st.dates(date(1990, 1, 1), date(2025, 12, 31))),
        "state": st.sampled_from([s.value for s in ChannelState]),
        "no_charter": st.booleans(),
        # A decommissioned channel's handle may be a live channel's again.
        "reuses_handle": st.booleans(),
    }
)


def _snapshot(db):  # noqa: ANN001, ANN202
    db.session.expire_all()
    return [
        (c.id, c.name, c.platform, c.handle, c.handle_key, c.channel_url, c.business_unit_id,
         c.liaison_id, c.started_on, c.state, c.no_charter, c.review_due, c.updated_at)
        for c in db.session.scalars(select(Channel).order_by(Channel.id))
    ]  # fmt: skip


@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(channels=st.lists(_CHANNEL, min_size=1, max_size=8))
def test_the_export_imported_back_changes_nothing(app, db, people, channels):
    rows = []
    live_keys: dict[tuple[str, str], str] = {}
    for index, spec in enumerate(channels):
        handle = f"{spec['handle']}n{index}"
        if spec["state"] == ChannelState.DECOMMISSIONED.value and spec["reuses_handle"]:
            handle = next(iter(live_keys.values()), handle)
        key = (spec["platform"], normalise_handle(spec["platform"], handle)[:200])
        if spec["state"] != ChannelState.DECOMMISSIONED.value:
            assume(key not in live_keys)  # one live channel a handle, as the registry keeps it
            live_keys[key] = handle
        liaison = getattr(people, spec["liaison"]) if spec["liaison"] else None
        rows.append(
            Channel(
                name=spec["name"],
                platform=spec["platform"],
                handle=handle,
                handle_key=key[1],
                channel_url=spec["url"],
                business_unit_id=getattr(people, spec["unit"]).id,
                liaison_id=liaison.id if liaison else None,
                started_on=spec["started_on"],
                state=spec["state"],
                no_charter=spec["no_charter"],
                decommissioned_on=date(2024, 1, 1)
                if spec["state"] == ChannelState.DECOMMISSIONED.value
                else None,
            )
        )
    db.session.add_all(rows)
    db.session.commit()
    try:
        before = _snapshot(db)
        data = "".join(export_csv(InventoryFilters(), None, bom=True)).encode("utf-8")

        preview = parse_channels_csv(data)
        assert preview.file_error is None, preview.file_error
        assert preview.errors == [], [str(e) for e in preview.errors]
        assert preview.rows == []
        assert preview.unchanged == len(channels)

        result = import_channels(data, None)
        assert (result.count, result.updated, result.unchanged) == (0, 0, len(channels))
        assert _snapshot(db) == before
    finally:
        db.session.rollback()
        db.session.execute(delete(Channel))
        db.session.commit()
