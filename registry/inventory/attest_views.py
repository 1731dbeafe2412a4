"""The attestation page: the owner or the liaison states the channel is still needed and run
as chartered; the second of the two recertifies it."""

from __future__ import annotations

from flask import Response, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import login_required

from registry.auth.permissions import current_actor
from registry.channels.models import Channel
from registry.errors import RegistryError
from registry.forms import redisplay_on_refusal
from registry.inventory import access, attestations, lifecycle, queries
from registry.inventory.forms import AttestationForm
from registry.inventory.views import blueprint

OUTCOMES = ("attest", "change", "ask-close")


def _answers(form: AttestationForm) -> lifecycle.ReviewAnswers:
    return lifecycle.ReviewAnswers(
        still_needed=form.still_needed.data == "yes",
        terms_accurate=form.terms_accurate.data == "yes",
        hours_kept=form.hours_kept.data == "yes",
        spokespeople_right=form.spokespeople_right.data == "yes",
        notes=(form.notes.data or "").strip(),
    )


def _people_now(channel: Channel) -> str:
    """The people the approved content names, as one line for the question's hint."""
    parts = []
    for label, value in queries.channel_people(channel).items():
        shown = ", ".join(value) if isinstance(value, list) else value
        if shown:
            parts.append(f"{label}: {shown}")
    return "; ".join(parts)


def _cycle(form: AttestationForm) -> int | None:
    """The review cycle the form was opened in (None if the form did not say)."""
    text = (form.cycle.data or "").strip()
    return int(text) if text.isdigit() and len(text) < 9 else None


@blueprint.route("/channels/<int:channel_id>/attest", methods=["GET", "POST"])
@login_required
def attest(channel_id: int):
    actor = current_actor()
    channel = access.load_channel(channel_id, actor)
    position = attestations.standing(actor, channel)
    form = AttestationForm(data={"cycle": str(channel.review_cycle)})
    form.role.choices = [(c.role.value, c.title) for c in position.open]
    if len(position.open) == 1 and not form.role.data:
        form.role.data = position.open[0].role.value
    status = position.status if position.refusal else 200
    if request.method == "POST" and form.validate_on_submit():
        done = None
        with redisplay_on_refusal(form) as refusal:
            done = _outcome(channel, form)
        if done is not None and not refusal:
            return done
        # As elsewhere: 200 when what was typed needs correcting, the refusal's own otherwise.
        status = refusal.status
    if request.method == "POST" and position.refusal:
        # Refused before or by the service: said on the form, with what was typed kept.
        if position.refusal not in form.form_errors:
            form.form_errors.insert(0, position.refusal)
        status = position.status
    return render_template(
        "inventory/attest.html",
        posted=request.method == "POST",
        channel=channel,
        form=form,
        position=position,
        awaited=[r for r in (attestations.OWNER, attestations.LIAISON) if r not in position.given],
        who_can={
            role: attestations.names(attestations.who_can(channel, role))
            for role in (attestations.OWNER, attestations.LIAISON)
        },
        people_now=_people_now(channel),
        any_no=request.method == "POST"
        and "no"
        in (
            form.still_needed.data,
            form.terms_accurate.data,
            form.hours_kept.data,
            form.spokespeople_right.data,
        ),
    ), status


def _outcome(channel: Channel, form: AttestationForm) -> Response | None:
    """Carry out what was pressed: a redirect when done, None to show the page again."""
    actor = current_actor()
    outcome = request.form.get("outcome")
    if outcome == "change":
        proposal = attestations.start_change(channel.id, actor, _answers(form))
        flash(
            _(
                "A change is started: edit the proposal, then submit it for sign-off. The "
                "channel stays active meanwhile."
            ),
            "success",
        )
        return redirect(url_for("proposals.edit", proposal_id=proposal.id))
    if outcome == "ask-close":
        attestations.ask_to_close(channel.id, actor, _answers(form))
        flash(
            _("The Communications team is asked to close %(name)s.", name=channel.name),
            "success",
        )
        return redirect(url_for("inventory.show", channel_id=channel.id))
    if outcome != "attest":
        raise RegistryError(_("Choose Attest, Start a change or Ask to close it."))
    done, recertified = attestations.attest(
        channel.id,
        actor,
        form.role.data,
        _cycle(form),
        _answers(form),
        form.signed_name.data or "",
    )
    if recertified:
        message = _(
            "Both attestations are in: %(name)s is recertified. Next review due %(day)s.",
            name=done.name,
            day=format(done.review_due, "%-d %B %Y"),
        )
    else:
        message = _(
            "Your attestation for %(name)s is recorded. The channel is recertified when the "
            "other attestation is in.",
            name=done.name,
        )
    flash(message, "success")
    return redirect(url_for("inventory.show", channel_id=channel.id))
