"""The sign-off queue and the decision page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from registry.auth import oidc
from registry.auth.models import Office
from registry.auth.permissions import current_actor
from registry.forms import choices, form_has_errors, parse_id, redisplay_on_refusal
from registry.proposals import access as proposal_access
from registry.proposals import policy_view as proposal_policy
from registry.proposals import presenters
from registry.proposals.models import Proposal
from registry.proposals.views import proposal_page
from registry.signoffs import acting, changes_since, services, waiting
from registry.signoffs.forms import DecisionForm, ReplyForm
from registry.signoffs.models import SIGNING_OFFICES, Decision
from registry.signoffs.replies import (
    check_can_reply,
    replies_by_request,
    reply_to_change_request,
)

blueprint = Blueprint("signoffs", __name__)

BUTTONS = {
    "approve": Decision.APPROVE,
    "request-changes": Decision.REQUEST_CHANGES,
    "decline": Decision.DECLINE,
}


@blueprint.route("/signoffs/")
@login_required
def queue():
    actor = current_actor()
    office_holders = acting.OfficeHolders()
    rows = [
        (
            proposal,
            waiting.describe_wait(proposal.submitted_at),
            approvals,
            acting.others_who_can_sign(
                actor.id,
                proposal,
                [o for o in SIGNING_OFFICES if o not in {s.office_enum for s in approvals}],
                {s.signer_id for s in approvals} | {proposal.proposer_id},
                office_holders,
            ),
        )
        for proposal, approvals in waiting.awaiting_for(actor)
    ]
    return render_template("signoffs/queue.html", rows=rows)


def _page(proposal: Proposal, form: DecisionForm, status: int = 200, refused: bool = False):
    actor = current_actor()
    revision = proposal.current_revision
    content = revision.content
    history = services.history(proposal)
    approvals = services.live_among(proposal, history)
    where = services.position(actor, proposal, approvals)
    form.capacity.choices = choices((c.office.value, c.label) for c in where.approve_as)
    # After a refusal the page shows the current revision, so deciding again binds to it.
    if request.method == "GET" or refused or not form.revision_number.data:
        form.revision_number.data = str(revision.number)
        form.content_sha256.data = revision.content_sha256
    return (
        render_template(
            "signoffs/decide.html",
            proposal=proposal,
            form=form,
            position=where,
            approvals=approvals,
            history=history,
            replies=replies_by_request(proposal),
            sections=presenters.sections(content),
            report=proposal_policy.policy_report(
                content, proposal.proposer, services.signoff_facts(approvals)
            ),
            offices=[(o, services.office_title(o, proposal)) for o in services.SIGNING_OFFICES],
            refused=refused,
            acting=acting.acting_notes(proposal),
            changes=changes_since.changes_for(actor, proposal, history),
        ),
        status,
    )


@blueprint.route("/proposals/<int:proposal_id>/signoff", methods=["GET", "POST"])
@login_required
def decide(proposal_id: int):
    proposal = proposal_access.load_proposal(proposal_id, current_actor())
    form = DecisionForm()
    if request.method == "GET":
        return _page(proposal, form)

    decision = BUTTONS.get(request.form.get("decision", ""))
    if decision is None or not form.validate():
        if decision is None:
            form.form_errors.append(_("Choose Approve, Request changes or Decline."))
        return _page(proposal, form)
    revision_raw = form.revision_number.data or ""
    office_raw = form.capacity.data or ""
    office = Office(office_raw) if office_raw in {o.value for o in Office} else None
    with redisplay_on_refusal(form) as refusal:
        oidc.require_second_factor_to_sign_off()
        signoff = services.decide(
            proposal.id,
            current_actor(),
            decision,
            office,
            form.comment.data or "",
            parse_id(revision_raw),
            form.content_sha256.data,
        )
    if refusal:
        # The decision page again, with the reason and the comment as typed (never lost); a
        # forbidden or stale decision shows the current revision to decide on instead.
        return _page(proposal, form, refusal.status, refused=refusal.status in (403, 409))
    title = proposal.title
    if decision is Decision.APPROVE:
        message = _(
            "You signed off %(title)s as %(capacity)s.", title=title, capacity=signoff.capacity
        )
    elif decision is Decision.REQUEST_CHANGES:
        message = _("You asked for changes to %(title)s; the proposer has been told.", title=title)
    else:
        message = _("You declined %(title)s; the proposer has been told.", title=title)
    flash(message, "success")
    return redirect(url_for("signoffs.decide", proposal_id=proposal.id))


@blueprint.route("/proposals/<int:proposal_id>/reply", methods=["POST"])
@login_required
def reply(proposal_id: int):
    proposal = proposal_access.load_proposal(proposal_id, current_actor())
    form = ReplyForm()
    # Who may reply, and whether there is anything to reply to, is said before what was typed.
    with redisplay_on_refusal(form) as refusal:
        check_can_reply(current_actor(), proposal)
        if form.validate():
            reply_to_change_request(proposal.id, current_actor(), form.body.data or "")
    if refusal or form_has_errors(form):
        # The proposal page again, with the reply as typed and why it was not recorded.
        return proposal_page(proposal, form, refusal.status)
    flash(
        _("Your reply is recorded; the signatories will see it. You can submit again."), "success"
    )
    return redirect(url_for("proposals.show", proposal_id=proposal.id))
