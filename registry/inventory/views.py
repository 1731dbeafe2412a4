"""Inventory pages: the list, a channel's page, and what the Communications team does to it."""

from __future__ import annotations

from datetime import datetime, timedelta
from urllib.parse import urlencode

from flask import (
    Blueprint,
    Response,
    flash,
    redirect,
    render_template,
    request,
    stream_with_context,
    url_for,
)
from flask_babel import gettext as _
from flask_login import login_required
from sqlalchemy import select

from registry.audit.log import record
from registry.auth.models import Office
from registry.auth.offices import agency_today
from registry.auth.permissions import current_actor, office_required
from registry.channels.models import Channel, ChannelState
from registry.database import begin_write
from registry.errors import ConflictError, RegistryError
from registry.extensions import db
from registry.forms import choices, redisplay_on_refusal, show_error
from registry.inventory import access, lifecycle, queries
from registry.inventory.checklist import ITEMS as CLOSING_ITEMS
from registry.inventory.checklist import progress_of
from registry.inventory.csv_columns import COLUMNS, template_csv
from registry.inventory.filters import checked_page, filter_problems, units_in_scope
from registry.inventory.forms import (
    DecommissionForm,
    FilterForm,
    GoLiveForm,
    ImportForm,
    ReviewForm,
    RiskAcceptanceForm,
)
from registry.inventory.queries import DUE_SOON_DAYS
from registry.policy.platforms import PLATFORMS
from registry.proposals.stash import stash
from registry.signals import channel_page as channel_page_shown
from registry.signals import values_from

blueprint = Blueprint("inventory", __name__)


@blueprint.route("/inventory/")
@login_required
def index():
    scope = access.inventory_scope(current_actor())
    units = units_in_scope(scope)
    filters, page, problems = checked_page(request.args, scope)
    form = FilterForm(formdata=None, data=filters.args() | {"no_charter": filters.no_charter})
    form.unit.choices = choices([("", _("All units"))] + [(u.id, u.name) for u in units])
    form.platform.choices = choices([("", _("All platforms")), *PLATFORMS.items()])
    form.state.choices = choices(
        [("", _("All states"))] + [(s.value, s.label) for s in ChannelState]
    )
    for problem in problems:
        show_error(form, RegistryError(problem.notice, problem.parameter))
    return render_template(
        "inventory/index.html",
        page=page,
        filters=filters,
        form=form,
        problems=problems,
        scoped=scope is not None,
        charters=_charter_numbers(page.channels),
        closing_progress=progress_of(c.id for c in page.channels if c.state == "closing"),
        closing_total=len(CLOSING_ITEMS),
        today=agency_today(),
        is_comms=access.is_comms(current_actor()),
    ), 400 if problems else 200


def _charter_numbers(channels: list[Channel]) -> dict[int, str]:
    from registry.charters.models import Charter

    ids = [c.proposal_id for c in channels if c.proposal_id]
    if not ids:
        return {}
    rows = db.session.execute(
        select(Charter.proposal_id, Charter.number).where(Charter.proposal_id.in_(ids))
    )
    return dict(rows.all())


@blueprint.route("/inventory/export.csv")
@login_required
def export():
    from registry.inventory.csv_export import export_csv

    scope = access.inventory_scope(current_actor())
    if filter_problems(request.args, scope, extra=("bom",)):
        # Nothing is exported for filters that cannot be applied: the page says what is wrong.
        kept = [(k, v) for k, v in request.args.items(multi=True) if k != "bom"]
        return redirect(f"{url_for('inventory.index')}?{urlencode(kept)}")
    filters = queries.InventoryFilters.from_args(request.args)
    bom = request.args.get("bom") in ("1", "yes", "on")
    begin_write()
    record(
        "inventory-exported",
        "inventory",
        "csv",
        actor=current_actor(),
        filters=filters.args(),
        bom=bom,
    )
    db.session.commit()

    def rows():  # noqa: ANN202
        # Queried as the response streams: the request's own session has closed by then.
        yield from export_csv(filters, scope, bom)

    stamp = datetime.now().strftime("%Y%m%d-%H%M")  # noqa: DTZ005 - a file name, not a record
    return Response(
        stream_with_context(rows()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="channels-{stamp}.csv"'},
    )


def _channel_page(  # noqa: ANN202
    channel: Channel,
    live_form: GoLiveForm,
    status: int = 200,
    risk_form: RiskAcceptanceForm | None = None,
    refused_live: bool = False,
):

    from registry.auth.offices import holds
    from registry.elections.services import ELECTION_GUIDANCE, current_election_period
    from registry.inventory import risk
    from registry.inventory.checklist import checklist_of

    safeguards = risk.safeguards_of(channel)
    today = agency_today()
    viewer = current_actor()
    # Information requests belong to the package above: it contributes its part of the page.
    shown: dict = {}
    for part in values_from(channel_page_shown, channel, actor=viewer, today=today):
        shown.update(part)
    from registry.inventory import attestations

    review_cycle, viewer_standing = [], None
    if channel.state_enum is ChannelState.ACTIVE and channel.review_due is not None:
        viewer_standing = attestations.standing(viewer, channel)
    # The cycle's attestations show once the review comes due (or someone has attested).
    if viewer_standing is not None and (
        viewer_standing.given or channel.review_due <= today + timedelta(days=DUE_SOON_DAYS)
    ):
        attested = {a.attester_id for a in viewer_standing.given.values()}
        review_cycle = [
            (
                role,
                viewer_standing.given.get(role),
                attestations.names(attestations.who_can(channel, role, attested)),
            )
            for role in (attestations.OWNER, attestations.LIAISON)
        ]
    return render_template(
        "inventory/channel.html",
        channel=channel,
        review_cycle=review_cycle,
        viewer_standing=viewer_standing,
        charter=queries.current_charter(channel),
        people=queries.channel_people(channel),
        reviews=queries.reviews_of(channel),
        events=queries.timeline(channel),
        is_comms=access.is_comms(viewer),
        may_log_requests=access.is_comms(viewer) or f",{viewer.id}," in (channel.people_ids or ""),
        live_form=live_form,
        refused_live=refused_live,
        today=today,
        security=safeguards.security,
        security_admins=safeguards.admins,
        checklist=safeguards.checklist,
        election_period=current_election_period()
        if channel.state_enum is ChannelState.ACTIVE
        else None,
        election_guidance=ELECTION_GUIDANCE,
        risk_action=safeguards.action,
        risk_words=risk.ACTION_WORDS,
        open_acceptance=safeguards.covering,
        acceptances=safeguards.acceptances,
        risk_form=risk_form or RiskAcceptanceForm(),
        may_accept_risk=holds(viewer, Office.MANAGER_COMMUNICATIONS),
        # Only a channel past its closing date has a checklist: no query for the others.
        closing_items=checklist_of(channel) if channel.state_enum.closed else [],
        **shown,
    ), status


@blueprint.route("/channels/<int:channel_id>")
@login_required
def show(channel_id: int):
    channel = access.load_channel(channel_id, current_actor())
    return _channel_page(channel, GoLiveForm(data={"channel_url": channel.channel_url}))


@blueprint.route("/channels/<int:channel_id>/live", methods=["POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def go_live(channel_id: int):
    channel = access.load_channel(channel_id, current_actor())
    form = GoLiveForm()
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            lifecycle.go_live(
                channel.id,
                current_actor(),
                form.channel_url.data,
                form.platform_account_id.data or "",
            )
        if refusal.status == 409:
            # The channel page again, with the address as typed beside the reason.
            return _channel_page(channel, form, refusal.status, refused_live=True)
        if not refusal:
            flash(
                _(
                    "%(name)s is live. Its first review is due %(day)s.",
                    name=channel.name,
                    day=format(channel.review_due, "%-d %B %Y"),
                ),
                "success",
            )
            return redirect(url_for("inventory.show", channel_id=channel.id))
    return _channel_page(channel, form)


def _answers(form: ReviewForm) -> lifecycle.ReviewAnswers:
    return lifecycle.ReviewAnswers(
        still_needed=form.still_needed.data == "yes",
        terms_accurate=form.terms_accurate.data == "yes",
        hours_kept=form.hours_kept.data == "yes",
        spokespeople_right=form.spokespeople_right.data == "yes",
        notes=(form.notes.data or "").strip(),
    )


@blueprint.route("/channels/<int:channel_id>/review", methods=["GET", "POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def review(channel_id: int):
    channel = access.load_channel(channel_id, current_actor())
    form = ReviewForm()
    decommission_form = DecommissionForm(prefix="decommission")
    outcome = request.form.get("outcome")
    status = 200
    if channel.state_enum is not ChannelState.ACTIVE:
        closed = ConflictError(
            _(
                "%(name)s is %(state)s, so it has no review.",
                name=channel.name,
                state=channel.state_enum.label.lower(),
            )
        )
        if request.method != "POST":
            raise closed
        # Closed meanwhile: the answers typed are shown again with the reason, not dropped.
        show_error(form, closed)
        status = closed.status
    elif request.method == "POST" and form.validate_on_submit():
        done = None
        with redisplay_on_refusal(form) as refusal:
            done = _review_outcome(channel, outcome, form, decommission_form)
        if done is not None and not refusal:
            return done
        status = refusal.status
    return render_template(
        "inventory/review.html",
        channel=channel,
        form=form,
        decommission_form=decommission_form,
        people=queries.channel_people(channel),
    ), status


def _review_outcome(
    channel: Channel, outcome: str | None, form: ReviewForm, decommission_form: DecommissionForm
) -> Response | None:
    """Carry out the review's outcome: a redirect when done, None to show the page again."""
    answers = _answers(form)
    if outcome == "change":
        proposal = lifecycle.start_change(channel.id, current_actor(), answers)
        flash(
            _(
                "A change is started: edit the proposal, then submit it for sign-off. The "
                "channel stays active meanwhile."
            ),
            "success",
        )
        return redirect(url_for("proposals.edit", proposal_id=proposal.id))
    if outcome != "decommission":
        form.form_errors.append(
            _(
                "Choose Start a change or Decommission. To recertify, the owner and the "
                "liaison each attest (Attest)."
            )
        )
        return None
    if not decommission_form.validate():
        return None
    with redisplay_on_refusal() as refused:
        closed = lifecycle.decommission(
            channel.id,
            current_actor(),
            decommission_form.decommissioned_on.data,
            decommission_form.reason.data or "",
            answers,
        )
    if refused.status == 409:
        raise refused.error  # closed meanwhile: said on the review form, like the other outcomes
    if refused:
        show_error(decommission_form, refused.error)
        return None
    flash(_decommissioned_message(closed), "success")
    return redirect(_after_closing(closed))


def _after_closing(channel: Channel) -> str:
    """Where starting to close a channel leads: its checklist once closing, else its page."""
    if channel.state_enum is ChannelState.CLOSING:
        return url_for("inventory.closing_checklist", channel_id=channel.id)
    return url_for("inventory.show", channel_id=channel.id)


@blueprint.route("/channels/<int:channel_id>/decommission", methods=["GET", "POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def decommission(channel_id: int):
    channel = access.load_channel(channel_id, current_actor())
    form = DecommissionForm(prefix="decommission")
    status = 200
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            closed = lifecycle.decommission(
                channel.id, current_actor(), form.decommissioned_on.data, form.reason.data
            )
        if not refusal:
            flash(_decommissioned_message(closed), "success")
            return redirect(_after_closing(closed))
        status = refusal.status
    return render_template("inventory/decommission.html", channel=channel, form=form), status


def _decommissioned_message(channel: Channel) -> str:
    if channel.closure_scheduled_on is not None:
        return _(
            "%(name)s will close on %(day)s. Until then it stays active and on the public "
            "register.",
            name=channel.name,
            day=format(channel.closure_scheduled_on, "%-d %B %Y"),
        )
    return _(
        "%(name)s is closed and no longer on the public register. Work through its closing "
        "checklist: it is decommissioned when every item is done.",
        name=channel.name,
    )


@blueprint.route("/channels/<int:channel_id>/change", methods=["POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def start_change(channel_id: int):
    channel = access.load_channel(channel_id, current_actor())
    # Refused (already changing, or closed): the app's one error page says why, with 409.
    proposal = lifecycle.start_change(channel.id, current_actor())
    flash(_("A change is started: edit the proposal, then submit it for sign-off."), "success")
    return redirect(url_for("proposals.edit", proposal_id=proposal.id))


IMPORT_STASH_PATH = "/inventory/import"


@blueprint.route("/inventory/import", methods=["GET", "POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def import_channels():
    import hashlib

    from registry.inventory.csv_import import parse_channels_csv

    form = ImportForm()
    preview = None
    token = None
    if form.validate_on_submit():
        data = form.channels_csv.data.read()
        preview = parse_channels_csv(data)
        if preview.ok:
            # Held for the submit step only; the upload size limit bounds it. JSON may spell
            # one byte as six ("\u0001"), so a file full of control characters still fits.
            token = stash(
                IMPORT_STASH_PATH,
                {
                    "csv": data.decode("utf-8-sig"),
                    "file_name": (form.channels_csv.data.filename or "")[:255],
                    "sha256": hashlib.sha256(data).hexdigest(),
                },
                current_actor().id,
                max_bytes=len(data) * 6 + 1024,
            )
    return render_template(
        "inventory/import.html", form=form, preview=preview, token=token, columns=COLUMNS
    )


@blueprint.route("/inventory/import/template.csv")
@office_required(Office.COMMUNICATIONS_TEAM)
def import_template():
    # With a byte-order mark, as Excel needs to read it (and save it back) as UTF-8.
    return Response(
        "\ufeff" + template_csv(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="channels-template.csv"'},
    )


# Registers the routes kept in their own module (they use this module's helpers).
from registry.inventory import (  # noqa: E402, F401
    attest_views,
    closure_views,
    import_views,
    safeguard_views,
)
