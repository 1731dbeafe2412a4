"""The proposal form: a new proposal and edits to one, kept when a session ends meanwhile."""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import wraps
from typing import Any

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from sqlalchemy import select
from werkzeug.datastructures import MultiDict

from registry.auth.models import BusinessUnit, User
from registry.auth.permissions import current_actor
from registry.auth.views import expired_session_user_id
from registry.errors import ConflictError, RegistryError
from registry.extensions import csrf, db
from registry.forms import choices, parse_id, redisplay_on_refusal, show_error
from registry.policy.content import MonitoringWindow
from registry.policy.hours import monitoring_statement
from registry.proposals import access, policy_view, presenters, services
from registry.proposals.forms import (
    PEOPLE_FIELDS,
    WINDOW_ROWS_BLANK,
    ProposalForm,
    content_from_form,
    form_data_from_content,
)
from registry.proposals.models import Proposal
from registry.proposals.stash import stash_form, take_stash
from registry.proposals.views import blueprint
from registry.proposals.workflow import Action, allowed

STATEMENT_START = "We monitor this page"
FIND_PEOPLE = "find:"  # the "Find people" button of each people question: "find:liaison"


def keeps_post_when_signed_out(view: Callable) -> Callable:
    """Like login_required, but a POST from an expired session is kept, not lost.

    The session cookie still names the person after the server ended their session: the form
    body is stashed for them alone and handed back after they sign in. A visitor whose cookie
    names no one gets the sign-in page and nothing is stored. CSRF is checked here because
    the view is exempt from the global check, which would refuse the expired session's post.
    """

    @wraps(view)
    def wrapped(*args: Any, **kwargs: Any) -> Any:
        checks_csrf = request.method == "POST" and current_app.config["WTF_CSRF_ENABLED"]
        if not current_user.is_authenticated:
            target = request.path
            owner = expired_session_user_id() if request.method == "POST" else None
            if owner is None:
                flash(_("Sign in to continue."), "info")
                return redirect(url_for("auth.sign_in", next=target))
            if checks_csrf:
                csrf.protect()  # the session still holds its token: a forged post keeps nothing
            token = stash_form(request, owner)
            if token:
                target = f"{request.path}?restore={token}"
                flash(
                    _("Your session has ended. Sign in to continue — what you typed is kept."),
                    "info",
                )
            else:
                flash(
                    _(
                        "Your session has ended and what you typed was too large to keep. Sign in "
                        "to continue."
                    ),
                    "warning",
                )
            return redirect(url_for("auth.sign_in", next=target))
        if checks_csrf:
            csrf.protect()
        return view(*args, **kwargs)

    return csrf.exempt(wrapped)


def _prepare(form: ProposalForm, actor: User, proposal: Proposal | None, extra_rows: int) -> None:
    allowed_units = access.proposable_unit_ids(actor)
    units_query = select(BusinessUnit).order_by(BusinessUnit.name)
    if allowed_units is not None:
        units_query = units_query.where(BusinessUnit.id.in_(allowed_units))
    form.business_unit.choices = choices(
        [("", _("Choose a business unit"))]
        + [(u.id, u.name) for u in db.session.scalars(units_query)]
    )
    form.related_channels.choices = choices(
        (p.id, f"{p.title} ({p.reference})")
        for p in policy_view.registered_channels()
        if proposal is None or p.id != proposal.id
    )
    blanks = sum(1 for entry in form.monitoring_windows.entries if entry.form.is_blank)
    for _row in range(max(0, extra_rows - blanks)):
        form.monitoring_windows.append_entry()


def _render_form(form: ProposalForm, proposal: Proposal | None, status: int = 200, **extra: Any):
    return (
        render_template("proposals/form.html", form=form, proposal=proposal, **extra),
        status,
    )


def _insert_statement(form: ProposalForm) -> bool:
    windows = []
    for entry in form.monitoring_windows.entries:
        sub = entry.form
        if not sub.is_blank and sub.weekday.data is not None and sub.starts.data and sub.ends.data:
            windows.append(MonitoringWindow(sub.weekday.data, sub.starts.data, sub.ends.data))
    statement = monitoring_statement(windows)
    if not statement:
        form.monitoring_windows.errors = [
            _("Add at least one monitoring window (day, from, to) before inserting the statement.")
        ]
        return False
    paragraphs = [p for p in (form.terms_of_use.data or "").split("\n\n") if p.strip()]
    # Replace a statement inserted earlier rather than adding a second, contradicting one.
    paragraphs = [p for p in paragraphs if not p.strip().startswith(STATEMENT_START)]
    paragraphs.append(statement)
    form.terms_of_use.data = "\n\n".join(paragraphs)
    return True


_WINDOW_KEY = re.compile(r"monitoring_windows-(?P<index>[^-]*)-")


def _window_rows_only_numbered(formdata: MultiDict) -> MultiDict:
    """Drop window fields whose row number is not plain digits (WTForms would crash on "²")."""
    kept = MultiDict()
    for key, value in formdata.items(multi=True):
        match = _WINDOW_KEY.match(key)
        if match and not (
            match["index"].isascii() and match["index"].isdigit() and len(match["index"]) < 4
        ):
            continue
        kept.add(key, value)
    return kept


def _form_from_request(proposal: Proposal | None) -> ProposalForm:
    # Someone else's unsaved work is a 404 (StashNotYours): never shown, never pre-filled.
    restored = take_stash(request.args.get("restore", ""), request.path, current_actor().id)
    if request.method == "GET" and restored is not None:
        flash(
            _(
                "You were signed out before your changes were saved. We kept what you typed: "
                "check it, then save."
            ),
            "warning",
        )
        return ProposalForm(formdata=_window_rows_only_numbered(MultiDict(restored)))
    if request.method == "POST":
        return ProposalForm(formdata=_window_rows_only_numbered(request.form))
    if proposal is None:
        content = services.empty_content(current_actor().business_unit_id)
        return ProposalForm(data=form_data_from_content(content, None))
    data = form_data_from_content(proposal.current_revision.content, proposal.version)
    data["related_channels"] = policy_view.current_related_ids(data["related_channels"])
    return ProposalForm(data=data)


def _refuse_closed(form: ProposalForm, proposal: Proposal):
    """An edit that arrived after the proposal was approved, declined or withdrawn: the form
    again as typed, beside the saved version, without its buttons (409); nothing is lost."""
    typed = content_from_form(form) if form.validate() else None
    saved = proposal.current_revision.content
    return _render_form(
        form,
        proposal,
        409,
        stale=presenters.closed_to_edits(proposal),
        differences=presenters.differences(typed, saved) if typed else [],
        closed=True,
    )


def _edit(proposal: Proposal | None):
    actor = current_actor()
    form = _form_from_request(proposal)
    action = request.form.get("action", "save") if request.method == "POST" else ""
    _prepare(form, actor, proposal, WINDOW_ROWS_BLANK if action != "add_window" else 0)

    if action.startswith(FIND_PEOPLE):
        # "Find people" without JavaScript: the form again as typed, with who matches.
        picker = form._fields.get(action.removeprefix(FIND_PEOPLE))
        if picker is None or picker.name not in PEOPLE_FIELDS:
            return _render_form(form, proposal)
        picker.find()
        return _render_form(form, proposal)
    if action == "add_window":
        form.monitoring_windows.append_entry()
        # The page comes back focused on the new row, saying which row it is.
        return _render_form(form, proposal, added_window=len(form.monitoring_windows.entries))
    if action == "insert_hours":
        form.validate()
        if _insert_statement(form):
            flash(
                _(
                    "Inserted the monitoring hours statement into the terms of use. "
                    "Save to keep it."
                ),
                "success",
            )
        return _render_form(form, proposal)
    if action not in ("save", "check", "submit"):
        return _render_form(form, proposal)
    if not form.validate():
        return _render_form(form, proposal)

    content = content_from_form(form)
    expected = parse_id(form.version.data)
    # Shown on the form below only when it is about what was typed (the stale table and the
    # closed proposal render differently; 403 and 409 are the app's error page).
    unchanged = False  # the proposal already held exactly what was typed
    with redisplay_on_refusal() as refusal:
        if proposal is None:
            proposal = services.create_proposal(actor, content)
        else:
            result = services.save_proposal(proposal.id, actor, content, expected)
            unchanged = not result.new_revision
            if result.new_revision:
                flash(
                    _(
                        "Saved as revision %(number)d. "
                        "It needs to be submitted for sign-off again.",
                        number=result.proposal.current_revision.number,
                    ),
                    "info",
                )
    if isinstance(refusal.error, services.StaleEditError):
        stale = refusal.error
        form.version.data = str(stale.proposal.version)
        return _render_form(
            form,
            stale.proposal,
            409,
            stale=stale,
            differences=presenters.differences(content, stale.saved_content),
        )
    closed = proposal is not None and not allowed(proposal.state_enum, Action.SAVE)
    if refusal.status == 409 and closed:
        return _refuse_closed(form, proposal)
    if refusal.status in (403, 409):
        raise refusal.error  # not the form's to show: the app's one error page says why
    if refusal:
        show_error(form, refusal.error)
        return _render_form(form, proposal, refusal.status)

    if action == "submit":
        with redisplay_on_refusal() as submitted:
            services.submit_proposal(proposal.id, actor, proposal.version)
        if isinstance(submitted.error, services.SubmitRefused):
            flash(submitted.message, "error")
            return redirect(url_for("proposals.show", proposal_id=proposal.id, _anchor="reply"))
        if isinstance(submitted.error, services.PolicyNotMet):
            form.version.data = str(proposal.version)
            for result in submitted.error.results:
                for finding in result.findings:
                    # Translated as the page shows it; the finding's message stays English.
                    shown = _(finding.template) % finding.values
                    show_error(form, RegistryError(f"{result.rule.id}: {shown}", finding.field))
            return _render_form(
                form,
                proposal,
                intro=_("Your draft is saved, but it cannot be submitted until every rule passes:"),
            )
        if submitted.status == 409 and unchanged:
            # Nothing typed is lost (it is what the proposal holds): its page says where it is,
            # e.g. already awaiting sign-off, submitted a moment ago in another tab.
            flash(
                _(
                    "%(message)s What you typed is what it already holds.",
                    message=submitted.message,
                ),
                "info",
            )
            return redirect(url_for("proposals.show", proposal_id=proposal.id))
        if submitted:
            raise submitted.error
        flash(_("Submitted for sign-off. The signatories have been told."), "success")
        return redirect(url_for("proposals.show", proposal_id=proposal.id))
    if action == "check":
        return redirect(url_for("proposals.show", proposal_id=proposal.id, _anchor="policy-report"))
    flash(_("Draft saved."), "success")
    return redirect(url_for("proposals.show", proposal_id=proposal.id))


@blueprint.route("/new", methods=["GET", "POST"])
@keeps_post_when_signed_out
def new():
    if access.proposable_unit_ids(current_actor()) == []:
        flash(
            _(
                "You are not in a business unit yet, so you cannot propose a channel. "
                "Ask a registry administrator to add you to one."
            ),
            "error",
        )
        return redirect(url_for("dashboard.home"))
    return _edit(None)


@blueprint.route("/<int:proposal_id>/edit", methods=["GET", "POST"])
@keeps_post_when_signed_out
def edit(proposal_id: int):
    proposal = access.load_proposal(proposal_id, current_actor(), to_edit=True)
    if not allowed(proposal.state_enum, Action.SAVE):
        if request.method == "POST":
            form = _form_from_request(proposal)
            _prepare(form, current_actor(), proposal, 0)
            return _refuse_closed(form, proposal)
        raise ConflictError(
            _(
                "%(title)s is %(state)s and can no longer be edited.",
                title=proposal.title,
                state=proposal.state_enum.label.lower(),
            )
        )
    return _edit(proposal)
