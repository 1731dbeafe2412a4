"""The proposal form as a task list: its five sections, the form fields on each section's page,
and each section's status, read off the policy report. Pure Python: no Flask, no database.

A section is *not started* while none of its fields holds anything; *needs attention* when the
policy finds fault with a field the proposer has filled in; *in progress* while a field it
asks for is still empty (whether or not a rule says so); otherwise *complete*. Findings on
the sign-offs (``signoffs``) belong to no section: the proposer cannot fix them here.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from registry.policy.messages import N_
from registry.policy.rules.base import RuleResult


class Status(enum.StrEnum):
    NOT_STARTED = "not-started"
    IN_PROGRESS = "in-progress"
    NEEDS_ATTENTION = "needs-attention"
    COMPLETE = "complete"

    @property
    def label(self) -> str:
        """Marked for the catalogue: a page shows ``gettext(status.label)``."""
        return {
            Status.NOT_STARTED: N_("Not started"),
            Status.IN_PROGRESS: N_("In progress"),
            Status.NEEDS_ATTENTION: N_("Needs attention"),
            Status.COMPLETE: N_("Complete"),
        }[self]


@dataclass(frozen=True)
class Section:
    slug: str  # in the section page's address
    title: str  # marked with N_: a page shows gettext(title)
    fields: tuple[str, ...]  # the form's fields on the section's page, in page order
    asks: tuple[str, ...]  # the fields to fill before it is complete; the rest are optional

    @property
    def content_keys(self) -> tuple[str, ...]:
        """The keys of stored content this section's page edits."""
        return tuple(dict.fromkeys(CONTENT_KEY.get(name, name) for name in self.fields))


# A form field stored under another name (other languages join the chosen ones).
CONTENT_KEY: Mapping[str, str] = {
    "business_unit": "business_unit_id",
    "other_languages": "languages",
    "related_channels": "related_channel_ids",
    "liaison": "liaison_id",
    "spokespeople": "spokespeople_ids",
    "peer_reviewers": "peer_reviewer_ids",
    "information_contact": "information_contact_id",
}

SECTIONS: tuple[Section, ...] = (
    Section(
        "about",
        N_("About the channel"),
        (
            "channel_name",
            "platform",
            "platform_other",
            "handle",
            "channel_url",
            "business_unit",
            "purpose",
            "audience",
            "languages",
            "other_languages",
        ),
        ("channel_name", "platform", "handle", "business_unit", "purpose", "audience"),
    ),
    Section(
        "terms",
        N_("Terms of use and monitoring"),
        ("monitoring_windows", "terms_of_use", "out_of_hours_message"),
        ("monitoring_windows", "terms_of_use"),
    ),
    Section(
        "profile",
        N_("Profile and links"),
        ("profile_statement", "profile_links", "related_channels", "no_related_reason"),
        ("profile_statement", "profile_links"),
    ),
    Section(
        "people",
        N_("People"),
        ("liaison", "spokespeople", "peer_reviewers", "information_contact"),
        ("liaison", "spokespeople", "peer_reviewers", "information_contact"),
    ),
    Section(
        "confirmation",
        N_("Confirmation"),
        ("neutrality_confirmed",),
        ("neutrality_confirmed",),
    ),
)
BY_SLUG: Mapping[str, Section] = {section.slug: section for section in SECTIONS}
FIRST = SECTIONS[0]


def section_of(field: str) -> Section | None:
    """The section whose page holds ``field`` (a form field, as a finding names it)."""
    return next((s for s in SECTIONS if field in s.fields), None)


def filled(content: Mapping[str, Any], field: str) -> bool:
    """Whether stored ``content`` holds anything for the form field ``field``."""
    value = content.get(CONTENT_KEY.get(field, field))
    if isinstance(value, str):
        return bool(value.strip())
    return value is not None and value is not False and value != [] and value != ()


def status(section: Section, content: Mapping[str, Any], report: Iterable[RuleResult]) -> Status:
    touched = {name for name in section.fields if filled(content, name)}
    if not touched:
        return Status.NOT_STARTED
    faults = {f.field for result in report for f in result.findings if f.field in section.fields}
    if faults & touched:
        return Status.NEEDS_ATTENTION
    if faults or any(name not in touched for name in section.asks):
        return Status.IN_PROGRESS
    return Status.COMPLETE


def statuses(
    content: Mapping[str, Any], report: Iterable[RuleResult]
) -> list[tuple[Section, Status]]:
    """Every section, in order, with its status."""
    results = list(report)
    return [(section, status(section, content, results)) for section in SECTIONS]


def merged(saved: Mapping[str, Any], typed: Mapping[str, Any], section: Section) -> dict[str, Any]:
    """``saved`` content with ``section``'s part as typed: saving one section's page leaves
    every other section as it was."""
    content = dict(saved)
    content.update({key: typed[key] for key in section.content_keys if key in typed})
    return content
