"""The sign-off queue and the decision page."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from registry.auth.models import Office, User
from registry.errors import ConflictError, ForbiddenError, RegistryError
from registry.extensions import db
from registry.forms import choices, parse_id, refuse_on_form, show_error
from registry.proposals import access as proposal_access
from registry.proposals import policy_view as proposal_policy
from registry.proposals import presenters
from registry.proposals.models import Proposal
from registry.proposals.views import proposal_page
from registry.signoffs import services
from registry.signoffs.forms import DecisionForm, ReplyForm
from registry.signoffs.models import Decision
from registry.signoffs.replies import (
    open_change_request,
    replies_by_request,
    reply_to_change_request,
)

blueprint = Blueprint("signoffs", __name__)

BUTTONS = {
    "approve": Decision.APPROVE,
    "request-changes": Decision.REQUEST_CHANGES,
    "decline": Decision.DECLINE,
}


def _actor() -> User:
    return current_user._get_current_object()


@blueprint.route("/signoffs/")
@login_required
def queue():
    proposals = services.awaiting_for(_actor())
    rows = [
        (p, services.describe_wait(p.submitted_at), services.live_approvals(p)) for p in proposals
    ]
    return render_template("signoffs/queue.html", rows=rows)


def _page(proposal: Proposal, form: DecisionForm, status: int = 200, refused: bool = False):
    actor = _actor()
    revision = proposal.current_revision
    content = revision.content
    approvals = services.live_approvals(proposal)
    where = services.position(actor, proposal)
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
            history=services.history(proposal),
            replies=replies_by_request(proposal),
            sections=presenters.sections(content),
            report=proposal_policy.policy_report(
                content, proposal.proposer, services.signoff_facts(approvals)
            ),
            offices=[(o, services.office_title(o, proposal)) for o in services.SIGNING_OFFICES],
            refused=refused,
        ),
        status,
    )


@blueprint.route("/proposals/<int:proposal_id>/signoff", methods=["GET", "POST"])
@login_required
def decide(proposal_id: int):
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not proposal_access.can_view(_actor(), proposal):
        abort(404)
    form = DecisionForm()
    if request.method == "GET":
        return _page(proposal, form)

    decision = BUTTONS.get(request.form.get("decision", ""))
    if decision is None or not form.validate():
        if decision is None:
            form.form_errors.append("Choose Approve, Request changes or Decline.")
        return _page(proposal, form)
    revision_raw = form.revision_number.data or ""
    office_raw = form.capacity.data or ""
    office = Office(office_raw) if office_raw in {o.value for o in Office} else None
    try:
        signoff = services.decide(
            proposal.id,
            _actor(),
            decision,
            office,
            form.comment.data or "",
            parse_id(revision_raw),
            form.content_sha256.data,
        )
    except (ForbiddenError, ConflictError) as error:
        # The decision page again, with the reason and the comment as typed (never lost).
        status = refuse_on_form(form, error)
        return _page(proposal, form, status, refused=True)
    except RegistryError as error:
        db.session.rollback()
        show_error(form, error)
        return _page(proposal, form)
    messages = {
        Decision.APPROVE: f"You signed off {proposal.title} as {signoff.capacity}.",
        Decision.REQUEST_CHANGES: (
            f"You asked for changes to {proposal.title}; the proposer has been told."
        ),
        Decision.DECLINE: f"You declined {proposal.title}; the proposer has been told.",
    }
    flash(messages[decision], "success")
    return redirect(url_for("signoffs.decide", proposal_id=proposal.id))


@blueprint.route("/proposals/<int:proposal_id>/reply", methods=["POST"])
@login_required
def reply(proposal_id: int):
    proposal = db.session.get(Proposal, proposal_id)
    if proposal is None or not proposal_access.can_view(_actor(), proposal):
        abort(404)
    form = ReplyForm()
    refusal: RegistryError | None = None
    if not proposal_access.can_edit(_actor(), proposal):
        refusal = ForbiddenError("Only the proposer can reply to a change request.")
    elif open_change_request(proposal) is None:
        refusal = ConflictError(
            f"{proposal.title} has no open change request to reply to: it was "
            f"{proposal.state_enum.label.lower()} meanwhile. Your reply was not recorded."
        )
    if refusal is not None:
        return proposal_page(proposal, form, refuse_on_form(form, refusal))
    if not form.validate():
        return proposal_page(proposal, form)
    try:
        reply_to_change_request(proposal.id, _actor(), form.body.data or "")
    except (ForbiddenError, ConflictError) as error:
        # The proposal page again, with the reply as typed and why it was not recorded.
        return proposal_page(proposal, form, refuse_on_form(form, error))
    except RegistryError as error:
        db.session.rollback()
        show_error(form, error)
        return proposal_page(proposal, form)
    flash("Your reply is recorded; the signatories will see it. You can submit again.", "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id))
