"""Proposal pages: thin — load, check access, call one service, redirect or render.

The proposal form's section pages live in ``form_views``, its task list, check-your-answers
page and submitting in ``task_views``; their routes join this blueprint.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from registry.auth.models import Office
from registry.auth.offices import offices_held
from registry.auth.permissions import current_actor
from registry.forms import parse_id, redisplay_on_refusal
from registry.policy.text import TextKind, clean_text
from registry.proposals import access, policy_view, presenters, progress, services
from registry.proposals.models import Proposal
from registry.proposals.workflow import Action, allowed
from registry.signals import proposal_page as proposal_page_shown
from registry.signals import proposals_listed, values_from

blueprint = Blueprint("proposals", __name__, url_prefix="/proposals")


@blueprint.route("/")
@login_required
def mine():
    proposals = access.proposals_of(current_actor())
    # The charters belong to a package above: it says which of these have theirs.
    shown: dict[str, Any] = {}
    for part in values_from(proposals_listed, proposals):
        shown.update(part)
    rows = progress.progress_of(proposals, shown.get("charters", {}))
    return render_template("proposals/mine.html", rows=rows)


@blueprint.route("/<int:proposal_id>")
@login_required
def show(proposal_id: int):
    return proposal_page(access.load_proposal(proposal_id, current_actor()))


def proposal_page(  # noqa: ANN201
    proposal: Proposal,
    reply_form: Any = None,
    status: int = 200,
    withdraw_refused: tuple[str, str] | None = None,
):
    """The proposal's page (also shown again by the reply and withdraw forms, with errors)."""
    actor = current_actor()
    content = proposal.current_revision.content
    # The sign-offs and the charter belong to the packages above: they contribute their part.
    shown: dict[str, Any] = {}
    for part in values_from(proposal_page_shown, proposal, actor=actor, reply_form=reply_form):
        shown.update(part)
    facts = shown.pop("signoff_facts", None)
    return render_template(
        "proposals/show.html",
        withdraw_refused=withdraw_refused,
        proposal=proposal,
        sections=presenters.sections(content),
        report=policy_view.policy_report(content, proposal.proposer, facts),
        is_comms=Office.COMMUNICATIONS_TEAM in {a.office_enum for a in offices_held(actor)},
        can_edit=access.can_edit(actor, proposal) and allowed(proposal.state_enum, Action.SAVE),
        can_submit=access.can_edit(actor, proposal) and allowed(proposal.state_enum, Action.SUBMIT),
        can_withdraw=access.can_edit(actor, proposal)
        and allowed(proposal.state_enum, Action.WITHDRAW),
        **shown,
    ), status


def _expected_version() -> int | None:
    raw = request.form.get("version", "")
    return parse_id(raw)


def stale_message(stale: services.StaleEditError, doing: str) -> str:
    """What a refused stale edit says: what happened and what to do (nothing was changed)."""
    missing = isinstance(stale, services.VersionMissing)
    if doing == "submitted":
        if missing:
            return _(
                "The request did not say which version of the proposal it was made from, so "
                "nothing was submitted. Reload the proposal, check it, then try again."
            )
        return _(
            "%(title)s changed after you opened the page, so nothing was submitted. Reload the "
            "proposal, check it, then try again.",
            title=stale.proposal.title,
        )
    if missing:
        return _(
            "The request did not say which version of the proposal it was made from, so "
            "nothing was withdrawn. Reload the proposal, check it, then try again."
        )
    return _(
        "%(title)s changed after you opened the page, so nothing was withdrawn. Reload the "
        "proposal, check it, then try again.",
        title=stale.proposal.title,
    )


@blueprint.route("/<int:proposal_id>/withdraw", methods=["POST"])
@login_required
def withdraw(proposal_id: int):
    proposal = access.load_proposal(proposal_id, current_actor())
    # Typed in a box but not read through a form: cleaned as a form would clean it.
    reason = clean_text(request.form.get("reason", ""), TextKind.PROSE)
    with redisplay_on_refusal() as refusal:
        services.withdraw_proposal(proposal.id, current_actor(), _expected_version(), reason)
    if refusal:
        # The proposal page again, saying why, with the reason as typed (never lost).
        message = (
            stale_message(refusal.error, "withdrawn")
            if isinstance(refusal.error, services.StaleEditError)
            else refusal.message
        )
        return proposal_page(proposal, status=refusal.status, withdraw_refused=(message, reason))
    flash(
        _("%(title)s was withdrawn. Its record stays in the registry.", title=proposal.title),
        "success",
    )
    return redirect(url_for("proposals.show", proposal_id=proposal_id))


# The proposal form's routes, its task list and submitting join this blueprint (Flask's
# "larger applications" pattern).
from registry.proposals import form_views, task_views  # noqa: E402, F401
