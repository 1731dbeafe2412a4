"""A small registry with one of everything, for tests that walk every route as every role.

Built once per test module (the matrix and the header checks make hundreds of requests
against the same records): people for every role, a submitted proposal, a draft and an
approved proposal by Tama (Policy staff), the approved proposal's channel (live, with a change
already started so "start a change" is refused rather than repeated) and charter, and an API
token for every person, an information request logged on that channel, a spreadsheet
import Mere (comms) submitted, waiting for the Manager Communications, and the emails all that
sent (jobs done).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy import select

from registry.api import services as api_services
from registry.auth.models import Appointment, Office
from registry.auth.offices import agency_today
from registry.channels.models import Channel
from registry.charters.services import charter_for
from registry.checks.models import ChannelFlag
from registry.extensions import db
from registry.jobs import run_due
from registry.jobs.models import Job
from registry.proposals.models import Proposal
from registry.timeutil import utcnow
from registry.transparency import pdf as statement_pdf
from registry.transparency import services as statement
from tests import factories
from tests.conftest import _wipe
from tests.proposal_data import good_form
from tests.workflow import (
    accept_security_risk,
    approved_proposal,
    submit_import,
    submitted_proposal,
)

ANONYMOUS = "anonymous"
# The columns of the authorization matrix, in order.
ROLES = (
    ANONYMOUS,
    "staff_policy",  # the proposer's unit (Policy): Tama proposed everything below
    "staff_community",  # another unit
    "comms",
    "manager",  # Manager Communications, also in the Communications team
    "dce_policy",
    "dce_community",
    "ce",
    "acting_ce",
    "admin",
)
SIGNED_IN_ROLES = ROLES[1:]


def rules(app: Flask) -> list:
    """Every route of the app but static files, in a stable order."""
    return sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"),
        key=lambda r: (r.rule, r.endpoint),
    )


@dataclass
class World:
    app: Flask
    people: factories.People
    submitted: Proposal
    draft: Proposal
    approved: Proposal
    channel: Channel
    charter_number: str
    appointment_id: int
    tokens: dict[str, str]
    revoke_token_id: int
    request_id: int
    batch_id: int
    job_id: int
    subscription_id: int
    # An imported channel closed today: closing, its checklist to work through.
    closing_channel_id: int = 0
    flag_id: int = 0
    _clients: dict[str, FlaskClient] = field(default_factory=dict)

    def client(self, role: str) -> FlaskClient:
        """A client signed in as ``role`` (kept for the module), or a fresh anonymous one."""
        if role == ANONYMOUS:
            return self.app.test_client()
        if role not in self._clients:
            self._clients[role] = sign_in(self.app, self.people, role)
        return self._clients[role]

    def fresh_client(self, role: str) -> FlaskClient:
        if role == ANONYMOUS:
            return self.app.test_client()
        return sign_in(self.app, self.people, role)

    def forget(self, role: str) -> None:
        """``role`` signed out (every session of theirs ended): sign in again next time."""
        self._clients.pop(role, None)

    def params(self, variant: str = "") -> dict[str, Any]:
        """Real values for every URL parameter the app's routes take."""
        proposals = {"": self.submitted, "draft": self.draft, "approved": self.approved}
        proposal = proposals.get(variant, self.submitted)
        return {
            "proposal_id": proposal.id,
            "channel_id": self.closing_channel_id if variant == "closing" else self.channel.id,
            "number": "MEC-CH-1999-9999" if variant == "unknown" else self.charter_number,
            "user_id": self.people.staff_policy.id,
            "unit_id": self.people.policy.id,
            "appointment_id": self.appointment_id,
            "token_id": self.revoke_token_id,
            "token": "no-such-link",
            "request_id": self.request_id,
            "batch_id": self.batch_id,
            "job_id": self.job_id,
            "subscription_id": self.subscription_id,
            "flag_id": self.flag_id,
            "rest": "no-such-thing",
            "section": "people",
            "key": "records",
            "filename": "css/registry.css",
            # The transparency statement's first version (the approval below made it).
            "version_number": 1,
            "language": "en",
        }

    def url(self, rule, variant: str = "") -> str:  # noqa: ANN001
        values = self.params(variant)
        return rule.build({name: values[name] for name in rule.arguments}, append_unknown=False)[1]


def sign_in(app: Flask, people: factories.People, role: str) -> FlaskClient:
    user = getattr(people, role)
    client = app.test_client()
    response = client.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
    assert response.status_code == 302, f"{role} could not sign in"
    return client


def _proposal_id(response) -> int:  # noqa: ANN001
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/proposals/(\d+)", response.headers["Location"]).group(1))


def build_world(app: Flask) -> World:
    """Create the records through HTTP and the services, as people would. Needs an app context."""
    people = factories.create_people()

    def client_as(role: str) -> FlaskClient:
        return sign_in(app, people, role)

    submitted = submitted_proposal(
        client_as, people, channel_name="Matrix submitted", handle="MatrixSubmitted"
    )
    approved = approved_proposal(
        client_as, people, channel_name="Matrix approved", handle="MatrixApproved"
    )
    draft_id = _proposal_id(
        client_as("staff_policy").post(
            "/proposals/new",
            data=good_form(people, channel_name="Matrix draft", handle="MatrixDraft"),
        )
    )
    channel = db.session.scalar(select(Channel).where(Channel.proposal_id == approved.id))
    assert channel is not None, "approval should have registered the channel"
    charter = charter_for(approved)
    assert charter is not None, "approval should have issued the charter"
    accept_security_risk(client_as, channel.id)
    comms = client_as("comms")
    live = comms.post(
        f"/channels/{channel.id}/live",
        data={"channel_url": "https://www.facebook.com/MatrixApproved"},
    )
    assert live.status_code == 302, live.get_data(as_text=True)[:2000]
    # The approval made the transparency statement's first version (no channel yet), the
    # go-live its second; the first one's English PDF is ready.
    statement_pdf.ask_for_pdf(statement.version(1), "en")
    run_due()
    # A change already open: "start a change" is then refused (409), never repeated.
    assert comms.post(f"/channels/{channel.id}/change").status_code == 302
    logged = comms.post(
        f"/channels/{channel.id}/information-requests/new",
        data={
            "received_on": agency_today().isoformat(),
            # Midnight: a blank time means noon, "in the future" on a morning run.
            "received_time": "00:00",
            "requester": "@matrix_requester",
            "summary": "Matrix: the channel's moderation records.",
            "handler": "",
        },
    )
    assert logged.status_code == 302, logged.get_data(as_text=True)[:2000]
    request_id = int(logged.headers["Location"].rstrip("/").split("/")[-1])

    batch_id = submit_import(
        comms,
        "Name,Platform,Handle,URL,Business unit,Liaison email,Date started\r\n"
        f"Matrix imported,Facebook,MatrixImported,,POL,{people.comms.email},2019-07-01\r\n",
    )

    closing_channel_id = _closing_channel(people)

    appointment_id = db.session.scalar(
        select(Appointment.id).where(
            Appointment.user_id == people.dce_policy.id, Appointment.office == Office.DCE.value
        )
    )
    tokens = {
        role: api_services.create_token(getattr(people, role), f"matrix {role}")[1]
        for role in SIGNED_IN_ROLES
    }
    revoke_target, _ = api_services.create_token(people.staff_policy, "revoke target")
    from registry.checks.services import record_check
    from registry.policy.channel_checks import CheckOutcome, Verdict

    # A flag the daily check raised: its page is the channel's, to whoever sees the channel.
    record_check(channel.id, Verdict(CheckOutcome.GONE, seen={"status": 404}), 404, "", {})
    flag_id = db.session.scalar(select(ChannelFlag.id).where(ChannelFlag.channel_id == channel.id))
    db.session.expire_all()
    return World(
        app=app,
        people=people,
        submitted=db.session.get(Proposal, submitted.id),
        draft=db.session.get(Proposal, draft_id),
        approved=db.session.get(Proposal, approved.id),
        channel=db.session.get(Channel, channel.id),
        charter_number=charter.number,
        appointment_id=appointment_id,
        tokens=tokens,
        revoke_token_id=revoke_target.id,
        request_id=request_id,
        batch_id=batch_id,
        # An email sent already: only a failed job can be retried (409).
        job_id=db.session.scalar(select(Job.id).where(Job.kind == "email").limit(1)),
        subscription_id=_subscription(),
        closing_channel_id=closing_channel_id,
        flag_id=flag_id,
    )


def _subscription() -> int:
    """Another agency's register, subscribed to at an address where nothing answers (a fetch
    the matrix asks for is refused as unreachable, harmlessly)."""
    from registry.federation.models import Subscription

    now = utcnow()
    subscription = Subscription(
        agency_name="Inland Revenue",
        register_url="https://www.ird.govt.nz/register/",
        feed_url="http://127.0.0.1:9/api/public/v1/channels.json",
        public_key="11qYAYKxCrfVS/7TyWQHOg7hcvPapiMlrwIaaPcHURo=",
        key_id="0000000000000000",
        paused=False,
        channel_count=0,
        created_at=now,
        updated_at=now,
    )
    db.session.add(subscription)
    db.session.commit()
    return subscription.id


def _closing_channel(people: factories.People) -> int:
    """A channel of the Policy unit, imported at the command line and closed today."""
    from registry.inventory.importing import import_channels
    from registry.inventory.lifecycle import decommission

    import_channels(
        (
            "name,platform,handle,url,business unit,liaison email,date started\n"
            f"Matrix closing,Facebook,MatrixClosing,,POL,{people.comms.email},2019-07-01\n"
        ).encode(),
        people.comms,
    )
    channel_id = db.session.scalar(select(Channel.id).where(Channel.handle == "MatrixClosing"))
    decommission(channel_id, people.comms, agency_today(), "Matrix: merged.")
    return channel_id


def world_fixture(app: Flask) -> Iterator[World]:
    """Body of a module-scoped fixture: an emptied database, the world, emptied again after."""
    _wipe(app)
    with app.app_context():
        world = build_world(app)
        yield world
        db.session.remove()
    _wipe(app)
