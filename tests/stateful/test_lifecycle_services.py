"""Random lifecycles through the service layer, with every promise checked after every step.

People are appointed (themselves too), act, leave and come back; they propose, edit, submit,
withdraw and decide in capacities they may or may not hold; the Communications team takes
channels live, changes, recertifies and decommissions them, and imports spreadsheets. The
services are the ones the views call. A refusal is a domain error (registry.errors) and must
leave the database exactly as it was; anything else raised is a bug and fails the run.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
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

from registry.api import services as api_services
from registry.auth import appointment_requests, offices
from registry.auth import services as auth_services
from registry.auth.models import Appointment, BusinessUnit, Office, User
from registry.channels.models import Channel
from registry.errors import RegistryError
from registry.extensions import db
from registry.inventory import lifecycle
from registry.inventory.importing import import_channels
from registry.inventory.models import ImportBatch
from registry.jobs import run_due
from registry.policy.rules import failing
from registry.proposals import policy_view as proposal_policy
from registry.proposals import services as proposals
from registry.proposals.models import Proposal, ProposalState
from registry.signoffs import services as signoffs
from registry.signoffs.models import Decision
from tests import factories
from tests.conftest import _wipe, run_isolated
from tests.stateful import invariants, world
from tests.stateful.conftest import machine_settings
from tests.stateful.service_channel_rules import ServiceChannelRules
from tests.stateful.service_rules import ServiceDoorRules

roles = st.sampled_from(world.ROLES)
admins = st.sampled_from(world.ADMINS)
# Mostly an administrator; now and then someone who is not one tries the admin door.
admins_mostly = st.sampled_from([*world.ADMINS, *world.ADMINS, "manager", "staff_policy"])
# Who tries to confirm or cancel a request: either administrator, the one who asked, or the
# person appointed (who may be an administrator too).
request_deciders = st.sampled_from([*world.ADMINS, "requester", "appointee"])
handles = st.sampled_from(world.HANDLES)
flaws = st.sampled_from(world.CONTENT_FLAWS)
index = st.integers(min_value=0, max_value=50)
# Rules are chosen uniformly; a rule gated on this runs in one step of four it is chosen for.
rarely = st.sampled_from([True, False, False, False])
# Proposals still on their way: the ones the lifecycle rules try to move on.
OPEN = ("draft", "awaiting-signoff", "changes-requested")
mostly_proposer = st.sampled_from(["proposer"] * len(world.ROLES) + list(world.ROLES))

# What the runs did, printed at the end: a machine that never approves anything proves little.
OUTCOMES: Counter[str] = Counter()


class ServiceLifecycle(ServiceDoorRules, ServiceChannelRules, RuleBasedStateMachine):
    outcomes = OUTCOMES

    def __init__(self, app: Flask) -> None:
        super().__init__()
        self.app = app
        self.context = app.app_context()
        self.context.push()
        self.world: world.World | None = None

    # --- plumbing -----------------------------------------------------------------------

    def teardown(self) -> None:
        try:
            if self.world is not None:
                # The operator's own check, as they would run it.
                result = run_isolated(self.app.test_cli_runner().invoke, args=["audit", "verify"])
                assert result.exit_code == 0, result.output
        finally:
            db.session.remove()
            self.context.pop()
            _wipe(self.app)

    def user(self, role: str) -> User:
        return db.session.get(User, self.world.people[role])

    def attempt(
        self,
        name: str,
        action: Callable[[], Any],
        records: tuple[str, ...] = (),
        returns_none: bool = False,
    ) -> Any:
        """Run ``action``; a refusal must change nothing, a success must be audited.

        ``records``: what a refusal may change because the refusal itself is the decision on
        record (an import whose rows no longer pass is refused, and says so, for everyone).
        """
        before = world.snapshot()
        try:
            result = action()
        except RegistryError as refusal:
            db.session.rollback()
            after = world.snapshot()
            lost = [key for key in world.changed(before, after) if key not in records]
            assert not lost, f"Refused ({refusal.message}) yet changed {lost}"
            if records and world.changed(before, after):
                assert after["audit"] > before["audit"], "a refusal on record was not audited"
            OUTCOMES[f"{name}: refused ({type(refusal).__name__})"] += 1
            return None
        OUTCOMES[f"{name}: done"] += 1
        after = world.snapshot()
        changes = [key for key in world.changed(before, after) if key != "audit"]
        if changes:
            assert after["audit"] > before["audit"], f"{changes} changed with no audit entry"
        # ``returns_none``: the service returns nothing, so say it was done.
        return True if returns_none else result

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

    # --- the cast -----------------------------------------------------------------------

    @initialize()
    def cast(self) -> None:
        self.world = world.build_world()
        self.observer = self.app.test_client()
        self.states: dict[int, str] = {}
        OUTCOMES["lifecycles"] += 1

    @rule(
        actor=admins_mostly,
        person=roles,
        appoint_self=st.booleans(),
        office=st.sampled_from(world.OFFICES),
        unit=st.sampled_from(["policy", "community", "pacific", None]),
        acting=st.booleans(),
        start=st.sampled_from([-30, -1, 0, 0, 1, 5]),
        end=st.sampled_from([None, None, -1, 0, 3, 30]),
    )
    def appoint(self, actor, person, appoint_self, office, unit, acting, start, end) -> None:  # noqa: ANN001, PLR0913
        """An administrator (or not) asks for someone (or themselves) to hold an office."""
        target = actor if appoint_self else person
        made = self.attempt(
            "request appointment",
            lambda: appointment_requests.request_appointment(
                self.user(actor),
                self.user(target),
                office,
                world.day_offset(start),
                world.day_offset(end) if end is not None else None,
                acting=acting,
                business_unit=db.session.get(BusinessUnit, self.world.units[unit])
                if unit
                else None,
            ),
        )
        assert made is None or target != actor, "an administrator appointed themselves"

    @precondition(lambda self: self.world is not None)
    @rule(actor=admins, which=index, end=st.sampled_from([-5, -1, 0, 0, 1, 7]), now=rarely)
    def end_appointment(self, actor, which, end, now) -> None:  # noqa: ANN001
        if not now:
            return
        appointment_id = self.pick(Appointment, which)
        holder_id = db.session.get(Appointment, appointment_id).user_id
        ended = self.attempt(
            "end appointment",
            lambda: offices.end_appointment(
                db.session.get(Appointment, appointment_id),
                world.day_offset(end),
                actor=self.user(actor),
            ),
            returns_none=True,
        )
        assert not ended or holder_id != self.world.people[actor], "someone ended their own office"

    @precondition(lambda self: self.world is not None)
    @rule(actor=admins, person=roles, active=st.booleans(), now=rarely)
    def set_active(self, actor, person, active, now) -> None:  # noqa: ANN001
        if not now:
            return
        target = self.user(person)
        if not active and target.is_active_account:
            self._issue_credentials(target)
        was_active = target.is_active_account
        result = self.attempt(
            "set active",
            lambda: auth_services.update_user(
                self.user(person),
                self.user(actor),
                self.user(person).display_name,
                self.user(person).business_unit,
                active,
            ),
        )
        if result is not None and was_active and not active:
            self.world.deactivated_since_issue.add(self.world.people[person])

    def _issue_credentials(self, user: User) -> None:
        """A live session and API token, kept to prove deactivation ends both."""
        client = self.app.test_client()
        response = client.post(
            "/sign-in", data={"email": user.email, "password": factories.PASSWORD}
        )
        assert response.status_code == 302, "an active person could not sign in"
        _token, raw = api_services.create_token(db.session.get(User, user.id), "stateful check")
        self.world.sessions[user.id] = client
        self.world.tokens[user.id] = raw
        self.world.deactivated_since_issue.discard(user.id)

    # --- proposals ----------------------------------------------------------------------

    @precondition(lambda self: self.world is not None)
    @rule(
        person=roles,
        unit=st.sampled_from(["own", "own", "policy", "pacific"]),
        handle=handles,
        flaw=flaws,
    )
    def propose(self, person, unit, handle, flaw) -> None:  # noqa: ANN001
        proposer = self.user(person)
        unit_id = proposer.business_unit_id if unit == "own" else self.world.units[unit]
        content = world.content_for(self.world, unit_id, handle, flaw)
        self.attempt("propose", lambda: proposals.create_proposal(self.user(person), content))

    def _actor_for(self, proposal: Proposal, who: str) -> User:
        return proposal.proposer if who == "proposer" else self.user(who)

    @precondition(lambda self: self.has(Proposal))
    @rule(
        which=index,
        who=mostly_proposer,
        change=st.sampled_from(["purpose", "same", "handle", "flaw", "unit"]),
        handle=handles,
        flaw=flaws,
        stale=rarely,
    )
    def edit(self, which, who, change, handle, flaw, stale) -> None:  # noqa: ANN001, PLR0913
        proposal = db.session.get(Proposal, self.pick(Proposal, which, OPEN))
        content = proposal.current_revision.content
        if change == "purpose":
            content["purpose"] = f"{content['purpose']} Revised {proposal.version}."
        elif change == "handle":
            content["handle"] = handle
        elif change == "flaw":
            unit_id = content["business_unit_id"]
            fresh = world.content_for(self.world, unit_id, content["handle"], flaw)
            content.update({k: fresh[k] for k in fresh if k not in ("channel_name",)})
        elif change == "unit":
            content["business_unit_id"] = self.world.units["community"]
        actor_id = self._actor_for(proposal, who).id
        version = proposal.version - 1 if stale else proposal.version
        pid = proposal.id
        self.attempt(
            "edit",
            lambda: proposals.save_proposal(pid, db.session.get(User, actor_id), content, version),
        )

    @precondition(lambda self: self.has(Proposal))
    @rule(
        which=index,
        who=st.sampled_from(["proposer", "proposer", *world.ROLES]),
        stale=st.booleans(),
    )
    def submit(self, which, who, stale) -> None:  # noqa: ANN001
        proposal = db.session.get(Proposal, self.pick(Proposal, which))
        actor_id = self._actor_for(proposal, who).id
        version = proposal.version - 1 if stale else proposal.version
        pid = proposal.id
        self.attempt(
            "submit",
            lambda: proposals.submit_proposal(pid, db.session.get(User, actor_id), version),
        )

    @precondition(lambda self: self.has(Proposal))
    @rule(which=index, who=mostly_proposer, now=rarely)
    def withdraw(self, which, who, now) -> None:  # noqa: ANN001
        if not now:
            return
        proposal = db.session.get(Proposal, self.pick(Proposal, which))
        actor_id = self._actor_for(proposal, who).id
        pid, version = proposal.id, proposal.version
        self.attempt(
            "withdraw",
            lambda: proposals.withdraw_proposal(
                pid, db.session.get(User, actor_id), version, "No longer needed."
            ),
        )

    @precondition(lambda self: self.has(Proposal))
    @rule(
        which=index,
        who=roles,
        decision=st.sampled_from(
            [Decision.APPROVE] * 3 + [Decision.REQUEST_CHANGES, Decision.DECLINE]
        ),
        office=st.sampled_from(world.SIGNING),
        comment=st.sampled_from(["", "Please fix the hours."]),
        stale=rarely,
    )
    def decide(self, which, who, decision, office, comment, stale) -> None:  # noqa: ANN001, PLR0913
        """Anyone, in any capacity, held or not."""
        self._decide(
            self.pick(Proposal, which), self.user(who).id, decision, office, comment, stale
        )

    @precondition(lambda self: self.has(Proposal))
    @rule(which=index, office=st.sampled_from(world.SIGNING), pick=index)
    def sign_as_holder(self, which, office, pick) -> None:  # noqa: ANN001
        """Someone who holds the office now approves (so lifecycles reach approval often)."""
        proposal = db.session.get(Proposal, self.pick(Proposal, which, ("awaiting-signoff",)))
        unit_id = proposal.business_unit_id if office is Office.DCE else None
        holders = offices.holders(office, None, unit_id)
        if not holders:
            return
        signer_id = holders[pick % len(holders)].user_id
        self._decide(proposal.id, signer_id, Decision.APPROVE, office, "", False)

    @precondition(lambda self: self.has(Proposal))
    @rule(which=index, pick=index, then_live=st.booleans())
    def push_through(self, which, pick, then_live) -> None:  # noqa: ANN001
        """The proposer submits and a holder of each office approves, as far as they can."""
        pid = self.pick(Proposal, which, OPEN)
        proposal = db.session.get(Proposal, pid)
        proposer_id = proposal.proposer_id
        if proposal.state_enum is not ProposalState.AWAITING_SIGNOFF:
            content = proposal.current_revision.content
            if failing(proposal_policy.policy_report(content, proposal.proposer)):
                # The proposer fixes what the policy check reports, keeping the channel.
                fixed = world.content_for(
                    self.world, content["business_unit_id"], content["handle"], None
                )
                fixed.update(channel_name=content["channel_name"])
                version = proposal.version
                self.attempt(
                    "edit",
                    lambda: proposals.save_proposal(
                        pid, db.session.get(User, proposer_id), fixed, version
                    ),
                )
            version = db.session.get(Proposal, pid).version
            self.attempt(
                "submit",
                lambda: proposals.submit_proposal(pid, db.session.get(User, proposer_id), version),
            )
        for office in world.SIGNING:
            proposal = db.session.get(Proposal, pid)
            unit_id = proposal.business_unit_id if office is Office.DCE else None
            signed = {s.signer_id for s in signoffs.live_approvals(proposal)}
            holders = [
                a.user_id
                for a in offices.holders(office, None, unit_id)
                if a.user_id not in signed | {proposer_id}
            ]
            if holders:
                self._decide(pid, holders[pick % len(holders)], Decision.APPROVE, office, "", False)
        channel_id = db.session.get(Proposal, pid).channel_id
        channel = db.session.get(Channel, channel_id) if channel_id else None
        if then_live and channel is not None and channel.state == "approved":
            address = world.channel_url_for(channel.platform, channel.handle, "good")
            self._secure(channel_id, passing=True)
            went = self.attempt(
                "go live",
                lambda: lifecycle.go_live(channel_id, self.user("comms"), address),
            )
            if went is not None:
                OUTCOMES["lifecycle went live"] += 1

    def _decide(self, pid, signer_id, decision, office, comment, stale) -> None:  # noqa: ANN001, PLR0913
        revision = db.session.get(Proposal, pid).current_revision
        number = revision.number - 1 if stale else revision.number
        sha = revision.content_sha256
        signed = self.attempt(
            "decide",
            lambda: signoffs.decide(
                pid, db.session.get(User, signer_id), decision, office, comment, number, sha
            ),
        )
        if signed is not None and db.session.get(Proposal, pid).state == "approved":
            OUTCOMES["lifecycle reached approval"] += 1
            # The charter is a job: run it now, through the worker's code, as a worker would
            # within seconds (the invariants read charters).
            run_due()

    # --- channels -----------------------------------------------------------------------

    @precondition(lambda self: self.has(Channel))
    @rule(
        which=index,
        who=st.sampled_from(["comms", "manager", "comms"]),
        url=st.sampled_from(world.URL_KINDS),
        secure_first=st.booleans(),
    )
    def go_live(self, which, who, url, secure_first) -> None:  # noqa: ANN001
        channel = db.session.get(Channel, self.pick(Channel, which, ("approved",)))
        address = world.channel_url_for(channel.platform, channel.handle, url)
        cid = channel.id
        if secure_first:
            self._secure(cid, passing=True)
        went = self.attempt("go live", lambda: lifecycle.go_live(cid, self.user(who), address))
        if went is not None:
            OUTCOMES["lifecycle went live"] += 1

    @precondition(lambda self: self.has(Channel))
    @rule(
        which=index,
        # -4000: before any channel started (refused); 10: a closure scheduled for later.
        on=st.sampled_from([None, -4000, -3, 0, 0, 10, 10]),
        reason=st.sampled_from(["", "Merged into the main page."]),
        then_work=st.sampled_from([None, None, ("comms", "manager", "comms", "manager")]),
    )
    def decommission(self, which, on, reason, then_work) -> None:  # noqa: ANN001
        cid = self.pick(Channel, which)
        day = world.day_offset(on) if on is not None else None
        closed = self.attempt(
            "decommission",
            lambda: lifecycle.decommission(cid, self.user("comms"), day, reason),
        )
        if closed is not None and closed.state == "closing":
            OUTCOMES["lifecycle closed"] += 1
            if then_work:  # and the team gets on with its checklist
                self._work_through(cid, list(world.CLOSING_ITEMS[:-1]), list(then_work))

    @precondition(lambda self: self.has(Channel))
    @rule(which=index, who=st.sampled_from(["comms", "manager", "admin"]))
    def start_change(self, which, who) -> None:  # noqa: ANN001
        cid = self.pick(Channel, which)
        self.attempt("start change", lambda: lifecycle.start_change(cid, self.user(who)))

    @precondition(lambda self: self.world is not None)
    @rule(
        handle=handles,
        url=st.sampled_from(world.URL_KINDS),
        liaison=st.sampled_from(["comms", "manager", "staff_policy"]),
        now=rarely,
    )
    def import_at_command_line(self, handle, url, liaison, now) -> None:  # noqa: ANN001
        """The operator's door: one step, recorded as the command line."""
        if not now:
            return
        data = world.import_csv(self.world, handle, url, self.user(liaison).email)
        self.attempt("import (command line)", lambda: import_channels(data, None))

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


def test_service_lifecycles_keep_every_promise(lifecycle_app: Flask) -> None:
    invariants.OBSERVED_PENDING.clear()
    invariants.FIRST_SEEN.clear()
    run_state_machine_as_test(lambda: ServiceLifecycle(lifecycle_app), settings=machine_settings())
    print("\nOutcomes:", ", ".join(f"{k} {v}" for k, v in sorted(OUTCOMES.items())))  # noqa: T201
    if invariants.OBSERVED_PENDING:
        print("\nPending promises seen broken:", dict(invariants.OBSERVED_PENDING))  # noqa: T201
        for key, message in invariants.FIRST_SEEN.items():
            print(f"  {key}: {message}")  # noqa: T201
