"""Recertification as an attestation: the business unit's owner and the liaison each state,
in their own words and in a capacity they hold that day, that the channel is still needed and
run as chartered. The second of the two, by a different person, recertifies the channel.

Who attests as what:

- owner: the proposer of the proposal the channel runs under (while their account is
  active), or whoever is the DCE of the channel's business unit that day (acting included);
  an imported channel has no proposal, so only the DCE.
- liaison: the channel's Communications liaison; when it has none, or theirs is deactivated,
  anyone in the Communications team that day.

One person never gives both (separation of duties, as with sign-offs).
"""

from __future__ import annotations

from dataclasses import dataclass

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import select

from registry.audit.log import record
from registry.auth.models import Office, User
from registry.auth.offices import agency_today, holders, offices_held
from registry.channels.models import Channel, ChannelState
from registry.database import begin_write, locked_row
from registry.errors import ConflictError, ForbiddenError, RegistryError
from registry.extensions import db
from registry.inventory.attestation_models import AttestationRole, ReviewAttestation
from registry.inventory.lifecycle import ReviewAnswers
from registry.inventory.models import ChannelReview
from registry.proposals.models import Proposal
from registry.timeutil import add_months, utcnow

OWNER = AttestationRole.OWNER
LIAISON = AttestationRole.LIAISON


@dataclass(frozen=True)
class Capacity:
    """A capacity someone can attest in today."""

    role: AttestationRole
    title: str  # "Proposer of P-0003", "Acting Deputy Chief Executive, Policy", ...
    acting: bool = False


def _proposer_of(channel: Channel) -> User | None:
    if channel.proposal_id is None:
        return None
    proposal = db.session.get(Proposal, channel.proposal_id)
    if proposal is None or not proposal.proposer.is_active_account:
        return None
    return proposal.proposer


def _proposal_reference(channel: Channel) -> str:
    proposal = db.session.get(Proposal, channel.proposal_id) if channel.proposal_id else None
    return proposal.reference if proposal is not None else ""


def _liaison_named(channel: Channel) -> User | None:
    """The channel's liaison, if they can still act (otherwise the team stands in)."""
    liaison = channel.liaison
    return liaison if liaison is not None and liaison.is_active_account else None


def capacities(user: User, channel: Channel) -> list[Capacity]:
    """Every capacity ``user`` holds today for this channel's review (owner first)."""
    found: list[Capacity] = []
    if not user.is_active_account:
        return found
    proposer = _proposer_of(channel)
    held = offices_held(user)
    if proposer is not None and proposer.id == user.id:
        found.append(
            Capacity(OWNER, _("Proposer of %(reference)s", reference=_proposal_reference(channel)))
        )
    else:
        dce = next(
            (
                a
                for a in held
                if a.office_enum is Office.DCE and a.business_unit_id == channel.business_unit_id
            ),
            None,
        )
        if dce is not None:
            found.append(Capacity(OWNER, dce.capacity, dce.acting))
    liaison = _liaison_named(channel)
    if liaison is not None:
        if liaison.id == user.id:
            found.append(Capacity(LIAISON, _("Communications liaison")))
    else:
        team = next((a for a in held if a.office_enum is Office.COMMUNICATIONS_TEAM), None)
        if team is not None:
            found.append(Capacity(LIAISON, team.capacity, team.acting))
    return found


def who_can(channel: Channel, role: AttestationRole, exclude: set[int] = frozenset()) -> list[User]:
    """The people who can give ``role``'s attestation today, leaving out ``exclude``."""
    people: list[User] = []
    if role is OWNER:
        proposer = _proposer_of(channel)
        if proposer is not None:
            people.append(proposer)
        people += [a.user for a in holders(Office.DCE, business_unit_id=channel.business_unit_id)]
    else:
        liaison = _liaison_named(channel)
        people += (
            [liaison]
            if liaison is not None
            else [a.user for a in holders(Office.COMMUNICATIONS_TEAM)]
        )
    unique = {person.id: person for person in people if person.id not in exclude}
    return list(unique.values())


def names(people: list[User]) -> str:
    return ", ".join(person.display_name for person in people)


def cycle_attestations(channel: Channel) -> dict[AttestationRole, ReviewAttestation]:
    """The attestations given in the channel's current cycle, by role."""
    if channel.review_due is None:
        return {}
    rows = db.session.scalars(
        select(ReviewAttestation).where(
            ReviewAttestation.channel_id == channel.id,
            ReviewAttestation.cycle == channel.review_cycle,
        )
    ).unique()
    return {row.role_enum: row for row in rows}


@dataclass(frozen=True)
class Standing:
    """Where one person stands in a channel's current review: the capacities open to them,
    or why none is (a message that names who can)."""

    open: list[Capacity]
    given: dict[AttestationRole, ReviewAttestation]
    refusal: str | None
    status: int = 403


def standing(user: User, channel: Channel) -> Standing:
    if channel.state_enum is not ChannelState.ACTIVE or channel.review_due is None:
        return Standing(
            [],
            {},
            _(
                "%(name)s is %(state)s, so it has no review.",
                name=channel.name,
                state=channel.state_enum.label.lower(),
            ),
            409,
        )
    given = cycle_attestations(channel)
    mine = next((a for a in given.values() if a.attester_id == user.id), None)
    if mine is not None:
        other = LIAISON if mine.role_enum is OWNER else OWNER
        return Standing([], given, _separation(channel, mine, other))
    held = capacities(user, channel)
    open_ = [c for c in held if c.role not in given]
    if open_:
        return Standing(open_, given, None)
    if held:
        taken = given[held[0].role]
        return Standing(
            [],
            given,
            _(
                "%(name)s already attested as %(capacity)s in this review; the attestation "
                "still awaited is %(role)s's, from %(people)s.",
                name=taken.attester.display_name,
                capacity=taken.capacity,
                role=(LIAISON if taken.role_enum is OWNER else OWNER).label,
                people=names(who_can(channel, LIAISON if taken.role_enum is OWNER else OWNER))
                or _("nobody today"),
            ),
            409,
        )
    return Standing([], given, _no_capacity(channel, given))


def _separation(channel: Channel, mine: ReviewAttestation, other: AttestationRole) -> str:
    others = who_can(channel, other, exclude={mine.attester_id})
    if others:
        return _(
            "You attested as %(capacity)s on %(day)s. One person cannot give both attestations, "
            "so %(role)s's must come from someone else: %(people)s.",
            capacity=mine.capacity,
            day=format(mine.attested_at, "%-d %B %Y"),
            role=other.label,
            people=names(others),
        )
    return _(
        "You attested as %(capacity)s on %(day)s. One person cannot give both attestations, "
        "and nobody else can give %(role)s's today: the Communications team can name another "
        "liaison through a change, or an administrator can record who acts in the office.",
        capacity=mine.capacity,
        day=format(mine.attested_at, "%-d %B %Y"),
        role=other.label,
    )


def _no_capacity(channel: Channel, given: dict[AttestationRole, ReviewAttestation]) -> str:
    awaited = [role for role in (OWNER, LIAISON) if role not in given]
    exclude = {a.attester_id for a in given.values()}
    parts = [
        _(
            "%(role)s: %(people)s",
            role=role.label,
            people=names(who_can(channel, role, exclude)) or _("nobody today"),
        )
        for role in awaited
    ]
    return _(
        "You hold no capacity to attest for %(name)s today. Who can: %(who)s.",
        name=channel.name,
        who="; ".join(parts),
    )


def attest(
    channel_id: int,
    actor: User,
    role: str | None,
    cycle: int | None,
    answers: ReviewAnswers,
    signed_name: str,
) -> tuple[Channel, bool]:
    """Record ``actor``'s attestation; the second one, by someone else, recertifies the
    channel in the same transaction. Returns the channel and whether it was recertified.

    The channel row is locked first, so two attesters at the same moment queue: the second
    sees the first's attestation and recertifies, exactly once.
    """
    begin_write()
    channel = locked_row(Channel, channel_id)
    if channel is None:
        raise RegistryError(_("That channel does not exist."))
    if (
        channel.state_enum is ChannelState.ACTIVE
        and cycle is not None
        and channel.review_cycle != cycle
    ):
        raise ConflictError(
            _(
                "%(name)s was recertified meanwhile: its next review is due %(day)s. Nothing "
                "was recorded.",
                name=channel.name,
                day=format(channel.review_due, "%-d %B %Y"),
            )
        )
    position = standing(actor, channel)
    if position.refusal is not None:
        error = ConflictError if position.status == 409 else ForbiddenError
        raise error(position.refusal)
    capacity = _chosen(position.open, role)
    if not all(
        (
            answers.still_needed,
            answers.terms_accurate,
            answers.hours_kept,
            answers.spokespeople_right,
        )
    ):
        raise RegistryError(
            _(
                "Not every answer is yes, so this is not an attestation. Start a change (a new "
                "revision goes through sign-off) or ask the Communications team to close the "
                "channel."
            ),
            "still_needed",
        )
    if " ".join(signed_name.split()).casefold() != " ".join(actor.display_name.split()).casefold():
        raise RegistryError(
            _(
                "Sign with your name as the registry knows it: %(name)s.",
                name=actor.display_name,
            ),
            "signed_name",
        )
    other = position.given.get(LIAISON if capacity.role is OWNER else OWNER)
    accepted = None
    if other is not None:
        from registry.inventory.risk import require_secure_or_accepted

        accepted = require_secure_or_accepted(channel, actor, "recertify")
    now = utcnow()
    attestation = ReviewAttestation(
        channel_id=channel.id,
        cycle=channel.review_cycle,
        cycle_due=channel.review_due,
        role=capacity.role.value,
        attester_id=actor.id,
        capacity=capacity.title[:300],
        acting=capacity.acting,
        signed_name=" ".join(signed_name.split())[:200],
        notes=answers.notes[:5000],
        attested_at=now,
    )
    db.session.add(attestation)
    db.session.flush()
    record(
        "channel-review-attested",
        "channel",
        channel.id,
        actor=actor,
        role=capacity.role.value,
        capacity=capacity.title,
        cycle=channel.review_cycle,
        cycle_due=channel.review_due.isoformat(),
        notes=answers.notes[:500],
    )
    if other is not None:
        _recertify(channel, actor, attestation, other, accepted.capacity if accepted else None)
    db.session.commit()
    return channel, other is not None


def _chosen(open_: list[Capacity], role: str | None) -> Capacity:
    if len(open_) == 1 and role in (None, "", open_[0].role.value):
        return open_[0]
    chosen = next((c for c in open_ if c.role.value == role), None)
    if chosen is None:
        raise RegistryError(_("Choose the capacity you attest in."), "role")
    return chosen


def _recertify(
    channel: Channel,
    actor: User,
    second: ReviewAttestation,
    first: ReviewAttestation,
    risk_accepted_by: str | None,
) -> None:
    """Both attestations are in: the channel is recertified (in the caller's transaction)."""
    owner, liaison = (second, first) if second.role_enum is OWNER else (first, second)
    now = utcnow()
    next_due = add_months(agency_today(), current_app.config["REVIEW_INTERVAL_MONTHS"])
    notes = "\n\n".join(
        f"{a.attester.display_name} ({a.capacity}): {a.notes}" for a in (owner, liaison) if a.notes
    )
    db.session.add(
        ChannelReview(
            channel_id=channel.id,
            reviewer=actor,
            reviewed_at=now,
            outcome="recertified",
            next_review_due=next_due,
            still_needed=True,
            terms_accurate=True,
            hours_kept=True,
            spokespeople_right=True,
            notes=notes[:5000],
            owner_attester_id=owner.attester_id,
            liaison_attester_id=liaison.attester_id,
        )
    )
    before = channel.review_due.isoformat()
    channel.review_due = next_due
    channel.review_cycle += 1
    channel.last_reviewed_at = now
    channel.updated_at = now
    record(
        "channel-recertified",
        "channel",
        channel.id,
        actor=actor,
        before={"review_due": before},
        after={"review_due": next_due.isoformat()},
        owner=f"{owner.attester.display_name} ({owner.capacity})",
        liaison=f"{liaison.attester.display_name} ({liaison.capacity})",
        security_risk_accepted_by=risk_accepted_by,
    )


def ask_to_close(channel_id: int, actor: User, answers: ReviewAnswers) -> Channel:
    """An attester who cannot say yes to everything asks the Communications team to close the
    channel: recorded with their answers, and emailed to the liaison (or the team)."""
    from registry import notifications

    begin_write()
    channel = locked_row(Channel, channel_id)
    if channel is None:
        raise RegistryError(_("That channel does not exist."))
    if channel.state_enum is not ChannelState.ACTIVE:
        raise ConflictError(
            _(
                "%(name)s is %(state)s, so it has no review.",
                name=channel.name,
                state=channel.state_enum.label.lower(),
            )
        )
    if not capacities(actor, channel):
        raise ForbiddenError(_no_capacity(channel, cycle_attestations(channel)))
    db.session.add(
        ChannelReview(
            channel_id=channel.id,
            reviewer=actor,
            reviewed_at=utcnow(),
            outcome="closure-asked",
            still_needed=answers.still_needed,
            terms_accurate=answers.terms_accurate,
            hours_kept=answers.hours_kept,
            spokespeople_right=answers.spokespeople_right,
            notes=answers.notes[:5000],
        )
    )
    record("channel-closure-asked", "channel", channel.id, actor=actor, notes=answers.notes[:500])
    notifications.send(
        who_can(channel, LIAISON),
        f"Closing asked: {channel.name}",
        f"{actor.display_name} reviewed {channel.name} ({channel.reference}) and asks the "
        "Communications team to close it."
        + (f"\n\nTheir notes:\n{answers.notes}" if answers.notes else "")
        + f"\n\nReview it: {notifications.link(f'/channels/{channel.id}/review')}\n",
    )
    db.session.commit()
    return channel


def start_change(channel_id: int, actor: User, answers: ReviewAnswers) -> Proposal:
    """An attester who cannot say yes to everything starts a change (a new proposal for the
    channel, through sign-off again). Only someone who can attest for it may."""
    from registry.inventory.lifecycle import start_change as start

    channel = db.session.get(Channel, channel_id)
    if channel is None:
        raise RegistryError(_("That channel does not exist."))
    if not capacities(actor, channel):
        raise ForbiddenError(_no_capacity(channel, cycle_attestations(channel)))
    return start(channel_id, actor, answers)
