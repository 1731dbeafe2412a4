"""The public transparency statement (every version, and each as PDF), and the Communications
team's page for its introduction."""

from __future__ import annotations

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

from registry.auth.models import Office
from registry.auth.permissions import current_actor, office_required
from registry.errors import NotFoundError
from registry.forms import parse_id, redisplay_on_refusal
from registry.i18n import public_page
from registry.transparency import pdf, services
from registry.transparency.forms import IntroductionForm
from registry.transparency.models import StatementVersion
from registry.transparency.shown import statement_context

blueprint = Blueprint("transparency", __name__)


def _published() -> None:
    if not current_app.config["PUBLIC_REGISTER_ENABLED"]:
        # Off with the public register: the same answer as any address with no page.
        raise NotFoundError(_("There is no page at this address."))


def _page(version: StatementVersion, current: StatementVersion) -> str:
    return render_template(
        "transparency/statement.html",
        current=current,
        versions=services.versions(),
        **statement_context(version),
    )


@blueprint.route("/transparency")
@public_page
def statement():
    """The social media transparency statement as it stands now."""
    _published()
    current = services.current()
    return _page(current, current)


@blueprint.route("/transparency/versions/<int:version_number>")
@public_page
def earlier_version(version_number: int):
    """A version exactly as it was published, at its own address."""
    _published()
    current = services.current()
    return _page(services.version(version_number), current)


@blueprint.route("/transparency/versions/<int:version_number>/statement-<any(en, mi):language>.pdf")
@public_page
def statement_pdf(version_number: int, language: str):
    """A version as PDF: the stored one, or (the first time anyone asks) a page saying it is
    being prepared while the job queue renders it."""
    _published()
    version = services.version(version_number)
    stored = pdf.stored_pdf(version, language)
    if stored is not None:
        return Response(
            stored.pdf,
            mimetype="application/pdf",
            headers={
                "Content-Disposition": f'inline; filename="transparency-statement-'
                f'{version.number}-{language}.pdf"'
            },
        )
    job = pdf.ask_for_pdf(version, language)
    page = render_template(
        "transparency/pdf_preparing.html", version=version, failed=pdf.pdf_failed(job)
    )
    return page, 503 if pdf.pdf_failed(job) else 202, {"Retry-After": "10"}


@blueprint.route("/transparency/introduction", methods=["GET", "POST"])
@office_required(Office.COMMUNICATIONS_TEAM)
def introduction():
    """The Communications team writes the statement's introduction (a new version)."""
    latest = services.latest()
    form = IntroductionForm(
        data={
            "english": latest.introduction_en if latest else "",
            "te_reo": latest.introduction_mi if latest else "",
            "based_on": str(latest.number) if latest else "0",
        }
    )
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            saved = services.save_introduction(
                current_actor(),
                form.english.data or "",
                form.te_reo.data or "",
                parse_id(form.based_on.data) or 0,
            )
        if not refusal:
            flash(
                _("Saved: the statement is now version %(number)d.", number=saved.number),
                "success",
            )
            return redirect(url_for("transparency.introduction"))
        # Saving again keeps the text typed here over the introduction saved meanwhile.
        latest = services.latest()
        form.based_on.data = str(latest.number) if latest else "0"
        return render_template("transparency/introduction.html", form=form, latest=latest), (
            refusal.status
        )
    return render_template("transparency/introduction.html", form=form, latest=latest)
