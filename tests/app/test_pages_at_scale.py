"""Pages at scale: what the dashboard counts matches what the inventory lists, every page sends
the same statements however many channels there are, and the indexed search finds exactly
what reading every name would."""

from __future__ import annotations

import re
from contextlib import contextmanager
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import delete, event, insert, select, update

from registry.auth.offices import agency_today
from registry.channels.models import Channel
from registry.extensions import db as _db
from registry.inventory.queries import InventoryFilters, inventory_page
from registry.inventory.summary import OVERDUE_LISTED
from registry.timeutil import utcnow
from tests.inventory_data import seed_channels


@contextmanager
def counting_statements():
    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001, ARG001
        statements.append(" ".join(statement.split()))

    event.listen(_db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(_db.engine, "before_cursor_execute", count)


def _figure(page: str, label: str) -> int:
    found = re.search(rf"<strong>(\d+)</strong> {label}", page)
    assert found, f"no count of {label} on the page"
    return int(found.group(1))


def _inventory_total(client, query: str) -> int:  # noqa: ANN001
    page = client.get(f"/inventory/?{query}").get_data(as_text=True)
    found = re.search(r"(\d+) channels? match", page)
    assert found, page[:2000]
    return int(found.group(1))


def test_the_dashboard_counts_what_the_inventory_lists(client_as, people, db):
    seed_channels(300, [people.policy, people.community], liaison_id=people.comms.id)
    comms = client_as("comms")
    dashboard = comms.get("/").get_data(as_text=True)

    overdue = _figure(dashboard, "reviews overdue")
    due_soon = _figure(dashboard, "reviews due within 30 days")
    assert overdue == _inventory_total(comms, "review=overdue") > OVERDUE_LISTED
    assert due_soon == _inventory_total(comms, "review=due-soon") > 0
    assert _figure(dashboard, "active") == _inventory_total(comms, "state=active")
    # The longest overdue are listed, never all of them.
    listed = re.findall(r'<a href="/channels/\d+">Seeded channel \d+</a> — due', dashboard)
    assert len(listed) == OVERDUE_LISTED

    # A DCE's dashboard counts their unit's channels only.
    dce = client_as("dce_policy").get("/").get_data(as_text=True)
    assert 0 < _figure(dce, "reviews overdue") < overdue


PAGES = {
    "dashboard, Communications team": ("comms", "/"),
    "dashboard, a DCE": ("dce_policy", "/"),
    "inventory search": ("comms", "/inventory/?q=seed_0004"),
    "inventory, a short search": ("comms", "/inventory/?q=d_"),
    "inventory last page": ("comms", "/inventory/?page={last}&sort=unit"),
    "inventory filter": ("comms", "/inventory/?platform=facebook&state=active&sort=review"),
}


def test_every_page_sends_the_same_statements_at_100_and_3000_channels(client_as, people, db):
    units = [people.policy, people.community]
    clients = {role: client_as(role) for role in {role for role, _ in PAGES.values()}}
    seed_channels(100, units, liaison_id=people.comms.id)
    small = {}
    for name, (role, url) in PAGES.items():
        url = url.format(last=100 // 25)
        clients[role].get(url)  # the first request of a client reads its session once more
        with counting_statements() as statements:
            assert clients[role].get(url).status_code == 200, name
        small[name] = len(statements)
    seed_channels(2_900, units, liaison_id=people.comms.id, start=100)
    for name, (role, url) in PAGES.items():
        with counting_statements() as statements:
            assert clients[role].get(url.format(last=3_000 // 25)).status_code == 200, name
        assert len(statements) == small[name], (name, statements)
        assert len(statements) <= 15, (name, statements)  # the dashboard sends the most: 13


# --- the indexed search ----------------------------------------------------------------------

# Letters whose lower case is themselves or plain ASCII, so "contains, ignoring case" means the
# same to Python, SQLite and PostgreSQL; with the characters LIKE and FTS5 treat specially.
ALPHABET = "abcABCxyz āē华人_%\"'@-."
names = st.text(alphabet=ALPHABET, min_size=1, max_size=12)


def _add_channels(channel_names: list[str], unit_id: int) -> None:
    today = agency_today()
    _db.session.execute(
        insert(Channel),
        [
            {
                "name": name,
                "platform": "facebook",
                "platform_other": "",
                "handle": f"h{index}",
                "handle_key": f"h{index}",
                "channel_url": "",
                "business_unit_id": unit_id,
                "state": "active",
                "no_charter": True,
                "review_due": today + timedelta(days=100),
                "decommission_reason": "",
                "created_at": utcnow(),
                "updated_at": utcnow(),
            }
            for index, name in enumerate(channel_names)
        ],
    )
    _db.session.commit()


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(
    channel_names=st.lists(names, min_size=1, max_size=8),
    query=names,
    renamed=st.one_of(st.none(), names),
)
def test_search_finds_exactly_the_names_containing_the_query(
    people, db, channel_names, query, renamed
):
    _add_channels(channel_names, people.policy.id)
    if renamed is not None:
        # A renamed channel is found by its new name only (the index follows the table).
        first = min(c.id for c in db.session.scalars(select(Channel)))
        db.session.execute(update(Channel).where(Channel.id == first).values(name=renamed))
        db.session.commit()
    try:
        term = InventoryFilters.from_args({"q": query}).q
        expected = sorted(
            channel.id
            for channel in db.session.scalars(select(Channel))
            if term
            and (
                term.lower().lstrip("@") in channel.name.lower()
                or term.lower().lstrip("@") in channel.handle_key
            )
        )
        page = inventory_page(InventoryFilters.from_args({"q": query, "per_page": "100"}), None)
        assert sorted(c.id for c in page.channels) == expected or not term
        assert page.total == len(page.channels)
    finally:
        db.session.execute(delete(Channel))
        db.session.commit()
