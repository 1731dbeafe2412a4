"""Rules the HTTP lifecycle machine adds for a channel's life after go-live, through the
pages: the closing checklist's items ticked and unticked (all at once, or one by one, right
or wrong, by anyone), and the review's attestation page. Whatever is refused keeps what was
typed. Mixed into ``HttpLifecycle``.
"""

from __future__ import annotations

import sqlalchemy as sa
from hypothesis import strategies as st
from hypothesis.stateful import precondition, rule

from registry.auth.models import Office, User
from registry.channels.models import Channel
from registry.extensions import db
from registry.proposals.models import Proposal
from tests.stateful import world

index = st.integers(min_value=0, max_value=50)
# Text people type, with a marker to find it again on the page, and characters a careless
# page would mangle (macrons, an ampersand, angle brackets).
typed = st.integers(min_value=0, max_value=999).map(
    lambda n: f"Typed note {n}: Tāmaki & <Ōtautahi> hours"
)


class HttpChannelRules:
    """Needs ``post``, ``pick``, ``kept_typing``, ``holds_any``, ``role_of`` and ``world``
    from the machine."""

    def closing(self) -> bool:
        return self.world is not None and bool(
            db.session.scalar(sa.select(sa.func.count()).where(Channel.state == "closing"))
        )

    @precondition(lambda self: self.closing())
    @rule(which=index, order=st.permutations(world.CLOSING_ITEMS[:-1]))
    def work_through_checklist(self, which, order) -> None:  # noqa: ANN001
        """The team ticks every item left through the pages, in any order."""
        cid = self.pick(Channel, which, ("closing",))
        for key in order:
            data = dict(world.CLOSING_INPUTS[key]["right"])
            if key == "profile":
                data = {"confirmed": "y"}
            self.post("comms", f"/channels/{cid}/closing/{key}", data)

    @precondition(lambda self: self.closing())
    @rule(
        which=index,
        key=st.sampled_from(world.CLOSING_ITEMS),
        who=st.sampled_from(["comms", "comms", "manager", "staff_community"]),
        right=st.sampled_from([True, True, True, False]),
    )
    def tick_closing_item(self, which, key, who, right) -> None:  # noqa: ANN001
        cid = self.pick(Channel, which, ("closing",))
        data = dict(world.CLOSING_INPUTS[key]["right" if right else "wrong"])
        if key == "profile":
            data = {"confirmed": "y"} if data["confirmed"] else {}
        has_checklist = db.session.get(Channel, cid).state in ("closing", "decommissioned")
        response = self.post(who, f"/channels/{cid}/closing/{key}", data)
        if has_checklist and key != "register":
            typed = [value for value in data.values() if value.strip() and value != "y"]
            door_open = self.holds_any(who, (Office.COMMUNICATIONS_TEAM,))
            self.kept_typing(response, *typed, what=f"tick {key}", door_open=door_open)

    @precondition(lambda self: self.closing())
    @rule(
        which=index,
        key=st.sampled_from(world.CLOSING_ITEMS),
        reason=st.one_of(st.just(""), typed),
    )
    def untick_closing_item(self, which, key, reason) -> None:  # noqa: ANN001
        cid = self.pick(Channel, which, ("closing", "decommissioned"))
        has_checklist = db.session.get(Channel, cid).state in ("closing", "decommissioned")
        response = self.post("comms", f"/channels/{cid}/closing/{key}/untick", {"reason": reason})
        if has_checklist and reason.strip() and key != "register":
            door_open = self.holds_any("comms", (Office.COMMUNICATIONS_TEAM,))
            self.kept_typing(response, reason, what=f"untick {key}", door_open=door_open)

    def active(self) -> bool:
        return self.world is not None and bool(
            db.session.scalar(sa.select(sa.func.count()).where(Channel.state == "active"))
        )

    @precondition(lambda self: self.active())
    @rule(
        which=index,
        who=st.sampled_from(["proposer", "dce_policy", "comms", "manager", *world.ROLES]),
        role=st.sampled_from(["", "owner", "liaison"]),
        all_yes=st.sampled_from([True, True, True, False]),
        signed=st.sampled_from([True, True, True, False]),
        notes=typed,
    )
    def attest(self, which, who, role, all_yes, signed, notes) -> None:  # noqa: ANN001, PLR0913
        """The owner or the liaison attests on the page; the second, by someone else,
        recertifies. Whatever the answer, what was typed stays on a refused form."""
        channel = db.session.get(Channel, self.pick(Channel, which, ("active",)))
        if who == "proposer":
            proposal = db.session.get(Proposal, channel.proposal_id or 0)
            who = self.role_of(proposal.proposer_id) if proposal else "staff_policy"
        person = db.session.get(User, self.world.people[who])
        data = {
            "still_needed": "yes",
            "terms_accurate": "yes" if all_yes else "no",
            "hours_kept": "yes",
            "spokespeople_right": "yes",
            "notes": notes,
            "role": role,
            "signed_name": person.display_name if signed else "Someone Else",
            "cycle": str(channel.review_cycle),
            "outcome": "attest",
        }
        response = self.post(who, f"/channels/{channel.id}/attest", data)
        if notes.strip():
            self.kept_typing(response, notes, what="attest")
