"""Rules the HTTP lifecycle machine adds for the doors that came with the two-person fixes.

Appointment requests confirmed or cancelled on the admin pages (by either administrator, the
one who asked, or the appointee), account security and the Manager Communications' risk
acceptance, replies to change requests, web imports confirmed by the Manager Communications,
and the daily job run as if some days had passed. Mixed into ``HttpLifecycle``.
"""

from __future__ import annotations

import io
import re
from typing import Any

import sqlalchemy as sa
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from registry.auth.models import Appointment, User
from registry.channels.models import Channel
from registry.extensions import db
from registry.inventory.models import ImportBatch
from registry.proposals.models import Proposal
from tests.conftest import run_isolated
from tests.stateful import world

index = st.integers(min_value=0, max_value=50)
request_deciders = st.sampled_from([*world.ADMINS, "requester", "appointee"])
mostly_proposer = st.sampled_from(["proposer"] * len(world.ROLES) + list(world.ROLES))


def pending_requests() -> list[int]:
    return list(
        db.session.scalars(
            sa.select(Appointment.id)
            .where(Appointment.confirmed_at.is_(None), Appointment.cancelled_at.is_(None))
            .order_by(Appointment.id)
        )
    )


class HttpDoorRules:
    """Needs ``post``, ``client``, ``pick``, ``has``, ``role_of``, ``kept_typing``, ``world``
    and ``app`` from the machine."""

    world: world.World | None

    def _request_role(self, appointment_id: int, who: str) -> str:
        appointment = db.session.get(Appointment, appointment_id)
        if who == "requester":
            return self.role_of(appointment.requested_by_id)
        if who == "appointee":
            return self.role_of(appointment.user_id)
        return who

    @precondition(lambda self: self.world is not None and pending_requests())
    @rule(which=index, who=request_deciders, cancel=st.sampled_from([False, False, True]))
    def confirm_or_cancel_request(self, which: int, who: str, cancel: bool) -> None:
        """Nobody confirms a request they made or one for themselves; the appointee never
        cancels their own."""
        pending = pending_requests()
        appointment_id = pending[which % len(pending)]
        appointment = db.session.get(Appointment, appointment_id)
        requester, appointee = appointment.requested_by_id, appointment.user_id
        role = self._request_role(appointment_id, who)
        verb = "cancel" if cancel else "confirm"
        response = self.post(role, f"/admin/appointments/{appointment_id}/{verb}", {})
        actor_id = self.world.people[role]
        if response.status_code == 302:
            db.session.expire_all()
            appointment = db.session.get(Appointment, appointment_id)
            done = appointment.cancelled_at if cancel else appointment.confirmed_at
            if done is not None:
                barred = {appointee} if cancel else {requester, appointee}
                assert actor_id not in barred, f"{role} could {verb} appointment {appointment_id}"

    def _security(self, channel_id: int, passing: bool) -> Any:
        """The Communications team fills in the account-security page: passing, or with
        multi-factor authentication off and one admin."""
        page = self.client("comms").get(f"/channels/{channel_id}/security")
        found = re.search(r'name="version"[^>]*value="([^"]*)"', page.get_data(as_text=True))
        admins = [self.world.people["comms"], self.world.people["manager"]]
        data: dict[str, Any] = {
            "admins": [str(i) for i in (admins if passing else admins[:1])],
            "recovery_email": "social@ethniccommunities.govt.nz",
            "credentials_reference": "Comms vault",
            "last_access_review": world.day_offset(0).isoformat(),
            "version": found.group(1) if found else "",
        }
        if passing:
            data["mfa_enabled"] = "y"
        return self.post("comms", f"/channels/{channel_id}/security", data)

    @precondition(lambda self: self.has(Channel))
    @rule(which=index, passing=st.booleans())
    def account_security(self, which: int, passing: bool) -> None:
        self._security(self.pick(Channel, which, ("approved", "active")), passing)

    @precondition(lambda self: self.has(Channel))
    @rule(which=index, who=st.sampled_from(["manager", "manager", "acting_ce", "comms"]))
    def accept_security_risk(self, which: int, who: str) -> None:
        cid = self.pick(Channel, which, ("approved", "active"))
        self.post(who, f"/channels/{cid}/security-risk", {"reason": "The launch is booked."})

    @precondition(lambda self: self.has(Proposal))
    @rule(which=index, who=mostly_proposer, body=st.sampled_from(["", "The hours are right."]))
    def reply(self, which: int, who: str, body: str) -> None:
        proposal = db.session.get(Proposal, self.pick(Proposal, which, ("changes-requested",)))
        role = self.role_of(proposal.proposer_id) if who == "proposer" else who
        response = self.post(role, f"/proposals/{proposal.id}/reply", {"body": body})
        if body and role == self.role_of(proposal.proposer_id):
            self.kept_typing(response, body, what="reply to a change request")

    @precondition(lambda self: self.world is not None)
    @rule(
        handle=st.sampled_from(world.HANDLES),
        url=st.sampled_from(world.URL_KINDS),
        submitter=st.sampled_from(["comms", "comms", "manager", "staff_policy"]),
    )
    def submit_import(self, handle: str, url: str, submitter: str) -> None:
        """Upload a spreadsheet, then submit what the preview offers (if it offers it)."""
        liaison = db.session.get(User, self.world.people["comms"]).email
        data = world.import_csv(self.world, handle, url, liaison)
        preview = self.post(
            submitter,
            "/inventory/import",
            {"channels_csv": (io.BytesIO(data), "channels.csv")},
            content_type="multipart/form-data",
        )
        token = re.search(r'name="token" value="([^"]+)"', preview.get_data(as_text=True))
        if token:
            self.post(submitter, "/inventory/import/submit", {"token": token.group(1)})

    @precondition(lambda self: self.has(ImportBatch))
    @rule(which=index, who=st.sampled_from(["manager", "manager", "submitter", "comms"]))
    def confirm_import(self, which: int, who: str) -> None:
        batch = db.session.get(ImportBatch, self.pick(ImportBatch, which, ("pending",)))
        role = self.role_of(batch.submitted_by_id) if who == "submitter" else who
        submitter_id, batch_id = batch.submitted_by_id, batch.id
        self.post(role, f"/inventory/imports/{batch_id}/confirm", {"sha256": batch.sha256})
        db.session.expire_all()
        batch = db.session.get(ImportBatch, batch_id)
        if batch.status == "confirmed":
            assert batch.decided_by_id != submitter_id, "an import's submitter confirmed it"

    @precondition(lambda self: self.has(Channel))
    @rule(days=st.sampled_from([1, 11, 400]))
    def days_pass(self, days: int) -> None:
        """The operator's daily job, run as if ``days`` had passed."""
        day = world.day_offset(days).isoformat()
        result = run_isolated(
            self.app.test_cli_runner().invoke, args=["registry", "remind", "--today", day]
        )
        assert result.exit_code == 0, result.output
