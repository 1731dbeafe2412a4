"""SMP-APPROVALS: three distinct people in the three offices, none of them the proposer."""

from __future__ import annotations

import dataclasses

from registry.policy.content import Agency, ProposalContent
from registry.policy.messages import N_
from registry.policy.rules.base import Finding, shown

_OFFICES = {
    "manager-communications": N_("The Manager Communications has not signed off yet."),
    "dce": N_("The business unit DCE has not signed off yet."),
    "chief-executive": N_("The Chief Executive has not signed off yet."),
}
# One person in more than one office, by the offices they signed in (in _OFFICES order).
_TWO_SIGNOFFS = {
    ("manager-communications", "dce"): N_(
        "One person (%(name)s) cannot give two of the three sign-offs. They signed as Manager"
        " Communications and DCE; someone else must give the missing sign-off."
    ),
    ("manager-communications", "chief-executive"): N_(
        "One person (%(name)s) cannot give two of the three sign-offs. They signed as Manager"
        " Communications and Chief Executive; someone else must give the missing sign-off."
    ),
    ("dce", "chief-executive"): N_(
        "One person (%(name)s) cannot give two of the three sign-offs. They signed as DCE and"
        " Chief Executive; someone else must give the missing sign-off."
    ),
    ("manager-communications", "dce", "chief-executive"): N_(
        "One person (%(name)s) cannot give two of the three sign-offs. They signed as Manager"
        " Communications and DCE and Chief Executive; someone else must give the missing"
        " sign-off."
    ),
}


def check_approvals(content: ProposalContent, agency: Agency) -> list[Finding]:
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
            Finding.of(
                N_(
                    "The proposer cannot sign off their own proposal. Their sign-off does not"
                    " count: someone else in that office must sign off."
                ),
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
            findings.append(
                Finding.of(_TWO_SIGNOFFS[tuple(offices)], "signoffs", name=shown(names[signer]))
            )
    if "dce" not in filled and wrong_unit:
        findings.append(
            Finding.of(
                N_(
                    "%(names)s signed off as DCE of a different business unit. The DCE of this"
                    " proposal's business unit must sign off."
                ),
                "signoffs",
                names=", ".join(shown(n) for n in wrong_unit),
            )
        )
    for office, not_yet in _OFFICES.items():
        if office not in filled:
            findings.append(dataclasses.replace(Finding.of(not_yet, "signoffs"), waiting=True))
    return findings
