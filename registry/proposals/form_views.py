"""The proposal form, one section's page at a time: a new proposal starts with "About the
channel"; each save merges only that section's fields into the draft, so nothing typed on
another section is lost. A post that arrives after the session ended is kept meanwhile."""

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
from registry.errors import ConflictError, NotFoundError
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
from registry.proposals.task_list import BY_SLUG, FIRST, Section, merged
from registry.proposals.views import blueprint
from registry.proposals.workflow import Action, allowed
from registry.signals import proposal_editing, values_from

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


def _prepare(
    form: ProposalForm, actor: User, proposal: Proposal | None, section: Section, extra_rows: int
) -> None:
    """The choices of the section's lists (only its own: the page shows no others)."""
    wanted = set(section.fields)
    if "business_unit" in wanted:
        allowed_units = access.proposable_unit_ids(actor)
        units_query = select(BusinessUnit).order_by(BusinessUnit.name)
        if allowed_units is not None:
            units_query = units_query.where(BusinessUnit.id.in_(allowed_units))
        form.business_unit.choices = choices(
            [("", _("Choose a business unit"))]
            + [(u.id, u.name) for u in db.session.scalars(units_query)]
        )
    # The people questions offer no list of everyone: a picker searches (people_picker).
    if "related_channels" in wanted:
        form.related_channels.choices = choices(
            (p.id, f"{p.title} ({p.reference})")
            for p in policy_view.registered_channels()
            if proposal is None or p.id != proposal.id
        )
    if "monitoring_windows" in wanted:
        blanks = sum(1 for entry in form.monitoring_windows.entries if entry.form.is_blank)
        for _row in range(max(0, extra_rows - blanks)):
            form.monitoring_windows.append_entry()


def approvals_at_stake(proposal: Proposal | None) -> list[tuple[str, str]]:
    """(name, capacity) of each sign-off a saved change to ``proposal`` would void."""
    if proposal is None:
        return []
    return [pair for found in values_from(proposal_editing, proposal) for pair in found]


def _render_form(
    form: ProposalForm,
    proposal: Proposal | None,
    section: Section,
    status: int = 200,
    **extra: Any,
):
    return (
        render_template(
            "proposals/section.html",
            form=form,
            proposal=proposal,
            section=section,
            at_stake=approvals_at_stake(proposal),
            **extra,
        ),
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
_ALWAYS_READ = frozenset({"csrf_token", "version", "action"})


def _section_only(formdata: MultiDict, section: Section) -> MultiDict:
    """The posted fields of ``section`` alone (a page posts no others; anything else is left
    out, so it can neither blank nor change another section). Window fields whose row number
    is not plain digits are dropped too: WTForms would crash on "²"."""
    kept = MultiDict()
    for key, value in formdata.items(multi=True):
        match = _WINDOW_KEY.match(key)
        if match:
            if "monitoring_windows" not in section.fields or not (
                match["index"].isascii() and match["index"].isdigit() and len(match["index"]) < 4
            ):
                continue
        elif (
            key not in section.fields
            and key not in _ALWAYS_READ
            # A people question's search box ("spokespeople-search") belongs with it.
            and key.removesuffix("-search") not in section.fields
        ):
            continue
        kept.add(key, value)
    return kept


def _form_from_request(proposal: Proposal | None, section: Section) -> ProposalForm:
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
        return ProposalForm(formdata=_section_only(MultiDict(restored), section))
    if request.method == "POST":
        return ProposalForm(formdata=_section_only(request.form, section))
    if proposal is None:
        content = services.empty_content(current_actor().business_unit_id)
        return ProposalForm(data=form_data_from_content(content, None))
    data = form_data_from_content(proposal.current_revision.content, proposal.version)
    data["related_channels"] = policy_view.current_related_ids(data["related_channels"])
    return ProposalForm(data=data)


def _saved_content(proposal: Proposal | None) -> dict[str, Any]:
    if proposal is None:
        return services.empty_content(current_actor().business_unit_id)
    return proposal.current_revision.content


def _refuse_closed(form: ProposalForm, proposal: Proposal, section: Section):
    """An edit that arrived after the proposal was approved, declined or withdrawn: the form
    again as typed, beside the saved version, without its buttons (409); nothing is lost."""
    saved = proposal.current_revision.content
    typed = merged(saved, content_from_form(form), section) if form.validate() else None
    return _render_form(
        form,
        proposal,
        section,
        409,
        stale=presenters.closed_to_edits(proposal),
        differences=presenters.differences(typed, saved) if typed else [],
        closed=True,
    )


def _edit(proposal: Proposal | None, section: Section):
    actor = current_actor()
    form = _form_from_request(proposal, section)
    action = request.form.get("action", "save") if request.method == "POST" else None
    _prepare(form, actor, proposal, section, WINDOW_ROWS_BLANK if action != "add_window" else 0)
    has_windows = "monitoring_windows" in section.fields

    if action and action.startswith(FIND_PEOPLE):
        # "Find people" without JavaScript: the section again as typed, with who matches.
        picker = form._fields.get(action.removeprefix(FIND_PEOPLE))
        if picker is not None and picker.name in PEOPLE_FIELDS and picker.name in section.fields:
            picker.find()
        return _render_form(form, proposal, section)
    if action == "add_window" and has_windows:
        form.monitoring_windows.append_entry()
        # The page comes back focused on the new row, saying which row it is.
        return _render_form(
            form, proposal, section, added_window=len(form.monitoring_windows.entries)
        )
    if action == "insert_hours" and has_windows:
        form.validate()
        if _insert_statement(form):
            flash(
                _(
                    "Inserted the monitoring hours statement into the terms of use. "
                    "Save to keep it."
                ),
                "success",
            )
        return _render_form(form, proposal, section)
    if action not in ("save", "draft") or not form.validate():
        return _render_form(form, proposal, section)

    content = merged(_saved_content(proposal), content_from_form(form), section)
    expected = parse_id(form.version.data)
    with redisplay_on_refusal() as refusal:
        if proposal is None:
            proposal = services.create_proposal(actor, content)
        else:
            result = services.save_proposal(proposal.id, actor, content, expected)
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
        # What this page typed, over what is saved now: the comparison is about this section.
        mine = merged(stale.saved_content, content_from_form(form), section)
        return _render_form(
            form,
            stale.proposal,
            section,
            409,
            stale=stale,
            differences=presenters.differences(mine, stale.saved_content),
        )
    closed = proposal is not None and not allowed(proposal.state_enum, Action.SAVE)
    if refusal.status == 409 and closed:
        return _refuse_closed(form, proposal, section)
    if refusal.status in (403, 409):
        raise refusal.error  # not the form's to show: the app's one error page says why
    if refusal:
        show_error(form, refusal.error)
        return _render_form(form, proposal, section, refusal.status)
    flash(_("Draft saved."), "success")
    if action == "draft":  # "Save draft": this section again, to go on with it
        return redirect(url_for("proposals.section", proposal_id=proposal.id, section=section.slug))
    return redirect(url_for("proposals.edit", proposal_id=proposal.id))


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
    return _edit(None, FIRST)


def _closed(proposal: Proposal) -> ConflictError:
    return ConflictError(
        _(
            "%(title)s is %(state)s and can no longer be edited.",
            title=proposal.title,
            state=proposal.state_enum.label.lower(),
        )
    )


def editable(proposal_id: int) -> Proposal:
    """The proposer's own proposal, still open to edits (409 saying why not)."""
    proposal = access.load_proposal(proposal_id, current_actor(), to_edit=True)
    if not allowed(proposal.state_enum, Action.SAVE):
        raise _closed(proposal)
    return proposal


@blueprint.route("/<int:proposal_id>/edit/<section>", methods=["GET", "POST"])
@keeps_post_when_signed_out
def section(proposal_id: int, section: str):
    part = BY_SLUG.get(section)
    if part is None:
        raise NotFoundError(_("There is no such section of the proposal form."))
    proposal = access.load_proposal(proposal_id, current_actor(), to_edit=True)
    if not allowed(proposal.state_enum, Action.SAVE):
        if request.method == "GET":
            raise _closed(proposal)
        # Typed before it closed: shown again beside the saved version, not lost.
        form = _form_from_request(proposal, part)
        _prepare(form, current_actor(), proposal, part, 0)
        return _refuse_closed(form, proposal, part)
    return _edit(proposal, part)
