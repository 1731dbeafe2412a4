"""Rules the service lifecycle machine adds for the doors that came with the two-person fixes.

Appointment requests confirmed or cancelled by either administrator, the one who asked or the
appointee; web imports the Manager Communications (never their submitter) confirms; account
security and the Manager Communications' risk acceptance; replies to change requests; and the
daily job closing channels as if some days had passed. Mixed into ``ServiceLifecycle``.
"""

from __future__ import annotations

import hashlib

import sqlalchemy as sa
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from registry.auth import appointment_requests
from registry.auth.models import Appointment, User
from registry.channels.models import Channel
from registry.extensions import db
from registry.inventory import import_batches
from registry.inventory.closing import close_scheduled_channels
from registry.inventory.csv_import import parse_channels_csv
from registry.inventory.models import ImportBatch
from registry.inventory.risk import accept_risk
from registry.inventory.security import save_security
from registry.proposals.models import Proposal
from registry.signoffs.replies import reply_to_change_request
from tests.stateful import world

index = st.integers(min_value=0, max_value=50)
handles = st.sampled_from(world.HANDLES)
rarely = st.sampled_from([True, False, False, False])
mostly_proposer = st.sampled_from(["proposer"] * len(world.ROLES) + list(world.ROLES))
# Who tries to confirm or cancel a request: either administrator, the one who asked, or the
# person appointed (who may be an administrator too).
request_deciders = st.sampled_from([*world.ADMINS, "requester", "appointee"])


class ServiceDoorRules:
    """Needs ``attempt``, ``user``, ``pick``, ``has``, ``_actor_for``, ``world`` and
    ``outcomes`` (a Counter) from the machine."""

    def pending_requests(self) -> list[int]:
        return list(
            db.session.scalars(
                sa.select(Appointment.id)
                .where(Appointment.confirmed_at.is_(None), Appointment.cancelled_at.is_(None))
                .order_by(Appointment.id)
            )
        )

    def _request_actor(self, appointment_id: int, who: str) -> int:
        appointment = db.session.get(Appointment, appointment_id)
        if who == "requester":
            return appointment.requested_by_id
        if who == "appointee":
            return appointment.user_id
        return self.world.people[who]

    @precondition(lambda self: self.world is not None and self.pending_requests())
    @rule(which=index, who=request_deciders)
    def confirm_request(self, which, who) -> None:  # noqa: ANN001
        """A random administrator confirms: never the one who asked, never the appointee."""
        pending = self.pending_requests()
        appointment_id = pending[which % len(pending)]
        appointment = db.session.get(Appointment, appointment_id)
        barred = {appointment.requested_by_id, appointment.user_id}
        actor_id = self._request_actor(appointment_id, who)
        confirmed = self.attempt(
            "confirm appointment",
            lambda: appointment_requests.confirm_appointment(
                db.session.get(User, actor_id), appointment_id
            ),
        )
        assert confirmed is None or actor_id not in barred, (
            "an appointment was confirmed by the one who asked for it or by its appointee"
        )

    @precondition(lambda self: self.world is not None and self.pending_requests())
    @rule(which=index, who=request_deciders, now=rarely)
    def cancel_request(self, which, who, now) -> None:  # noqa: ANN001
        if not now:
            return
        pending = self.pending_requests()
        appointment_id = pending[which % len(pending)]
        appointee = db.session.get(Appointment, appointment_id).user_id
        actor_id = self._request_actor(appointment_id, who)
        cancelled = self.attempt(
            "cancel appointment",
            lambda: appointment_requests.cancel_appointment(
                db.session.get(User, actor_id), appointment_id
            ),
        )
        assert cancelled is None or actor_id != appointee, "an appointee cancelled their own"

    @precondition(lambda self: self.world is not None)
    @rule(
        handle=handles,
        url=st.sampled_from(world.URL_KINDS),
        liaison=st.sampled_from(["comms", "manager", "staff_policy"]),
        submitter=st.sampled_from(["comms", "comms", "manager", "staff_policy"]),
    )
    def submit_import(self, handle, url, liaison, submitter) -> None:  # noqa: ANN001
        """A spreadsheet uploaded on the web waits for the Manager Communications."""
        data = world.import_csv(self.world, handle, url, self.user(liaison).email)
        preview = parse_channels_csv(data)
        sha256 = hashlib.sha256(data).hexdigest()
        self.attempt(
            "submit import",
            lambda: import_batches.submit_batch(
                self.user(submitter), preview, "channels.csv", sha256
            ),
        )

    @precondition(lambda self: self.has(ImportBatch))
    @rule(which=index, who=st.sampled_from(["manager", "manager", "submitter", "comms", "ce"]))
    def confirm_import(self, which, who) -> None:  # noqa: ANN001
        batch = db.session.get(ImportBatch, self.pick(ImportBatch, which, ("pending",)))
        actor_id = batch.submitted_by_id if who == "submitter" else self.world.people[who]
        batch_id, sha256, submitter_id = batch.id, batch.sha256, batch.submitted_by_id
        confirmed = self.attempt(
            "confirm import",
            lambda: import_batches.confirm_batch(db.session.get(User, actor_id), batch_id, sha256),
            records=("import_batches", "audit"),
        )
        assert confirmed is None or actor_id != submitter_id, "an import's submitter confirmed it"

    # --- account security, replies, closures on their day --------------------------------

    @precondition(lambda self: self.has(Channel))
    @rule(which=index, passing=st.booleans())
    def record_account_security(self, which, passing) -> None:  # noqa: ANN001
        self._secure(self.pick(Channel, which, ("approved", "active")), passing)

    def _secure(self, cid: int, passing: bool) -> None:
        """The Communications team records the account's security: passing, or with MFA off
        and a single administrator (so go-live needs the Manager Communications' acceptance)."""
        admins_ids = [self.world.people["comms"], self.world.people["manager"]]
        self.attempt(
            "account security",
            lambda: save_security(
                cid,
                self.user("comms"),
                admins_ids if passing else admins_ids[:1],
                passing,
                "social@ethniccommunities.govt.nz",
                "Comms vault",
                world.day_offset(0),
            ),
        )

    @precondition(lambda self: self.has(Channel))
    @rule(which=index, who=st.sampled_from(["manager", "manager", "acting_ce", "comms"]))
    def accept_security_risk(self, which, who) -> None:  # noqa: ANN001
        cid = self.pick(Channel, which, ("approved", "active"))
        self.attempt(
            "accept risk",
            lambda: accept_risk(cid, self.user(who), "The launch event is booked."),
        )

    @precondition(lambda self: self.has(Proposal))
    @rule(which=index, who=mostly_proposer, body=st.sampled_from(["", "The hours are right."]))
    def reply(self, which, who, body) -> None:  # noqa: ANN001
        """The proposer answers a request for changes instead of editing."""
        proposal = db.session.get(Proposal, self.pick(Proposal, which, ("changes-requested",)))
        actor_id = self._actor_for(proposal, who).id
        pid = proposal.id
        self.attempt(
            "reply",
            lambda: reply_to_change_request(pid, db.session.get(User, actor_id), body),
        )

    @precondition(lambda self: self.has(Channel))
    @rule(days=st.sampled_from([1, 10, 11, 400]))
    def days_pass(self, days) -> None:  # noqa: ANN001
        """The daily job runs as if ``days`` had passed: scheduled closures take effect."""
        closed = self.attempt(
            "scheduled closures", lambda: close_scheduled_channels(world.day_offset(days))
        )
        if closed:
            self.outcomes["lifecycle closed on its scheduled day"] += len(closed)
