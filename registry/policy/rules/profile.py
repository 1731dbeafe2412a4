"""SMP-SUPPORTED-BY: the profile statement says the agency supports the channel."""

from __future__ import annotations

from registry.policy.content import Agency, ProposalContent
from registry.policy.rules.base import Finding, names_in, visible_length

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


def check_supported_by(content: ProposalContent, agency: Agency) -> list[Finding]:
    statement = content.profile_statement
    sentence = supported_by_sentence(agency)
    if visible_length(statement) == 0:
        return [
            Finding(
                "Write a profile statement that says the channel is supported by the agency,"
                f" for example: “{sentence}”",
                "profile_statement",
            )
        ]
    if names_in(statement, agency.name) or names_in(statement, agency.te_reo_name):
        return []
    names = " or ".join(f"“{n.strip()}”" for n in (agency.name, agency.te_reo_name) if n.strip())
    return [
        Finding(
            f"Your profile statement does not name {names}. Add the sentence “{sentence}”",
            "profile_statement",
        )
    ]
