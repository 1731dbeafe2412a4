"""The pages the bench measures, who asks for each, and the data they need.

``prepare`` adds what the pages show beyond the seeded channels: a few proposals awaiting
sign-off (so the queue, the proposal page and the sign-off page have one to show) and an API
token. ``clients`` signs each role in once, through the sign-in form.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

from flask import Flask
from flask.testing import FlaskClient

from bench.apps import Cast, csrf_token, signed_in_client

# Who asks: a key of Cast.emails, "anonymous", or "api" (a bearer token of the Communications
# team's Mere Tane).
ANONYMOUS = "anonymous"
API = "api"


@dataclass(frozen=True)
class PageSpec:
    name: str
    url: str  # may name {proposal}, {channel} and {last} (the inventory's last page)
    who: str
    json: bool = False

    def address(self, scenario: Scenario, last_page: int) -> str:
        return self.url.format(
            proposal=scenario.proposal_id, channel=scenario.channel_id, last=last_page
        )


PAGES: tuple[PageSpec, ...] = (
    PageSpec("sign-in form", "/sign-in", ANONYMOUS),
    PageSpec("dashboard (Communications team)", "/", "comms"),
    PageSpec("dashboard (staff member)", "/", "staff_policy"),
    PageSpec("dashboard (signatory, DCE)", "/", "dce_policy"),
    PageSpec("my proposals", "/proposals/", "staff_policy"),
    PageSpec("sign-off queue (DCE)", "/signoffs/", "dce_policy"),
    PageSpec("proposal page", "/proposals/{proposal}", "staff_policy"),
    PageSpec("sign-off page (DCE)", "/proposals/{proposal}/signoff", "dce_policy"),
    PageSpec("inventory first page", "/inventory/", "comms"),
    PageSpec("inventory filter", "/inventory/?platform=facebook&state=active", "comms"),
    PageSpec("inventory search", "/inventory/?q=seed_0042", "comms"),
    PageSpec("inventory last page", "/inventory/?page={last}", "comms"),
    PageSpec("channel page", "/channels/{channel}", "comms"),
    PageSpec("public register", "/register/", ANONYMOUS),
    PageSpec("public lookup", "/register/?account=%40seed_00042", ANONYMOUS),
    PageSpec("API channel list", "/api/v1/channels", API, json=True),
)

PROPOSALS_AWAITING = 3


@dataclass(frozen=True)
class Scenario:
    proposal_id: int
    channel_id: int
    api_token: str


_numbers = itertools.count(1)


def proposal_form(cast: Cast, token: str, label: str) -> dict[str, object]:
    """A complete proposal form with action=submit, a new handle and name each time."""
    from tests.proposal_data import good_form

    number = next(_numbers)
    form = good_form(
        cast.people,
        action="submit",
        handle=f"{label}{number:05d}",
        channel_name=f"MEC {label} Channel {number}",
    )
    return form | {"csrf_token": token}


def post_proposal(client: FlaskClient, form: dict[str, object]) -> str:
    """POST /proposals/new; the address of the new proposal it redirects to."""
    response = client.post("/proposals/new", data=form)
    location = response.headers.get("Location", "")
    if response.status_code != 302 or location.rstrip("/").endswith("/new"):
        raise RuntimeError(f"submitting a proposal answered {response.status_code} {location!r}")
    return location


def prepare(app: Flask, cast: Cast) -> Scenario:
    """Proposals awaiting sign-off and an API token; call once the channels are seeded."""
    from sqlalchemy import select

    from registry.api.services import create_token
    from registry.auth.models import User
    from registry.channels.models import Channel
    from registry.extensions import db
    from tests.factories import PASSWORD

    proposer = signed_in_client(app, cast.emails["staff_policy"], PASSWORD)
    token = csrf_token(proposer.get("/proposals/new").text)
    locations = [
        post_proposal(proposer, proposal_form(cast, token, "Scenario"))
        for _ in range(PROPOSALS_AWAITING)
    ]
    proposal_id = int(locations[0].rstrip("/").rsplit("/", 1)[-1])
    with app.app_context():
        channel_id = db.session.scalar(select(Channel.id).where(Channel.handle == "seed_00042"))
        _, plain = create_token(db.session.get(User, cast.comms_id), "bench")
        db.session.remove()
    if channel_id is None:
        raise RuntimeError("seed_00042 is not in the inventory: seed at least 43 channels")
    return Scenario(proposal_id, channel_id, plain)


def last_inventory_page(app: Flask) -> int:
    """The inventory's last page for the Communications team, who see every channel."""
    from sqlalchemy import func, select

    from registry.channels.models import Channel
    from registry.extensions import db

    with app.app_context():
        total = db.session.scalar(select(func.count(Channel.id))) or 0
        db.session.remove()
    return max(1, -(-total // 25))


def clients(app: Flask, cast: Cast) -> dict[str, FlaskClient]:
    """One test client per role the pages use, signed in through the form."""
    from tests.factories import PASSWORD

    roles = {spec.who for spec in PAGES} - {ANONYMOUS, API}
    result = {role: signed_in_client(app, cast.emails[role], PASSWORD) for role in roles}
    result[ANONYMOUS] = app.test_client()
    result[API] = app.test_client()
    return result
