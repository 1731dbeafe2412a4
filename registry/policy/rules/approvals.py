"""SMP-APPROVALS: three distinct people in the three offices, none of them the proposer."""

from __future__ import annotations

from registry.policy.content import Agency, ProposalContent
from registry.policy.rules.base import Finding, quoted

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
                    f"One person ({quoted(names[signer])[1:-1]}) cannot give two of the three"
                    f" sign-offs. They signed as {capacities}; someone else must give the"
                    " missing sign-off.",
                    "signoffs",
                )
            )
    if "dce" not in filled and wrong_unit:
        who = ", ".join(quoted(n)[1:-1] for n in wrong_unit)
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
