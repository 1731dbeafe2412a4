"""A proposal's task list (its sections and how far each has got), the check-your-answers page
and submitting from it: the only door to sign-off for a proposer."""

from __future__ import annotations

from typing import Any

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from registry.auth.permissions import current_actor
from registry.errors import ConflictError
from registry.forms import parse_id, redisplay_on_refusal
from registry.policy.rules import RuleResult
from registry.proposals import access, policy_view, presenters, services, task_list
from registry.proposals.form_views import approvals_at_stake, editable
from registry.proposals.models import Proposal, ProposalState
from registry.proposals.presenters import FORM_FIELD
from registry.proposals.views import blueprint, stale_message
from registry.proposals.workflow import Action, allowed, next_state


@blueprint.route("/<int:proposal_id>/edit")
@login_required
def edit(proposal_id: int):
    proposal = editable(proposal_id)
    content = proposal.current_revision.content
    sections = task_list.statuses(content, policy_view.policy_report(content, proposal.proposer))
    return render_template(
        "proposals/tasks.html",
        proposal=proposal,
        sections=sections,
        done=sum(1 for _s, status in sections if status is task_list.Status.COMPLETE),
        at_stake=approvals_at_stake(proposal),
        can_submit=allowed(proposal.state_enum, Action.SUBMIT),
    )


def _outstanding(report: list[RuleResult], proposal: Proposal) -> list[tuple[str | None, str]]:
    """(where to fix it, what to fix) for every finding, in the rule table's order; a finding
    on a section's field links to that field on the section's page."""
    items = []
    for result in report:
        for finding in result.findings:
            section = task_list.section_of(finding.field)
            href = (
                url_for(
                    "proposals.section",
                    proposal_id=proposal.id,
                    section=section.slug,
                    _anchor=finding.field,
                )
                if section
                else None
            )
            items.append((href, f"{result.rule.id}: {_(finding.template, **finding.values)}"))
    return items


def check_answers_page(proposal: Proposal, refused: str = ""):  # noqa: ANN201
    """Every answer with a link to change it, what the policy still needs, and the button
    that submits; ``refused``: why, when shown again after a submit the policy refused."""
    content = proposal.current_revision.content
    report = policy_view.policy_report(content, proposal.proposer)
    answers: list[tuple[Any, ...]] = []
    shown = presenters.sections(content)
    for section, (title, rows) in zip(task_list.SECTIONS, shown, strict=True):
        answers.append(
            (
                section,
                title,
                [(key, label, value, FORM_FIELD.get(key, key)) for key, label, value in rows],
            )
        )
    return render_template(
        "proposals/check_answers.html",
        proposal=proposal,
        answers=answers,
        outstanding=_outstanding(report, proposal),
        refused=refused,
    )


@blueprint.route("/<int:proposal_id>/check-answers")
@login_required
def check_answers(proposal_id: int):
    proposal = access.load_proposal(proposal_id, current_actor(), to_edit=True)
    next_state(proposal.state_enum, Action.SUBMIT)  # 409 saying why it cannot be submitted
    return check_answers_page(proposal)


@blueprint.route("/<int:proposal_id>/submit", methods=["POST"])
@login_required
def submit(proposal_id: int):
    proposal = access.load_proposal(proposal_id, current_actor())
    expected = parse_id(request.form.get("version", ""))
    with redisplay_on_refusal() as refusal:
        services.submit_proposal(proposal.id, current_actor(), expected)
    if isinstance(refusal.error, services.SubmitRefused):
        flash(refusal.message, "error")
        return redirect(url_for("proposals.show", proposal_id=proposal_id, _anchor="reply"))
    if isinstance(refusal.error, services.PolicyNotMet):
        # The answers again, with what stops it at the top, each linked to where to fix it.
        return check_answers_page(proposal, refused=refusal.message)
    if refusal.status == 409 and proposal.state_enum is ProposalState.AWAITING_SIGNOFF:
        # Pressed twice, or in a second tab: what was asked for is done; say so.
        flash(_("%(title)s is already awaiting sign-off.", title=proposal.title), "info")
        return redirect(url_for("proposals.show", proposal_id=proposal_id))
    if isinstance(refusal.error, services.StaleEditError):
        raise ConflictError(stale_message(refusal.error, "submitted"))
    if refusal:
        raise refusal.error  # forbidden or a state conflict: the app's one error page
    flash(_("Submitted for sign-off. The signatories have been told."), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal_id))
