"""Rules the service lifecycle machine adds for a channel's life after go-live: working
through the closing checklist (ticking, unticking, all at once) and the review's two
attestations. Mixed into ``ServiceLifecycle``.
"""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from registry.channels.models import Channel
from registry.extensions import db
from registry.inventory import attestations, checklist, lifecycle
from registry.proposals.models import Proposal
from tests.stateful import world

index = st.integers(min_value=0, max_value=50)
rarely = st.sampled_from([True, False, False, False])


class ServiceChannelRules:
    """Needs ``attempt``, ``user``, ``pick``, ``_secure``, ``world`` and ``outcomes`` (a
    Counter) from the machine."""

    def closing(self) -> bool:
        return self.world is not None and bool(
            db.session.scalar(sa.select(sa.func.count()).where(Channel.state == "closing"))
        )

    @precondition(lambda self: self.closing())
    @rule(
        which=index,
        order=st.permutations(world.CLOSING_ITEMS[:-1]),
        who=st.lists(st.sampled_from(["comms", "manager"]), min_size=4, max_size=4),
    )
    def work_through_checklist(self, which, order, who) -> None:  # noqa: ANN001
        """The team ticks every item left, in any order: the last one decommissions it."""
        self._work_through(self.pick(Channel, which, ("closing",)), order, who)

    def _work_through(self, cid: int, order: list[str], who: list[str]) -> None:
        for key, person in zip(order, who, strict=True):
            details = world.CLOSING_INPUTS[key]["right"]
            actor = self.user(person)
            self.attempt(
                "tick closing item",
                lambda k=key, a=actor, d=details: checklist.tick(cid, k, a, d),
            )
        db.session.expire_all()
        channel = db.session.get(Channel, cid)
        if all(item.done for item in checklist.checklist_of(channel)):
            assert channel.state == "decommissioned", f"{channel.reference} is {channel.state}"
            self.outcomes["lifecycle decommissioned by its checklist"] += 1

    @precondition(lambda self: self.closing())
    @rule(
        which=index,
        key=st.sampled_from(world.CLOSING_ITEMS),
        who=st.sampled_from(["comms", "comms", "manager", "staff_policy"]),
        right=st.sampled_from([True, True, True, False]),
    )
    def tick_closing_item(self, which, key, who, right) -> None:  # noqa: ANN001
        cid = self.pick(Channel, which, ("closing",))
        details = world.CLOSING_INPUTS[key]["right" if right else "wrong"]
        done = self.attempt(
            "tick closing item", lambda: checklist.tick(cid, key, self.user(who), details)
        )
        if done is not None and done.state == "decommissioned":
            self.outcomes["lifecycle decommissioned by its checklist"] += 1

    @precondition(lambda self: self.closing())
    @rule(
        which=index,
        key=st.sampled_from(world.CLOSING_ITEMS),
        who=st.sampled_from(["comms", "manager", "staff_policy"]),
        reason=st.sampled_from(["", "Wrong file reference."]),
    )
    def untick_closing_item(self, which, key, who, reason) -> None:  # noqa: ANN001
        cid = self.pick(Channel, which, ("closing", "decommissioned"))
        self.attempt(
            "untick closing item", lambda: checklist.untick(cid, key, self.user(who), reason)
        )

    def active(self) -> bool:
        return self.world is not None and bool(
            db.session.scalar(sa.select(sa.func.count()).where(Channel.state == "active"))
        )

    @precondition(lambda self: self.active())
    @rule(
        which=index,
        # Mostly the owner (the proposer, a DCE) and the liaison (the team), now and then
        # anyone; each may try either role, or none.
        who=st.sampled_from(
            ["proposer", "proposer", "liaison", "liaison", "dce_policy", "comms", *world.ROLES]
        ),
        role=st.sampled_from([None, "owner", "liaison", "owner", "liaison"]),
        all_yes=st.sampled_from([True, True, True, False]),
        signed=st.sampled_from([True, True, True, False]),
        stale=rarely,
        secure_first=rarely,
    )
    def attest(self, which, who, role, all_yes, signed, stale, secure_first) -> None:  # noqa: ANN001, PLR0913
        """One attestation for the channel's review: the second, by someone else, recertifies."""
        cid = self.pick(Channel, which, ("active",))
        channel = db.session.get(Channel, cid)
        if who == "proposer":
            proposal = db.session.get(Proposal, channel.proposal_id or 0)
            person = proposal.proposer if proposal else self.user("staff_policy")
        elif who == "liaison":
            person = channel.liaison or self.user("comms")
        else:
            person = self.user(who)
        if secure_first:
            self._secure(cid, passing=True)
        answers = lifecycle.ReviewAnswers(True, all_yes, True, True, "Checked.")
        cycle = channel.review_cycle - 1 if stale else channel.review_cycle
        name = person.display_name if signed else "Someone Else"
        done = self.attempt(
            "attest",
            lambda: attestations.attest(cid, person, role, cycle, answers, name),
        )
        if done is not None and done[1]:
            self.outcomes["lifecycle recertified"] += 1

    @precondition(lambda self: self.active())
    @rule(which=index, owner_first=st.booleans(), secure_first=st.booleans())
    def attest_both(self, which, owner_first, secure_first) -> None:  # noqa: ANN001
        """The owner and the liaison attest one after the other, as the page would have them:
        the random rule above rarely gets two right people into one cycle."""
        cid = self.pick(Channel, which, ("active",))
        channel = db.session.get(Channel, cid)
        proposal = db.session.get(Proposal, channel.proposal_id or 0)
        owner = proposal.proposer if proposal else self.user("dce_policy")
        liaison = channel.liaison or self.user("comms")
        if secure_first:
            self._secure(cid, passing=True)
        answers = lifecycle.ReviewAnswers(True, True, True, True, "Checked.")
        order = [("owner", owner), ("liaison", liaison)]
        for role, person in order if owner_first else order[::-1]:
            cycle = db.session.get(Channel, cid).review_cycle
            done = self.attempt(
                "attest",
                lambda r=role, p=person, c=cycle: attestations.attest(
                    cid, p, r, c, answers, p.display_name
                ),
            )
            if done is not None and done[1]:
                self.outcomes["lifecycle recertified"] += 1
