"""Random lifecycles through the pages people use: signed-in test clients posting forms.

Thinner than the service machine: the same cast and promises, driven through the admin
pages, the proposal form, the sign-off page and the channel pages. On top of the promises,
no page ever answers 500, and a refused form shows again with what was typed.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from typing import Any

import sqlalchemy as sa
from flask import Flask
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from registry.auth.models import Appointment, Office, User
from registry.auth.offices import offices_held
from registry.channels.models import Channel
from registry.extensions import db
from registry.inventory.models import ImportBatch
from registry.proposals.models import Proposal
from tests import factories
from tests.conftest import _wipe, run_isolated
from tests.stateful import invariants, world
from tests.stateful.conftest import machine_settings
from tests.stateful.http_channel_rules import HttpChannelRules
from tests.stateful.http_rules import HttpDoorRules
from tests.workflow import SECTIONS

roles = st.sampled_from(world.ROLES)
admins = st.sampled_from(world.ADMINS)
index = st.integers(min_value=0, max_value=50)
rarely = st.sampled_from([True, False, False, False])
# Proposals still on their way: the ones the lifecycle rules try to move on.
OPEN = ("draft", "awaiting-signoff", "changes-requested")
mostly_proposer = st.sampled_from(["proposer"] * len(world.ROLES) + list(world.ROLES))
# Text people type, with a marker to find it again on the page, and characters a careless
# page would mangle (macrons, an ampersand, angle brackets).
typed = st.integers(min_value=0, max_value=999).map(
    lambda n: f"Typed note {n}: Tāmaki & <Ōtautahi> hours"
)

OUTCOMES: Counter[str] = Counter()


def form_for(w: world.World, unit_id: int | None, handle: str, flaw: str | None, purpose: str):
    """The proposal form as a browser posts it, from the same content the services get."""
    content = world.content_for(w, unit_id or 0, handle, flaw)
    form: dict[str, Any] = {
        "channel_name": content["channel_name"],
        "platform": content["platform"],
        "handle": content["handle"],
        "channel_url": content["channel_url"],
        "business_unit": str(unit_id or ""),
        "purpose": purpose,
        "audience": content["audience"],
        "languages": content["languages"],
        "terms_of_use": content["terms_of_use"],
        "out_of_hours_message": content["out_of_hours_message"],
        "profile_statement": content["profile_statement"],
        "profile_links": "\n".join(content["profile_links"]),
        "no_related_reason": content["no_related_reason"],
        "liaison": str(content["liaison_id"]),
        "spokespeople": [str(i) for i in content["spokespeople_ids"]],
        "peer_reviewers": [str(i) for i in content["peer_reviewer_ids"]],
        "information_contact": str(content["information_contact_id"]),
        "action": "save",
    }
    if content["neutrality_confirmed"]:
        form["neutrality_confirmed"] = "y"
    for row, window in enumerate(content["monitoring_windows"]):
        form[f"monitoring_windows-{row}-weekday"] = str(window["weekday"])
        form[f"monitoring_windows-{row}-starts"] = window["starts"]
        form[f"monitoring_windows-{row}-ends"] = window["ends"]
    return form


def shows(page: str, text: str) -> bool:
    """Whether ``text`` appears on the page as typed (however the template escaped it)."""
    return html.escape(text) in page or html.escape(text, quote=False) in page


class HttpLifecycle(HttpDoorRules, HttpChannelRules, RuleBasedStateMachine):
    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app
        self.context = app.app_context()
        self.context.push()
        self.world: world.World | None = None
        self.clients: dict[str, Any] = {}

    def teardown(self) -> None:
        try:
            if self.world is not None:
                self._tally()
                result = run_isolated(self.app.test_cli_runner().invoke, args=["audit", "verify"])
                assert result.exit_code == 0, result.output
        finally:
            db.session.remove()
            self.context.pop()
            _wipe(self.app)

    def _tally(self) -> None:
        """How far this lifecycle's channels got (a machine that approves nothing proves little)."""
        db.session.expire_all()
        approved = db.session.scalar(
            sa.select(sa.func.count()).select_from(Proposal).where(Proposal.state == "approved")
        )
        OUTCOMES["lifecycle reached approval"] += approved
        for state, label in (
            ("active", "went live"),
            ("closing", "closing"),
            ("decommissioned", "decommissioned"),
        ):
            count = db.session.scalar(
                sa.select(sa.func.count())
                .select_from(Channel)
                .where(Channel.state == state, Channel.proposal_id.is_not(None))
            )
            OUTCOMES[f"charted channel {label} (at the end)"] += count

    # --- doors --------------------------------------------------------------------------

    def client(self, role: str) -> Any:
        """``role``'s browser: signed in once, and kept (so a deactivation must end it)."""
        if role not in self.clients:
            browser = self.app.test_client()
            user = db.session.get(User, self.world.people[role])
            browser.post("/sign-in", data={"email": user.email, "password": factories.PASSWORD})
            self.clients[role] = browser
            if user.is_active_account:
                # A fresh sign-in: the promise is about sessions from before a deactivation.
                self.world.sessions[user.id] = browser
                self.world.deactivated_since_issue.discard(user.id)
        return self.clients[role]

    def post(self, role: str, path: str, data: dict[str, Any], **kwargs: Any) -> Any:
        response = self.client(role).post(path, data=data, **kwargs)
        assert response.status_code < 500, (
            f"{role} POST {path} answered {response.status_code}:\n"
            + response.get_data(as_text=True)[:3000]
        )
        OUTCOMES[f"POST {re.sub(r'/[0-9]+', '/<id>', path)} {response.status_code}"] += 1
        return response

    def is_admin(self, role: str) -> bool:
        """Whether ``role`` may open the admin pages now (active, holding the admin office)."""
        db.session.expire_all()
        user = db.session.get(User, self.world.people[role])
        return user.is_active_account and any(
            a.office_enum is Office.ADMIN for a in offices_held(user)
        )

    def kept_typing(self, response: Any, *texts: str, what: str, door_open: bool = True) -> None:
        """A refused form, shown again, still holds what was typed.

        A redirect is not a refusal and a 404 is a door that was never open; so is a 403 for
        someone who no longer holds the office the page needs (``door_open`` False). A 403 or
        409 error page in place of the form loses what was typed: that is a finding of its own.
        """
        if (
            response.status_code < 400
            and response.status_code != 200
            or (response.status_code == 404)
            or (response.status_code == 403 and not door_open)
        ):
            return
        page = response.get_data(as_text=True)
        lost = [text for text in texts if not shows(page, text)]
        key = "typed-lost-on-error-page" if response.status_code in (403, 409) else "typed-kept"
        message = f"{what}: {lost} lost (answered {response.status_code})"
        failures = invariants.failing([invariants.Violation(key, message)] if lost else [])
        assert not failures, failures[0]

    def ids(self, model: type) -> list[int]:
        return list(db.session.scalars(sa.select(model.id).order_by(model.id)))

    def pick(self, model: type, i: int, states: tuple[str, ...] = ()) -> int | None:
        """The ``i``th row (cycling), among those in ``states`` when there are any."""
        ids = self.ids(model)
        if states:
            column = model.status if model is ImportBatch else model.state
            query = sa.select(model.id).where(column.in_(states)).order_by(model.id)
            ids = list(db.session.scalars(query)) or ids
        return ids[i % len(ids)] if ids else None

    def has(self, model: type) -> bool:
        return self.world is not None and bool(self.ids(model))

    def holds_any(self, role: str, offices: tuple[Office, ...]) -> bool:
        user = db.session.get(User, self.world.people[role])
        return user.is_active_account and any(a.office_enum in offices for a in offices_held(user))

    def role_of(self, user_id: int) -> str:
        return next(r for r, i in self.world.people.items() if i == user_id)

    # --- the cast -----------------------------------------------------------------------

    @initialize()
    def cast(self) -> None:
        self.world = world.build_world()
        self.observer = self.app.test_client()
        self.states: dict[int, str] = {}
        OUTCOMES["lifecycles"] += 1

    @rule(
        actor=admins,
        person=roles,
        appoint_self=st.booleans(),
        office=st.sampled_from(world.OFFICES),
        unit=st.sampled_from(["policy", "pacific", None]),
        acting=st.booleans(),
        start=st.sampled_from([-1, 0, 0, 2]),
        end=st.sampled_from([None, 0, 10]),
    )
    def appoint(self, actor, person, appoint_self, office, unit, acting, start, end) -> None:  # noqa: ANN001, PLR0913
        target = actor if appoint_self else person
        data = {
            "user": str(self.world.people[target]),
            "office": office.value,
            "business_unit": str(self.world.units[unit]) if unit else "",
            "starts_on": world.day_offset(start).isoformat(),
            "ends_on": world.day_offset(end).isoformat() if end is not None else "",
        }
        if acting:
            data["acting"] = "y"
        door_open = self.is_admin(actor)
        response = self.post(actor, "/admin/appointments/new", data)
        self.kept_typing(response, data["starts_on"], what="appointment", door_open=door_open)
        if appoint_self:
            # A redirect may be to the sign-in page (a deactivated admin): ask the database.
            mine = sa.select(sa.func.count()).where(
                Appointment.user_id == self.world.people[actor],
                Appointment.requested_by_id == self.world.people[actor],
            )
            assert db.session.scalar(mine) == 0, f"{actor} appointed themselves"

    @precondition(lambda self: self.world is not None)
    @rule(actor=admins, which=index, end=st.sampled_from([-1, 0, 3]), now=rarely)
    def end_appointment(self, actor, which, end, now) -> None:  # noqa: ANN001
        if not now:
            return
        appointment_id = self.pick(Appointment, which)
        day = world.day_offset(end).isoformat()
        door_open = self.is_admin(actor)
        response = self.post(actor, f"/admin/appointments/{appointment_id}/end", {"ends_on": day})
        self.kept_typing(response, day, what="end appointment", door_open=door_open)

    @precondition(lambda self: self.world is not None)
    @rule(actor=admins, person=roles, active=st.booleans(), now=rarely)
    def set_active(self, actor, person, active, now) -> None:  # noqa: ANN001
        if not now:
            return
        user = db.session.get(User, self.world.people[person])
        self.client(person)  # their browser is signed in before anything changes
        was_active = user.is_active_account
        data = {"name": user.display_name, "business_unit": str(user.business_unit_id or "")}
        if active:
            data["active"] = "y"
        self.post(actor, f"/admin/users/{user.id}", data)
        db.session.expire_all()
        now_active = db.session.get(User, user.id).is_active_account
        if was_active and not now_active:
            self.world.deactivated_since_issue.add(user.id)
        if now_active and not was_active:
            # Back at work: they sign in again (the old browser is still checked until then).
            self.clients.pop(person, None)

    # --- proposals ----------------------------------------------------------------------

    @precondition(lambda self: self.world is not None)
    @rule(
        person=roles,
        unit=st.sampled_from(["own", "own", "pacific"]),
        handle=st.sampled_from(world.HANDLES),
        flaw=st.sampled_from(world.CONTENT_FLAWS),
        action=st.sampled_from(["save", "submit"]),
        purpose=typed,
    )
    def propose(self, person, unit, handle, flaw, action, purpose) -> None:  # noqa: ANN001, PLR0913
        user = db.session.get(User, self.world.people[person])
        unit_id = user.business_unit_id if unit == "own" else self.world.units[unit]
        data = form_for(self.world, unit_id, handle, flaw, purpose)
        response = self.post(person, "/proposals/new", data)
        self.kept_typing(response, purpose, data["channel_name"], what="new proposal")
        if response.status_code != 302 or "/edit" not in response.headers["Location"]:
            return
        # Then the rest of the task list, a section at a time, and maybe submit.
        pid = int(re.search(r"/proposals/(\d+)", response.headers["Location"]).group(1))
        for section in SECTIONS[1:]:
            typed_here = {**data, "version": self.version_of(pid)}
            self.post(person, f"/proposals/{pid}/edit/{section}", typed_here)
        if action == "submit":
            self.post(person, f"/proposals/{pid}/submit", {"version": self.version_of(pid)})

    def version_of(self, proposal_id: int) -> str:
        db.session.expire_all()
        return str(db.session.get(Proposal, proposal_id).version)

    @precondition(lambda self: self.has(Proposal))
    @rule(
        which=index,
        who=mostly_proposer,
        section=st.sampled_from(SECTIONS),
        flaw=st.sampled_from(world.CONTENT_FLAWS),
        action=st.sampled_from(["save", "submit"]),
        purpose=typed,
        stale=rarely,
    )
    def edit(self, which, who, section, flaw, action, purpose, stale) -> None:  # noqa: ANN001, PLR0913
        proposal = db.session.get(Proposal, self.pick(Proposal, which, OPEN))
        role = self.role_of(proposal.proposer_id) if who == "proposer" else who
        data = form_for(self.world, proposal.business_unit_id, proposal.handle, flaw, purpose)
        # What is typed lands on the section's page: the purpose, or the out-of-hours message.
        data["out_of_hours_message"] = purpose
        data.update(
            channel_name=proposal.channel_name,
            version=str(proposal.version - 1 if stale else proposal.version),
        )
        pid = proposal.id
        response = self.post(role, f"/proposals/{pid}/edit/{section}", data)
        if role == self.role_of(proposal.proposer_id):
            # Only the proposer ever had the form; anyone else is refused at the door.
            texts = [purpose] if section in ("about", "terms") else []
            self.kept_typing(response, *texts, what=f"edit proposal ({section})")
        if action == "submit" and response.status_code == 302:
            self.post(role, f"/proposals/{pid}/submit", {"version": self.version_of(pid)})

    @precondition(lambda self: self.has(Proposal))
    @rule(which=index, who=mostly_proposer)
    def submit(self, which, who) -> None:  # noqa: ANN001
        proposal = db.session.get(Proposal, self.pick(Proposal, which))
        role = self.role_of(proposal.proposer_id) if who == "proposer" else who
        self.post(role, f"/proposals/{proposal.id}/submit", {"version": str(proposal.version)})

    @precondition(lambda self: self.has(Proposal))
    @rule(
        which=index,
        who=roles,
        decision=st.sampled_from(["approve", "approve", "request-changes", "decline"]),
        capacity=st.sampled_from([o.value for o in world.SIGNING] + ["admin", ""]),
        comment=st.one_of(st.just(""), typed),
        stale=rarely,
    )
    def decide(self, which, who, decision, capacity, comment, stale) -> None:  # noqa: ANN001, PLR0913
        proposal = db.session.get(Proposal, self.pick(Proposal, which))
        self._decide(proposal, who, decision, capacity, comment, stale)

    @precondition(lambda self: self.has(Proposal))
    @rule(which=index, pick=index, then_live=st.booleans())
    def push_through(self, which, pick, then_live) -> None:  # noqa: ANN001
        """The proposer submits, then a holder of each office approves on the page."""
        from registry.auth.offices import holders
        from registry.signoffs.services import live_approvals

        pid = self.pick(Proposal, which, OPEN)
        proposal = db.session.get(Proposal, pid)
        self.post(
            self.role_of(proposal.proposer_id),
            f"/proposals/{pid}/submit",
            {"version": str(proposal.version)},
        )
        for office in world.SIGNING:
            db.session.expire_all()
            proposal = db.session.get(Proposal, pid)
            unit_id = proposal.business_unit_id if office is Office.DCE else None
            signed = {s.signer_id for s in live_approvals(proposal)} | {proposal.proposer_id}
            people = [a.user_id for a in holders(office, None, unit_id) if a.user_id not in signed]
            if people:
                role = self.role_of(people[pick % len(people)])
                self._decide(proposal, role, "approve", office.value, "", False)
        db.session.expire_all()
        channel_id = db.session.get(Proposal, pid).channel_id
        channel = db.session.get(Channel, channel_id) if channel_id else None
        if then_live and channel is not None and channel.state == "approved":
            address = world.channel_url_for(channel.platform, channel.handle, "good")
            self._security(channel_id, passing=True)
            self.post("comms", f"/channels/{channel_id}/live", {"channel_url": address})

    def _decide(self, proposal, role, decision, capacity, comment, stale) -> None:  # noqa: ANN001, PLR0913
        revision = proposal.current_revision
        data = {
            "decision": decision,
            "revision_number": str(revision.number - 1 if stale else revision.number),
            "content_sha256": revision.content_sha256,
            "capacity": capacity,
            "comment": comment,
        }
        response = self.post(role, f"/proposals/{proposal.id}/signoff", data)
        if comment and self.holds_any(role, world.SIGNING):
            # Someone who holds no signing office never had the form: a 403 is their door.
            self.kept_typing(response, comment, what="sign-off comment")

    # --- channels -----------------------------------------------------------------------

    @precondition(lambda self: self.has(Channel))
    @rule(
        which=index,
        who=st.sampled_from(["comms", "manager", "staff_policy"]),
        url=st.sampled_from(world.URL_KINDS),
        secure_first=st.booleans(),
    )
    def go_live(self, which, who, url, secure_first) -> None:  # noqa: ANN001
        channel = db.session.get(Channel, self.pick(Channel, which, ("approved",)))
        address = world.channel_url_for(channel.platform, channel.handle, url)
        if secure_first:
            self._security(channel.id, passing=True)
        response = self.post(who, f"/channels/{channel.id}/live", {"channel_url": address})
        if address and self.holds_any(who, (Office.COMMUNICATIONS_TEAM,)):
            self.kept_typing(response, address, what="go live")

    @precondition(lambda self: self.has(Channel))
    @rule(
        which=index,
        on=st.sampled_from(["", -3, 0, 10]),
        reason=st.one_of(st.just(""), typed),
        now=rarely,
    )
    def decommission(self, which, on, reason, now) -> None:  # noqa: ANN001
        if not now:
            return
        cid = self.pick(Channel, which)
        day = world.day_offset(on).isoformat() if on != "" else ""
        data = {"decommission-decommissioned_on": day, "decommission-reason": reason}
        response = self.post("comms", f"/channels/{cid}/decommission", data)
        if reason:
            self.kept_typing(response, reason, what="decommission")

    @precondition(lambda self: self.has(Channel))
    @rule(which=index, who=st.sampled_from(["comms", "manager", "staff_community"]))
    def start_change(self, which, who) -> None:  # noqa: ANN001
        self.post(who, f"/channels/{self.pick(Channel, which)}/change", {})

    @precondition(lambda self: self.world is not None)
    @rule(
        who=roles,
        page=st.sampled_from(
            [
                "/",
                "/proposals/",
                "/proposals/{proposal}",
                "/proposals/{proposal}/edit",
                "/proposals/{proposal}/edit/terms",
                "/proposals/{proposal}/check-answers",
                "/proposals/{proposal}/signoff",
                "/signoffs/",
                "/inventory/",
                "/channels/{channel}",
                "/channels/{channel}/review",
                "/channels/{channel}/closing",
                "/channels/{channel}/closing/handle",
                "/channels/{channel}/attest",
                "/admin/appointments",
                "/register/?account=facebook.com/MECAsia",
            ]
        ),
        which=index,
    )
    def look(self, who, page, which) -> None:  # noqa: ANN001
        """Anyone opens any page: it may be refused, never broken."""
        path = page.format(
            proposal=self.pick(Proposal, which) or 1, channel=self.pick(Channel, which) or 1
        )
        response = self.client(who).get(path)
        assert response.status_code < 500, f"{who} GET {path} answered {response.status_code}"

    # --- after every step ---------------------------------------------------------------

    @invariant()
    def promises_hold(self) -> None:
        if self.world is None:
            return
        violations = invariants.check_all(
            self.observer,
            self.world.sessions,
            self.world.tokens,
            self.world.deactivated_since_issue,
            statement_versions=self.world.statement_versions,
        )
        states = invariants.channel_states()
        violations += invariants.failing(invariants.lifecycle_moves_forward(self.states, states))
        self.states = states
        assert not violations, "\n".join(str(v) for v in violations)


def test_http_lifecycles_keep_every_promise(lifecycle_app: Flask) -> None:
    invariants.OBSERVED_PENDING.clear()
    invariants.FIRST_SEEN.clear()
    run_state_machine_as_test(
        lambda: HttpLifecycle(lifecycle_app), settings=machine_settings(http=True)
    )
    print("\nOutcomes:", ", ".join(f"{k} {v}" for k, v in sorted(OUTCOMES.items())))  # noqa: T201
    if invariants.OBSERVED_PENDING:
        print("Pending promises seen broken:", dict(invariants.OBSERVED_PENDING))  # noqa: T201
        for key, message in invariants.FIRST_SEEN.items():
            print(f"  {key}: {message}")  # noqa: T201
