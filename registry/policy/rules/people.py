"""SMP-COMMS, SMP-SPOKESPEOPLE, SMP-PEER-REVIEW and SMP-OIA: the people who run the channel."""

from __future__ import annotations

from collections.abc import Iterable

from registry.policy.content import Agency, Person, ProposalContent
from registry.policy.messages import N_
from registry.policy.rules.base import Finding, name_of


def check_comms(content: ProposalContent, agency: Agency) -> list[Finding]:
    liaison = content.liaison
    if liaison is None:
        template = N_(
            "Choose a Communications liaison: a member of the Communications team who will"
            " manage the channel with your business unit."
        )
        return [Finding.of(template, "liaison")]
    if not liaison.active:
        template = N_(
            "%(name)s is no longer an active user: choose another Communications liaison."
        )
    elif not liaison.in_communications_team:
        template = N_(
            "%(name)s is not in the Communications team: choose a member of the Communications"
            " team as Communications liaison."
        )
    else:
        return []
    return [Finding.of(template, "liaison", name=name_of(liaison))]


def _unique(people: Iterable[Person]) -> list[Person]:
    seen: set[int] = set()
    unique = []
    for person in people:
        if person.id not in seen:
            seen.add(person.id)
            unique.append(person)
    return unique


def check_spokespeople(content: ProposalContent, agency: Agency) -> list[Finding]:
    spokespeople = _unique(content.spokespeople)
    if not spokespeople:
        return [
            Finding.of(
                N_(
                    "Name at least one person under Authorised spokespeople: only they may post"
                    " on the channel."
                ),
                "spokespeople",
            )
        ]
    return [
        Finding.of(
            N_(
                "%(name)s is no longer an active user: remove them from Authorised spokespeople"
                " or choose someone else."
            ),
            "spokespeople",
            name=name_of(person),
        )
        for person in spokespeople
        if not person.active
    ]


def check_peer_review(content: ProposalContent, agency: Agency) -> list[Finding]:
    reviewers = _unique(content.peer_reviewers)
    if not reviewers:
        return [
            Finding.of(
                N_(
                    "Name at least one person under Peer reviewers: every post must be checked"
                    " by another staff member before it goes out."
                ),
                "peer_reviewers",
            )
        ]
    findings = [
        Finding.of(
            N_(
                "%(name)s is no longer an active user: remove them from Peer reviewers or choose"
                " someone else."
            ),
            "peer_reviewers",
            name=name_of(person),
        )
        for person in reviewers
        if not person.active
    ]
    active = [person for person in reviewers if person.active]
    if not active:
        return findings
    for speaker in _unique(content.spokespeople):
        if not any(reviewer.id != speaker.id for reviewer in active):
            findings.append(
                Finding.of(
                    N_(
                        "Nobody could review posts by %(name)s: add a peer reviewer other than"
                        " %(name)s."
                    ),
                    "peer_reviewers",
                    name=name_of(speaker),
                )
            )
    return findings


def check_oia(content: ProposalContent, agency: Agency) -> list[Finding]:
    contact = content.information_contact
    if contact is None:
        template = N_(
            "Choose an Information requests contact: the person who answers requests for"
            " information sent to the channel, promptly and under the Official Information Act."
        )
        return [Finding.of(template, "information_contact")]
    if not contact.active:
        template = N_(
            "%(name)s is no longer an active user: choose another Information requests contact."
        )
        return [Finding.of(template, "information_contact", name=name_of(contact))]
    return []
