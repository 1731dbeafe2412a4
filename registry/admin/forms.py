from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from registry.auth.models import Office
from registry.form_dates import DateField
from registry.forms import RegistryForm, choices, optional_id, plausible_date


class UnitForm(RegistryForm):
    code = StringField(
        _l("Short code"),
        validators=[DataRequired(_l("Enter a short code, e.g. POL.")), Length(max=20)],
        description=_l(
            "Letters, digits and hyphens, e.g. POL or COMMS. Used by the CLI and imports."
        ),
    )
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the business unit's name.")), Length(max=200)],
    )


class UnitRenameForm(RegistryForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the business unit's name.")), Length(max=200)],
    )


class UserForm(RegistryForm):
    email = EmailField(
        _l("Email"),
        validators=[DataRequired(_l("Enter the person's work email address.")), Length(max=254)],
    )
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the person's name.")), Length(max=200)],
        description=_l("As it should appear on sign-offs and charters."),
    )
    business_unit = SelectField(_l("Business unit"), coerce=optional_id, validate_choice=False)


class UserEditForm(RegistryForm):
    name = StringField(
        _l("Name"),
        validators=[DataRequired(_l("Enter the person's name.")), Length(max=200)],
        description=_l("As it should appear on sign-offs and charters."),
    )
    business_unit = SelectField(_l("Business unit"), coerce=optional_id, validate_choice=False)
    active = BooleanField(
        _l("Account active"),
        description=_l("Untick to deactivate: the person is signed out everywhere."),
    )
    # What the page showed (see ``services.account_version``): a stale tab's save is refused.
    version = HiddenField()


class ConfirmForm(RegistryForm):
    """A button that changes something: nothing to fill in but the CSRF token."""


class AppointmentForm(RegistryForm):
    user = SelectField(
        _l("Person"),
        coerce=optional_id,
        validate_choice=False,
        validators=[DataRequired(_l("Choose who holds the office."))],
        description=_l("Not yourself: nobody changes their own offices."),
    )
    office = SelectField(
        _l("Office"),
        choices=choices((o.value, o.title) for o in Office),
        validators=[DataRequired(_l("Choose the office."))],
        description=_l(
            "A signing office or the administrator office takes effect only when "
            "another administrator confirms it; until then it gives no power."
        ),
    )
    business_unit = SelectField(
        _l("Business unit"),
        coerce=optional_id,
        validate_choice=False,
        description=_l("Only for a Deputy Chief Executive: the unit they are responsible for."),
    )
    acting = BooleanField(
        _l("Acting appointment"),
        description=_l(
            "Tick when someone holds the office temporarily; their sign-offs say Acting."
        ),
    )
    starts_on = DateField(
        _l("Start date"),
        validators=[
            plausible_date,
            DataRequired(_l("Enter the first day of the appointment, e.g. 2026-03-01.")),
        ],
        format="%Y-%m-%d",
    )
    ends_on = DateField(
        _l("End date"),
        validators=[plausible_date, Optional()],
        format="%Y-%m-%d",
        description=_l("Optional. The last day the person holds the office."),
    )


class EndAppointmentForm(RegistryForm):
    ends_on = DateField(
        _l("End date"),
        validators=[
            plausible_date,
            DataRequired(_l("Enter the last day of the appointment, e.g. 2026-03-14.")),
        ],
        format="%Y-%m-%d",
        description=_l("The last day the person holds the office."),
    )
