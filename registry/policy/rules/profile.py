"""SMP-SUPPORTED-BY: the profile statement says the agency supports the channel."""

from __future__ import annotations

from registry.policy.content import Agency, ProposalContent
from registry.policy.messages import N_
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
    # The suggested sentence is a value: the words to put on the channel, not the page's own.
    if visible_length(statement) == 0:
        return [
            Finding.of(
                N_(
                    "Write a profile statement that says the channel is supported by the agency,"
                    " for example: “%(sentence)s”"
                ),
                "profile_statement",
                sentence=sentence,
            )
        ]
    if names_in(statement, agency.name) or names_in(statement, agency.te_reo_name):
        return []
    names = [n.strip() for n in (agency.name, agency.te_reo_name) if n.strip()]
    if len(names) == 2:
        template = N_(
            "Your profile statement does not name “%(name)s” or “%(other_name)s”. Add the"
            " sentence “%(sentence)s”"
        )
    elif names:
        template = N_(
            "Your profile statement does not name “%(name)s”. Add the sentence “%(sentence)s”"
        )
    else:
        # Only with no agency name configured (the English was "does not name . Add ...").
        template = N_(
            "Your profile statement does not name the agency. Add the sentence “%(sentence)s”"
        )
    return [
        Finding.of(
            template,
            "profile_statement",
            name=names[0] if names else "",
            other_name=names[-1] if names else "",
            sentence=sentence,
        )
    ]
