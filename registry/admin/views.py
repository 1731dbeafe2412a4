"""Admin pages: people, business units and appointments. Admin office only."""

from __future__ import annotations

from flask import (
    Blueprint,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select

from registry.admin.forms import (
    AppointmentForm,
    ConfirmForm,
    EndAppointmentForm,
    UnitForm,
    UnitRenameForm,
    UserEditForm,
    UserForm,
)
from registry.auth import appointment_requests, invitations, offices, services
from registry.auth.models import Appointment, BusinessUnit, Office, User
from registry.auth.permissions import current_actor, office_required
from registry.errors import RegistryError
from registry.extensions import db
from registry.forms import choices, redisplay_on_refusal

blueprint = Blueprint("admin", __name__, url_prefix="/admin")


def _units() -> list[BusinessUnit]:
    return list(db.session.scalars(select(BusinessUnit).order_by(BusinessUnit.name)))


def _unit_choices(blank: str) -> list[tuple[str, str]]:
    return choices([("", blank)] + [(u.id, f"{u.name} ({u.code})") for u in _units()])


def _unit_or_none(unit_id: int | None) -> BusinessUnit | None:
    return db.session.get(BusinessUnit, unit_id) if unit_id else None


@blueprint.route("/")
@office_required(Office.ADMIN)
def index():
    return redirect(url_for("admin.users"))


@blueprint.route("/users")
@office_required(Office.ADMIN)
def users():
    people = db.session.scalars(select(User).order_by(User.display_name)).unique().all()
    links = invitations.latest_links()
    tz = current_app.config["AGENCY_TIMEZONE"]
    statuses = {u.id: invitations.password_status(u, links.get(u.id), tz) for u in people}
    return render_template("admin/users.html", users=people, statuses=statuses)


@blueprint.route("/users/new", methods=["GET", "POST"])
@office_required(Office.ADMIN)
def new_user():
    form = UserForm()
    form.business_unit.choices = _unit_choices(_("No business unit"))
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            user = invitations.invite_person(
                form.email.data,
                form.name.data,
                _unit_or_none(form.business_unit.data),
                actor=current_actor(),
            )
        if not refusal:
            flash(
                ngettext(
                    "Sent %(name)s an invitation at %(email)s: they choose their own password "
                    "from the link in it, within %(num)d hour.",
                    "Sent %(name)s an invitation at %(email)s: they choose their own password "
                    "from the link in it, within %(num)d hours.",
                    _hours("PASSWORD_INVITATION_HOURS"),
                    name=user.display_name,
                    email=user.email,
                ),
                "success",
            )
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@blueprint.route("/users/<int:user_id>", methods=["GET", "POST"])
@office_required(Office.ADMIN)
def edit_user(user_id: int):
    user = db.get_or_404(User, user_id)
    form = UserEditForm(
        data={
            "name": user.display_name,
            "business_unit": user.business_unit_id,
            "active": user.is_active_account,
            "version": services.account_version(user),
        }
    )
    form.business_unit.choices = _unit_choices(_("No business unit"))
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            flagged = services.update_user(
                user,
                current_actor(),
                form.name.data,
                _unit_or_none(form.business_unit.data),
                form.active.data,
                # From the page posted only (the form would fill a missing field in from the
                # account as it is now, and always match). Every page of ours sends it.
                expected_version=request.form.get("version"),
            )
        if refusal:
            # Saving again is now a decision made knowing the account as it is.
            form.version.data = services.account_version(user)
        else:
            flash(_("Saved %(name)s.", name=user.display_name), "success")
            if flagged:
                # English says "channel(s)" whatever the number; other languages use the form.
                flash(
                    ngettext(
                        "%(num)d channel(s) named %(name)s and now need someone else: "
                        "%(channels)s. The Communications team sees them under Inventory → "
                        "People changes.",
                        "%(num)d channel(s) named %(name)s and now need someone else: "
                        "%(channels)s. The Communications team sees them under Inventory → "
                        "People changes.",
                        len(flagged),
                        name=user.display_name,
                        channels=", ".join(c.name for c in flagged),
                    ),
                    "warning",
                )
            return redirect(url_for("admin.users"))
    return render_template(
        "admin/user_form.html", form=form, user=user, password=_password_status(user)
    )


def _hours(setting: str) -> int:
    return current_app.config[setting]


def _password_status(user: User) -> str:
    link = invitations.latest_link(user)
    return invitations.password_status(user, link, current_app.config["AGENCY_TIMEZONE"])


@blueprint.route("/users/<int:user_id>/invite", methods=["POST"])
@office_required(Office.ADMIN)
def invite_user(user_id: int):
    user = db.get_or_404(User, user_id)
    # A person who cannot be invited now is a 409 from the app's one domain-error handler.
    invitations.send_invitation(user, current_actor())
    flash(
        ngettext(
            "A new invitation to %(name)s is on its way to %(email)s; earlier links no longer "
            "work. It expires in %(num)d hour.",
            "A new invitation to %(name)s is on its way to %(email)s; earlier links no longer "
            "work. It expires in %(num)d hours.",
            _hours("PASSWORD_INVITATION_HOURS"),
            name=user.display_name,
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))


@blueprint.route("/users/<int:user_id>/reset-password", methods=["GET", "POST"])
@office_required(Office.ADMIN)
def reset_password(user_id: int):
    user = db.get_or_404(User, user_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        invitations.send_password_reset(user, current_actor())
        flash(
            ngettext(
                "%(name)s's password no longer works and they are signed out everywhere. A link "
                "to choose a new one is on its way to %(email)s; it expires in %(num)d hour.",
                "%(name)s's password no longer works and they are signed out everywhere. A link "
                "to choose a new one is on its way to %(email)s; it expires in %(num)d hours.",
                _hours("PASSWORD_RESET_HOURS"),
                name=user.display_name,
                email=user.email,
            ),
            "success",
        )
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template(
        "admin/reset_password.html", form=form, user=user, hours=_hours("PASSWORD_RESET_HOURS")
    )


@blueprint.route("/units")
@office_required(Office.ADMIN)
def units():
    return render_template("admin/units.html", units=_units())


@blueprint.route("/units/new", methods=["GET", "POST"])
@office_required(Office.ADMIN)
def new_unit():
    form = UnitForm()
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            unit = services.create_unit(form.code.data, form.name.data, actor=current_actor())
        if not refusal:
            flash(_("Added %(unit)s.", unit=unit.name), "success")
            return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=None)


@blueprint.route("/units/<int:unit_id>", methods=["GET", "POST"])
@office_required(Office.ADMIN)
def edit_unit(unit_id: int):
    unit = db.get_or_404(BusinessUnit, unit_id)
    form = UnitRenameForm(data={"name": unit.name})
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            services.rename_unit(unit, form.name.data, current_actor())
        if not refusal:
            flash(_("Renamed to %(unit)s.", unit=unit.name), "success")
            return redirect(url_for("admin.units"))
    return render_template("admin/unit_form.html", form=form, unit=unit)


@blueprint.route("/appointments")
@office_required(Office.ADMIN)
def appointments():
    rows = (
        db.session.scalars(
            select(Appointment).order_by(Appointment.office, Appointment.starts_on.desc())
        )
        .unique()
        .all()
    )
    today = offices.agency_today()
    return render_template(
        "admin/appointments.html",
        pending=[a for a in rows if a.is_pending],
        appointments=[a for a in rows if not a.is_pending],
        today=today,
    )


@blueprint.route("/appointments/new", methods=["GET", "POST"])
@office_required(Office.ADMIN)
def new_appointment():
    form = AppointmentForm()
    # Yourself is not offered: nobody changes their own offices.
    people = db.session.scalars(
        select(User)
        .where(User.is_active_account, User.id != current_user.id)
        .order_by(User.display_name)
    ).unique()
    form.user.choices = choices(
        [("", _("Choose a person"))] + [(u.id, f"{u.display_name} ({u.email})") for u in people]
    )
    form.business_unit.choices = _unit_choices(_("Not a DCE appointment"))
    if form.validate_on_submit():
        person = db.session.get(User, form.user.data) if form.user.data else None
        with redisplay_on_refusal(form) as refusal:
            if person is None:
                raise RegistryError(_("Choose who holds the office."), "user")
            appointment = appointment_requests.request_appointment(
                current_actor(),
                person,
                Office(form.office.data),
                form.starts_on.data,
                form.ends_on.data,
                acting=form.acting.data,
                business_unit=_unit_or_none(form.business_unit.data),
            )
        if not refusal:
            if appointment.is_pending:
                flash(
                    _(
                        "Asked for %(name)s to be %(office)s from %(day)s. %(rule)s",
                        name=appointment.user.display_name,
                        office=appointment.capacity,
                        day=appointment.starts_on.isoformat(),
                        rule=str(appointment_requests.NO_POWER_UNTIL_CONFIRMED),
                    ),
                    "warning",
                )
            else:
                flash(
                    _(
                        "%(name)s is %(office)s from %(day)s.",
                        name=appointment.user.display_name,
                        office=appointment.capacity,
                        day=appointment.starts_on.isoformat(),
                    ),
                    "success",
                )
            return redirect(url_for("admin.appointments"))
    return render_template("admin/appointment_form.html", form=form)


@blueprint.route("/appointments/<int:appointment_id>/end", methods=["GET", "POST"])
@office_required(Office.ADMIN)
def end_appointment(appointment_id: int):
    appointment = db.get_or_404(Appointment, appointment_id)
    form = EndAppointmentForm()
    status = 200
    if form.validate_on_submit():
        with redisplay_on_refusal(form) as refusal:
            offices.end_appointment(appointment, form.ends_on.data, actor=current_actor())
        if refusal:
            # The date typed stays in its field beside the reason; a refusal says which kind
            # it was (403 your own office, 409 already ended), like every other form's.
            status = refusal.status
        else:
            flash(
                _(
                    "%(office)s for %(name)s ends %(day)s.",
                    office=appointment.capacity,
                    name=appointment.user.display_name,
                    day=appointment.ends_on.isoformat(),
                ),
                "success",
            )
            return redirect(url_for("admin.appointments"))
    return render_template("admin/end_appointment.html", form=form, appointment=appointment), status


@blueprint.route("/appointments/<int:appointment_id>/confirm", methods=["POST"])
@office_required(Office.ADMIN)
def confirm_appointment(appointment_id: int):
    db.get_or_404(Appointment, appointment_id)
    # A refusal (403 or 409) is answered by the app's one domain-error handler.
    appointment = appointment_requests.confirm_appointment(current_actor(), appointment_id)
    flash(
        _(
            "Confirmed: %(name)s is %(office)s from %(day)s.",
            name=appointment.user.display_name,
            office=appointment.capacity,
            day=appointment.starts_on.isoformat(),
        ),
        "success",
    )
    return redirect(url_for("admin.appointments"))


@blueprint.route("/appointments/<int:appointment_id>/cancel", methods=["POST"])
@office_required(Office.ADMIN)
def cancel_appointment(appointment_id: int):
    db.get_or_404(Appointment, appointment_id)
    # A refusal (403 or 409) is answered by the app's one domain-error handler.
    appointment = appointment_requests.cancel_appointment(current_actor(), appointment_id)
    flash(
        _(
            "Cancelled the request for %(name)s to be %(office)s. It stays on record.",
            name=appointment.user.display_name,
            office=appointment.capacity,
        ),
        "success",
    )
    return redirect(url_for("admin.appointments"))


# The jobs page's routes are on this blueprint too.
from registry.admin import jobs_views  # noqa: E402, F401
