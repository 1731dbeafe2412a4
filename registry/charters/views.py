"""Charter download, public verification, and retry when rendering failed."""

from __future__ import annotations

import hashlib

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_required

from registry.auth.models import Office
from registry.auth.permissions import current_actor, office_required
from registry.charters import jobs as charter_jobs
from registry.charters import services
from registry.charters.forms import LookupForm, VerifyUploadForm
from registry.charters.status import charter_status, verify_view
from registry.errors import NotFoundError
from registry.extensions import db
from registry.i18n import public_page
from registry.proposals import access as proposal_access
from registry.proposals.models import Proposal

blueprint = Blueprint("charters", __name__, url_prefix="/charters")
# Wherever a page shows a charter, ``charter | charter_status`` gives its status now.
blueprint.add_app_template_filter(charter_status, "charter_status")


@blueprint.route("/<number>.pdf")
@login_required
def download(number: str):
    charter = services.find(number)
    if charter is None:
        raise NotFoundError(_("There is no such charter, or it is not one you can see."))
    proposal_access.load_proposal(charter.proposal_id, current_actor())  # the same 404 if hidden
    return Response(
        charter.pdf,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="{charter.filename}"',
            "X-Charter-SHA256": charter.pdf_sha256,
        },
    )


@blueprint.route("/verify", methods=["GET", "POST"])
@public_page
def lookup():
    form = LookupForm()
    if form.validate_on_submit():
        return redirect(url_for("charters.verify", number=form.number.data.strip().upper()))
    return render_template("charters/lookup.html", form=form)


@blueprint.route("/<number>/verify", methods=["GET", "POST"])
@public_page
def verify(number: str):
    charter = services.find(number)
    if charter is None:
        # Shown back cut short: the address is anyone's to write, the page is the agency's.
        return render_template("charters/verify.html", number=number[:40], charter=None), 404
    view = verify_view(
        charter, current_user.is_authenticated, current_app.config["PUBLIC_REGISTER_ENABLED"]
    )
    form = VerifyUploadForm()
    outcome = None
    if form.validate_on_submit():
        digest = hashlib.sha256(form.charter_pdf.data.read()).hexdigest()
        outcome = {"sha256": digest, "matches": digest == charter.pdf_sha256}
    return render_template(
        "charters/verify.html",
        number=charter.number,
        charter=charter,
        status=view.status,
        details=view.details,
        form=form,
        outcome=outcome,
    )


@blueprint.route("/retry/<int:proposal_id>", methods=["POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def retry(proposal_id: int):
    proposal = db.get_or_404(Proposal, proposal_id)
    # Queued for the worker, not rendered here: nobody waits on the renderer. A proposal that
    # is not approved is a 409 from the app's one domain-error handler.
    charter = charter_jobs.request_again(proposal.id, current_actor())
    if charter is not None:
        flash(_("Charter %(number)s is already issued.", number=charter.number), "success")
    else:
        flash(
            _("The charter is being prepared again. This page shows it when it is ready."),
            "success",
        )
    return redirect(url_for("proposals.show", proposal_id=proposal.id))
