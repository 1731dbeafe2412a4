"""The Social Media Policy as a table of rules the registry checks every proposal against.

Each rule quotes the clause it enforces, under the clause's heading in the policy, and says in
plain words what the proposer has to fix. Pure Python: no Flask, no database; a rule reads a
ProposalContent snapshot and the Agency settings and nothing else.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import time
from types import MappingProxyType
from typing import NamedTuple
from urllib.parse import urlsplit

from registry.policy.content import Agency, MonitoringWindow, Person, ProposalContent
from registry.policy.hours import day_name, format_time, terms_state_hours
from registry.policy.platforms import ascii_host, channel_url_problem

__all__ = [
    "RULES",
    "RULES_BY_ID",
    "SUBMISSION_RULES",
    "Finding",
    "Rule",
    "RuleResult",
    "check",
    "failing",
    "supported_by_sentence",
]


@dataclass(frozen=True)
class Finding:
    """One thing to fix. ``field`` names the proposal form field the fix belongs to."""

    message: str
    field: str


@dataclass(frozen=True)
class Rule:
    id: str
    title: str
    heading: str  # the policy heading the clause sits under
    clause: str  # the policy's own words, verbatim
    check: Callable[[ProposalContent, Agency], list[Finding]] = field(repr=False)


@dataclass(frozen=True)
class RuleResult:
    rule: Rule
    findings: tuple[Finding, ...]

    @property
    def passed(self) -> bool:
        return not self.findings


# --- Reading user text ---------------------------------------------------------------------

_MAX_SHOWN = 60
# Blank-looking characters that are not Unicode whitespace, so a "blank" answer cannot be
# smuggled past the check with them.
_INVISIBLE = frozenset("\u2800\u3164\u115f\u1160\uffa0")


def _is_blank_char(ch: str) -> bool:
    return (
        ch.isspace()
        or ch in _INVISIBLE
        or unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Zs", "Zl", "Zp")
    )


def _visible_length(text: str) -> int:
    return sum(1 for ch in text if not _is_blank_char(ch))


def _shown(value: str) -> str:
    """A user's value quoted for a message, on one line and cut short so messages stay short."""
    flat = " ".join(value.split())
    flat = "".join(ch for ch in flat if unicodedata.category(ch) not in ("Cc", "Cf", "Cs"))
    if len(flat) > _MAX_SHOWN:
        flat = flat[: _MAX_SHOWN - 1].rstrip() + "…"
    return f"“{flat}”"


def _name(person: Person) -> str:
    shown = _shown(person.name)[1:-1].strip()
    return shown or f"User {person.id}"


def _plain(text: str) -> str:
    """Case-, macron- and spacing-insensitive form: "TE TARI MĀTĀWAKA" reads as
    "te tari matawaka" (NFKD also turns no-break spaces into ordinary ones)."""
    decomposed = unicodedata.normalize("NFKD", text)
    kept = "".join(
        " " if ch.isspace() else ch
        for ch in decomposed
        if ch.isspace() or unicodedata.category(ch) not in ("Mn", "Cf", "Cc", "Cs")
    )
    return " ".join(kept.casefold().split())


def _names_in(text: str, name: str) -> bool:
    wanted = _plain(name)
    if not wanted:
        return False
    return re.search(rf"(?<!\w){re.escape(wanted)}(?!\w)", _plain(text)) is not None


# --- SMP-APPROVALS -------------------------------------------------------------------------

_OFFICES = {
    "manager-communications": "The Manager Communications",
    "dce": "The business unit DCE",
    "chief-executive": "The Chief Executive",
}
_OFFICE_TITLES = {
    "manager-communications": "Manager Communications",
    "dce": "DCE",
    "chief-executive": "Chief Executive",
}


def _check_approvals(content: ProposalContent, agency: Agency) -> list[Finding]:
    findings: list[Finding] = []
    proposer_id = content.proposer.id if content.proposer else None

    eligible: dict[str, list[tuple[int, str]]] = {office: [] for office in _OFFICES}
    proposer_signed = False
    wrong_unit: list[str] = []
    for signoff in content.signoffs:
        if signoff.office not in _OFFICES:
            continue
        if proposer_id is not None and signoff.signer_id == proposer_id:
            proposer_signed = True
            continue
        if signoff.office == "dce" and (
            content.business_unit_id is None or signoff.business_unit_id != content.business_unit_id
        ):
            wrong_unit.append(signoff.signer_name)
            continue
        if all(signer != signoff.signer_id for signer, _ in eligible[signoff.office]):
            eligible[signoff.office].append((signoff.signer_id, signoff.signer_name))

    if proposer_signed:
        findings.append(
            Finding(
                "The proposer cannot sign off their own proposal. Their sign-off does not count:"
                " someone else in that office must sign off.",
                "signoffs",
            )
        )

    # Match offices to distinct people (augmenting paths), so a person who signed in two
    # capacities fills only one of them and the other shows as missing.
    holder: dict[int, str] = {}

    def assign(office: str, seen: set[int]) -> bool:
        for signer, _ in eligible[office]:
            if signer in seen:
                continue
            seen.add(signer)
            if signer not in holder or assign(holder[signer], seen):
                holder[signer] = office
                return True
        return False

    for office in _OFFICES:
        assign(office, set())
    filled = set(holder.values())
    if len(filled) == len(_OFFICES):
        return findings

    offices_by_signer: dict[int, list[str]] = {}
    names: dict[int, str] = {}
    for office, signers in eligible.items():
        for signer, name in signers:
            offices_by_signer.setdefault(signer, []).append(office)
            names.setdefault(signer, name)
    for signer, offices in offices_by_signer.items():
        if len(offices) > 1:
            capacities = " and ".join(_OFFICE_TITLES[o] for o in offices)
            findings.append(
                Finding(
                    f"One person ({_shown(names[signer])[1:-1]}) cannot give two of the three"
                    f" sign-offs. They signed as {capacities}; someone else must give the"
                    " missing sign-off.",
                    "signoffs",
                )
            )
    if "dce" not in filled and wrong_unit:
        who = ", ".join(_shown(n)[1:-1] for n in wrong_unit)
        findings.append(
            Finding(
                f"{who} signed off as DCE of a different business unit. The DCE of this"
                " proposal's business unit must sign off.",
                "signoffs",
            )
        )
    for office, label in _OFFICES.items():
        if office not in filled:
            findings.append(Finding(f"{label} has not signed off yet.", "signoffs"))
    return findings


# --- SMP-CHANNEL-URL -----------------------------------------------------------------------


def _check_channel_url(content: ProposalContent, agency: Agency) -> list[Finding]:
    # Blank is allowed: the account may not exist until it is approved, and going live asks
    # for the address through the same check.
    if not content.channel_url.strip():
        return []
    problem = channel_url_problem(content.platform, content.handle, content.channel_url)
    return [Finding(problem, "channel_url")] if problem else []


# --- SMP-TERMS -----------------------------------------------------------------------------

_MIN_TERMS = 20
_TERMS_HELP = (
    "Write the terms of use people will see on the channel: what it is for, how comments are"
    " moderated and when it is monitored."
)


def _check_terms(content: ProposalContent, agency: Agency) -> list[Finding]:
    length = _visible_length(content.terms_of_use)
    if length == 0:
        return [Finding(_TERMS_HELP, "terms_of_use")]
    if length < _MIN_TERMS:
        return [
            Finding(
                f"{_TERMS_HELP} Yours are too short ({length} characters); they need at least"
                f" {_MIN_TERMS}.",
                "terms_of_use",
            )
        ]
    return []


# --- SMP-HOURS -----------------------------------------------------------------------------

_HOURS_NOT_STATED = (
    "Your terms of use do not state your monitoring hours. Add them, or use “Insert monitoring"
    " hours statement”."
)


def _span(window: MonitoringWindow) -> str:
    return f"{format_time(window.starts)} to {format_time(window.ends)}"


def _check_hours(content: ProposalContent, agency: Agency) -> list[Finding]:
    windows = content.monitoring_windows
    if not windows:
        return [
            Finding(
                "Add at least one weekly monitoring window under Monitoring hours: the day, and"
                " the times someone will watch the channel from and to.",
                "monitoring_windows",
            )
        ]
    findings: list[Finding] = []
    valid: list[MonitoringWindow] = []
    for number, window in enumerate(windows, start=1):
        weekday = window.weekday
        if isinstance(weekday, bool) or not isinstance(weekday, int) or not 0 <= weekday <= 6:
            findings.append(
                Finding(
                    f"Monitoring window {number} has no valid day: choose a day from Monday to"
                    " Sunday.",
                    "monitoring_windows",
                )
            )
            continue
        if not isinstance(window.starts, time) or not isinstance(window.ends, time):
            findings.append(
                Finding(
                    f"The {day_name(weekday)} monitoring window needs a from and a to time.",
                    "monitoring_windows",
                )
            )
            continue
        day, starts, ends = day_name(weekday), window.starts, window.ends
        if (starts.hour, starts.minute) == (ends.hour, ends.minute):
            findings.append(
                Finding(
                    f"The {day} monitoring window starts and ends at {format_time(starts)}:"
                    " make it end after it starts.",
                    "monitoring_windows",
                )
            )
        elif ends < starts and ends == time(0, 0):
            findings.append(
                Finding(
                    f"The {day} monitoring window from {format_time(starts)} ends at midnight,"
                    f" which is the start of the next day: end it at 11:59pm instead.",
                    "monitoring_windows",
                )
            )
        elif ends < starts:
            next_day = day_name((weekday + 1) % 7)
            findings.append(
                Finding(
                    f"The {day} monitoring window from {format_time(starts)} to"
                    f" {format_time(ends)} ends before it starts. If it runs overnight, split it"
                    f" at midnight: end the {day} window at 11:59pm and add a {next_day} window"
                    f" from 12:00am to {format_time(ends)}. Otherwise correct the times.",
                    "monitoring_windows",
                )
            )
        else:
            valid.append(window)

    for weekday in range(7):
        same_day = sorted(
            (w for w in valid if w.weekday == weekday), key=lambda w: (w.starts, w.ends)
        )
        for i, first in enumerate(same_day):
            for second in same_day[i + 1 :]:
                if second.starts >= first.ends:
                    break
                if (first.starts, first.ends) == (second.starts, second.ends):
                    message = (
                        f"On {day_name(weekday)}, the monitoring window {_span(first)} is"
                        " listed twice: remove one of them."
                    )
                else:
                    message = (
                        f"On {day_name(weekday)}, the monitoring windows {_span(first)} and"
                        f" {_span(second)} overlap: change the times so they do not overlap,"
                        " or combine them into one window."
                    )
                findings.append(Finding(message, "monitoring_windows"))

    if valid and not terms_state_hours(content.terms_of_use, valid):
        findings.append(Finding(_HOURS_NOT_STATED, "terms_of_use"))
    return findings


# --- SMP-SUPPORTED-BY ----------------------------------------------------------------------

# Names that read naturally after "supported by the"; anything else (a te reo name, a proper
# name) is used without "the".
_COMMON_NOUNS = ("ministry", "department", "office", "commission", "authority", "agency")


def supported_by_sentence(agency: Agency) -> str:
    """The sentence the registry suggests for the profile statement."""
    name = agency.name.strip()
    first_word = name.split(" ", 1)[0].casefold() if name else ""
    article = "the " if first_word in _COMMON_NOUNS else ""
    te_reo = f" | {agency.te_reo_name.strip()}" if agency.te_reo_name.strip() else ""
    return f"This channel is supported by {article}{name}{te_reo}."


def _check_supported_by(content: ProposalContent, agency: Agency) -> list[Finding]:
    statement = content.profile_statement
    sentence = supported_by_sentence(agency)
    if _visible_length(statement) == 0:
        return [
            Finding(
                "Write a profile statement that says the channel is supported by the agency,"
                f" for example: “{sentence}”",
                "profile_statement",
            )
        ]
    if _names_in(statement, agency.name) or _names_in(statement, agency.te_reo_name):
        return []
    names = " or ".join(f"“{n.strip()}”" for n in (agency.name, agency.te_reo_name) if n.strip())
    return [
        Finding(
            f"Your profile statement does not name {names}. Add the sentence “{sentence}”",
            "profile_statement",
        )
    ]


# --- SMP-WEBSITE-LINK ----------------------------------------------------------------------

_BARE_ADDRESS = re.compile(
    r"(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,}\.?(?::\d+)?(?:[/?#]\S*)?", re.IGNORECASE
)


class _WebUrl(NamedTuple):
    scheme: str
    host: str
    netloc: str
    has_userinfo: bool


def _web_url(link: str) -> _WebUrl | None:
    """The parts of an http(s) address, or None if ``link`` is not one."""
    # A backslash is read as "/" by browsers but not by urlsplit, so the two would disagree
    # about which site the link goes to; hidden characters disguise an address.
    if "\\" in link or any(_is_blank_char(ch) for ch in link):
        return None
    try:
        parts = urlsplit(link)
        raw_host = parts.hostname
        _ = parts.port
    except ValueError:
        return None
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https") or not parts.netloc or not raw_host:
        return None
    host = ascii_host(raw_host)
    if host is None:
        return None
    return _WebUrl(scheme, host, parts.netloc.lower(), "@" in parts.netloc)


def _https_suggestion(link: str) -> str | None:
    """``https://`` + the address, when ``link`` is an address missing (or mangling) it."""
    rest = re.sub(r"^(?:https?:)?/*", "", link, flags=re.IGNORECASE)
    if rest and _BARE_ADDRESS.fullmatch(rest):
        return "https://" + rest
    return None


def _on_domain(host: str, domain: str) -> bool:
    return bool(domain) and (host == domain or host.endswith("." + domain))


def _check_website_link(content: ProposalContent, agency: Agency) -> list[Finding]:
    domain = ascii_host(agency.domain.strip()) or agency.domain.strip().lower()
    home = f"https://{domain}"
    findings: list[Finding] = []
    linked = False
    near_miss = False
    for raw in content.profile_links:
        link = raw.strip()
        if _visible_length(link) == 0:
            continue
        shown = _shown(link)
        url = _web_url(link)
        if url is None:
            suggestion = _https_suggestion(link)
            if suggestion is not None:
                near_miss = near_miss or domain in link.lower()
                if link.lower().startswith(("http", "/")):
                    message = (
                        f"{shown} in the Profile links is not a full web address: write it as"
                        f" {_shown(suggestion)}."
                    )
                else:
                    message = (
                        f"Add https:// to the start of {shown} in the Profile links:"
                        f" {_shown(suggestion)}."
                    )
            else:
                message = (
                    f"{shown} in the Profile links is not a web address. Use a full address"
                    " starting with https://, or remove it."
                )
            findings.append(Finding(message, "profile_links"))
            continue

        mentions_agency = bool(domain) and domain in url.netloc
        if url.has_userinfo:
            near_miss = near_miss or mentions_agency
            instead = f", or link to {home} instead" if mentions_agency else ""
            findings.append(
                Finding(
                    f"{shown} in the Profile links does not go where it seems: the part before"
                    f" “@” hides the real site, {url.host}. Remove everything up to and"
                    f" including “@”{instead}.",
                    "profile_links",
                )
            )
        elif _on_domain(url.host, domain):
            if url.scheme == "https":
                linked = True
            else:
                near_miss = True
                findings.append(
                    Finding(
                        f"Change {shown} in the Profile links to use https:"
                        f" {_shown('https' + link[4:])}.",
                        "profile_links",
                    )
                )
        elif mentions_agency:
            near_miss = True
            findings.append(
                Finding(
                    f"{shown} in the Profile links goes to {url.host}, not {domain}. Link to"
                    f" {home} or a page on it instead.",
                    "profile_links",
                )
            )
    if not linked and not near_miss:
        findings.append(Finding(f"Add a link to {home} to the Profile links.", "profile_links"))
    return findings


# --- SMP-RELATED-LINKS ---------------------------------------------------------------------

_MIN_REASON = 10


def _check_related_links(content: ProposalContent, agency: Agency) -> list[Finding]:
    findings = [
        Finding(
            f"{_shown(channel.name)} is no longer an active channel: remove it from Related"
            " channels.",
            "related_channels",
        )
        for channel in content.related_channels
        if not channel.active
    ]
    if any(channel.active for channel in content.related_channels):
        return findings
    reason = _visible_length(content.no_related_reason)
    if reason >= _MIN_REASON:
        return findings
    if reason == 0:
        findings.append(
            Finding(
                "Select at least one active channel under Related channels, or explain under"
                " Reason no related channel applies why no other channel of ours is relevant.",
                "related_channels",
            )
        )
    else:
        findings.append(
            Finding(
                "Explain in a full sentence (at least 10 characters) why no other channel of"
                " ours is relevant, or select a related channel instead.",
                "no_related_reason",
            )
        )
    return findings


# --- People --------------------------------------------------------------------------------


def _check_comms(content: ProposalContent, agency: Agency) -> list[Finding]:
    liaison = content.liaison
    if liaison is None:
        message = (
            "Choose a Communications liaison: a member of the Communications team who will"
            " manage the channel with your business unit."
        )
    elif not liaison.active:
        message = (
            f"{_name(liaison)} is no longer an active user: choose another Communications liaison."
        )
    elif not liaison.in_communications_team:
        message = (
            f"{_name(liaison)} is not in the Communications team: choose a member of the"
            " Communications team as Communications liaison."
        )
    else:
        return []
    return [Finding(message, "liaison")]


def _unique(people: Iterable[Person]) -> list[Person]:
    seen: set[int] = set()
    unique = []
    for person in people:
        if person.id not in seen:
            seen.add(person.id)
            unique.append(person)
    return unique


def _check_spokespeople(content: ProposalContent, agency: Agency) -> list[Finding]:
    spokespeople = _unique(content.spokespeople)
    if not spokespeople:
        return [
            Finding(
                "Name at least one person under Authorised spokespeople: only they may post"
                " on the channel.",
                "spokespeople",
            )
        ]
    return [
        Finding(
            f"{_name(person)} is no longer an active user: remove them from Authorised"
            " spokespeople or choose someone else.",
            "spokespeople",
        )
        for person in spokespeople
        if not person.active
    ]


def _check_peer_review(content: ProposalContent, agency: Agency) -> list[Finding]:
    reviewers = _unique(content.peer_reviewers)
    if not reviewers:
        return [
            Finding(
                "Name at least one person under Peer reviewers: every post must be checked by"
                " another staff member before it goes out.",
                "peer_reviewers",
            )
        ]
    findings = [
        Finding(
            f"{_name(person)} is no longer an active user: remove them from Peer reviewers or"
            " choose someone else.",
            "peer_reviewers",
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
                Finding(
                    f"Nobody could review posts by {_name(speaker)}: add a peer reviewer other"
                    f" than {_name(speaker)}.",
                    "peer_reviewers",
                )
            )
    return findings


def _check_oia(content: ProposalContent, agency: Agency) -> list[Finding]:
    contact = content.information_contact
    if contact is None:
        message = (
            "Choose an Information requests contact: the person who answers requests for"
            " information sent to the channel, promptly and under the Official Information Act."
        )
    elif not contact.active:
        message = (
            f"{_name(contact)} is no longer an active user: choose another Information requests"
            " contact."
        )
    else:
        return []
    return [Finding(message, "information_contact")]


def _check_neutral(content: ProposalContent, agency: Agency) -> list[Finding]:
    if content.neutrality_confirmed is True:
        return []
    return [
        Finding(
            "Tick “I confirm political and commercial neutrality, privacy and copyright” to"
            " confirm that likes, follows and shares stay politically and commercially neutral"
            " and that posts will not breach privacy, copyright or other laws.",
            "neutrality_confirmed",
        )
    ]


# --- The table -----------------------------------------------------------------------------

_SETTING_UP = "Setting up a social media presence/channel"
_SETTING_UP_LINKS = (
    "It must clearly state that it is supported by MEC and should link to"
    " ethniccommunities.govt.nz and any other relevant MEC communication channels."
)
_TERMS_CLAUSE = "The presence should have terms of use, including hours of monitoring."

RULES: tuple[Rule, ...] = (
    Rule(
        id="SMP-APPROVALS",
        title="Manager Communications, business unit DCE and Chief Executive approve",
        heading=_SETTING_UP,
        clause=(
            "Any new MEC social media presence requires the express permission of the Manager"
            " Communications, the relevant business unit DCE and the Chief Executive."
        ),
        check=_check_approvals,
    ),
    Rule(
        id="SMP-CHANNEL-URL",
        title="The Channel URL is the channel's own page on its platform",
        heading=_SETTING_UP,
        # The permission is for one presence; the address is how everyone finds that one.
        clause=(
            "Any new MEC social media presence requires the express permission of the Manager"
            " Communications, the relevant business unit DCE and the Chief Executive."
        ),
        check=_check_channel_url,
    ),
    Rule(
        id="SMP-TERMS",
        title="The channel has terms of use",
        heading=_SETTING_UP,
        clause=_TERMS_CLAUSE,
        check=_check_terms,
    ),
    Rule(
        id="SMP-HOURS",
        title="The terms of use state the hours of monitoring",
        heading=_SETTING_UP,
        clause=_TERMS_CLAUSE,
        check=_check_hours,
    ),
    Rule(
        id="SMP-SUPPORTED-BY",
        title="The channel says it is supported by the agency",
        heading=_SETTING_UP,
        clause=_SETTING_UP_LINKS,
        check=_check_supported_by,
    ),
    Rule(
        id="SMP-WEBSITE-LINK",
        title="The channel links to the agency website",
        heading=_SETTING_UP,
        clause=_SETTING_UP_LINKS,
        check=_check_website_link,
    ),
    Rule(
        id="SMP-RELATED-LINKS",
        title="The channel links to the agency's other relevant channels",
        heading=_SETTING_UP,
        clause=_SETTING_UP_LINKS,
        check=_check_related_links,
    ),
    Rule(
        id="SMP-COMMS",
        title="A Communications team liaison manages the channel",
        heading="Ongoing management of a social media presence/channel",
        clause=(
            "The presence must be managed in collaboration with the Communications team or"
            " media spokespeople."
        ),
        check=_check_comms,
    ),
    Rule(
        id="SMP-SPOKESPEOPLE",
        title="Only authorised spokespeople post",
        heading="Posting",
        clause=(
            "Only an authorised media spokesperson should post on publicly available social"
            " media sites on behalf of MEC for work reasons."
        ),
        check=_check_spokespeople,
    ),
    Rule(
        id="SMP-PEER-REVIEW",
        title="Every post is peer reviewed by someone else",
        heading="Posting",
        clause=(
            "The post must be peer reviewed by another appropriate staff member to ensure that"
            " it's appropriate to post and to check the content's facts, tone, spelling and"
            " grammar."
        ),
        check=_check_peer_review,
    ),
    Rule(
        id="SMP-OIA",
        title="Someone answers requests for information",
        heading="Request for information",
        clause=(
            "Any request for information made to MEC via our social media presence should be"
            " responded to promptly and in accordance with the Official Information Act."
        ),
        check=_check_oia,
    ),
    Rule(
        id="SMP-NEUTRAL",
        title="Neutral, lawful use is confirmed",
        heading="'Likes', 'reactions', 'follows' and sharing; Posting",
        # Two clauses from two headings, one per line, in heading order.
        clause=(
            "Likes, reactions, follows and sharing of other's social media sites and posts from"
            " a MEC profile should be made with care and remain politically and commercially"
            " neutral.\nPosts must not breach privacy, copyright or any other laws."
        ),
        check=_check_neutral,
    ),
)

RULES_BY_ID: Mapping[str, Rule] = MappingProxyType({rule.id: rule for rule in RULES})

SUBMISSION_RULES: tuple[Rule, ...] = tuple(rule for rule in RULES if rule.id != "SMP-APPROVALS")

_TABLE_ORDER = {rule.id: index for index, rule in enumerate(RULES)}


def check(
    content: ProposalContent, agency: Agency, rules: Iterable[Rule] = SUBMISSION_RULES
) -> list[RuleResult]:
    """One result per rule, in the order of the rule table."""
    ordered = sorted(rules, key=lambda rule: _TABLE_ORDER.get(rule.id, len(_TABLE_ORDER)))
    return [RuleResult(rule, tuple(rule.check(content, agency))) for rule in ordered]


def failing(results: Iterable[RuleResult]) -> list[RuleResult]:
    return [result for result in results if not result.passed]
