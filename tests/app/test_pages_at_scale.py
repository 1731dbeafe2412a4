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
from tests.app.test_api import create_token
from tests.inventory_data import seed_channels
from tests.workflow import submitted_proposal


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
    # The open channels by platform and by unit: what the inventory lists, less the closed.
    rows = dict(re.findall(r"<tr><td>([^<]+)</td><td>(\d+)</td></tr>", dashboard))
    for platform, label in (("facebook", "Facebook"), ("instagram", "Instagram")):
        listed = _inventory_total(comms, f"platform={platform}")
        closed = _inventory_total(comms, f"platform={platform}&state=decommissioned")
        assert int(rows[label]) == listed - closed > 0, (label, rows)
    for unit in (people.policy, people.community):
        listed = _inventory_total(comms, f"unit={unit.id}")
        closed = _inventory_total(comms, f"unit={unit.id}&state=decommissioned")
        assert int(rows[unit.name]) == listed - closed > 0, (unit.name, rows)
    # The longest overdue are listed, never all of them.
    listed = re.findall(r'<a href="/channels/\d+">Seeded channel \d+</a> — due', dashboard)
    assert len(listed) == OVERDUE_LISTED

    # A DCE's dashboard counts their unit's channels only.
    dce = client_as("dce_policy").get("/").get_data(as_text=True)
    assert 0 < _figure(dce, "reviews overdue") < overdue


PAGES = {
    "dashboard, Communications team": ("comms", "/"),
    "dashboard, a DCE": ("dce_policy", "/"),
    "dashboard, staff": ("staff_policy", "/"),
    "my proposals": ("staff_policy", "/proposals/"),
    "sign-off queue": ("dce_policy", "/signoffs/"),
    "proposal page": ("staff_policy", "/proposals/{proposal}"),
    "sign-off page": ("dce_policy", "/proposals/{proposal}/signoff"),
    "inventory first page": ("comms", "/inventory/"),
    "inventory search": ("comms", "/inventory/?q=seed_0004"),
    "inventory, a short search": ("comms", "/inventory/?q=d_"),
    "inventory last page": ("comms", "/inventory/?page={last}&sort=unit"),
    "inventory filter": ("comms", "/inventory/?platform=facebook&state=active&sort=review"),
    "channel page": ("comms", "/channels/{channel}"),
    "public register": ("public", "/register/"),
    "public register, last page": ("public", "/register/?page={register_last}"),
    "public lookup by address": ("public", "/register/?account=facebook.com/MECPasifika"),
    "public lookup by name": ("public", "/register/?account=Seeded+channel+00042"),
    "API channel list": ("api", "/api/v1/channels?per_page=100"),
}


CHARTER_NUMBERS = "SELECT charter.proposal_id, charter.number FROM charter WHERE"


class BearerClient:
    """A client of the API: every request carries the token."""

    def __init__(self, client, token: str) -> None:  # noqa: ANN001
        self.client, self.token = client, token

    def get(self, address: str):  # noqa: ANN201
        return self.client.get(address, headers={"Authorization": f"Bearer {self.token}"})


def _statements_per_page(clients, places: dict[str, int]) -> dict[str, list[str]]:  # noqa: ANN001
    sent = {}
    for name, (role, url) in PAGES.items():
        address = url.format(**places)
        clients[role].get(address)  # the first request of a client reads its session once more
        with counting_statements() as statements:
            response = clients[role].get(address)
        assert response.status_code == 200, (name, response.status_code)
        # Charter numbers are looked up only when a channel listed has a charter: one
        # statement or none, whichever channels the page happens to show.
        sent[name] = [s for s in statements if not s.startswith(CHARTER_NUMBERS)]
    return sent


# A channel's page gathers from every package that knows something of a channel: its people,
# safeguards, charter, reviews, history, information requests, the daily check's flags and the
# review's attestations (with its owner, from the proposal). Each is one statement, whatever the
# size of the registry.
CEILING = {"channel page": 22}


def test_every_page_sends_the_same_statements_at_100_and_3000_channels(
    app, client, client_as, people, db, register_on
):
    """However many channels, and however long the sign-off queue: a page that sent more
    statements for more rows would slow down as the registry grows."""
    from tests.public_channels import live_channel

    units = [people.policy, people.community]
    channel = live_channel(client_as, people, db)
    waiting = submitted_proposal(client_as, people, handle="MECWaiting1")
    clients = {role: client_as(role) for role in {"comms", "dce_policy", "staff_policy"}}
    clients["public"] = client
    clients["api"] = BearerClient(app.test_client(), create_token(clients["comms"]))

    seed_channels(100, units, liaison_id=people.comms.id)
    places = {"proposal": waiting.id, "channel": channel.id, "last": 5, "register_last": 2}
    small = _statements_per_page(clients, places)

    seed_channels(2_900, units, liaison_id=people.comms.id, start=100)
    for number in range(2, 7):  # and a longer sign-off queue
        submitted_proposal(client_as, people, handle=f"MECWaiting{number}")
    places |= {"last": 3_001 // 25 + 1, "register_last": 48}
    large = _statements_per_page(clients, places)
    for name in PAGES:
        assert len(large[name]) == len(small[name]), (name, large[name], small[name])
        assert len(large[name]) <= CEILING.get(name, 20), (name, large[name])


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
