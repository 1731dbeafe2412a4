from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    EmailField,
    HiddenField,
    SelectField,
    StringField,
)
from wtforms.validators import DataRequired, Length, Optional

from registry.auth.models import Office
from registry.forms import RegistryForm, choices, optional_id, plausible_date


class UnitForm(RegistryForm):
    code = StringField(
        "Short code",
        validators=[DataRequired("Enter a short code, e.g. POL."), Length(max=20)],
        description="Letters, digits and hyphens, e.g. POL or COMMS. Used by the CLI and imports.",
    )
    name = StringField(
        "Name",
        validators=[DataRequired("Enter the business unit's name."), Length(max=200)],
    )


class UnitRenameForm(RegistryForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Enter the business unit's name."), Length(max=200)],
    )


class UserForm(RegistryForm):
    email = EmailField(
        "Email",
        validators=[DataRequired("Enter the person's work email address."), Length(max=254)],
    )
    name = StringField(
        "Name",
        validators=[DataRequired("Enter the person's name."), Length(max=200)],
        description="As it should appear on sign-offs and charters.",
    )
    business_unit = SelectField("Business unit", coerce=optional_id, validate_choice=False)


class UserEditForm(RegistryForm):
    name = StringField(
        "Name",
        validators=[DataRequired("Enter the person's name."), Length(max=200)],
        description="As it should appear on sign-offs and charters.",
    )
    business_unit = SelectField("Business unit", coerce=optional_id, validate_choice=False)
    active = BooleanField(
        "Account active", description="Untick to deactivate: the person is signed out everywhere."
    )
    # What the page showed (see ``services.account_version``): a stale tab's save is refused.
    version = HiddenField()


class ConfirmForm(RegistryForm):
    """A button that changes something: nothing to fill in but the CSRF token."""


class AppointmentForm(RegistryForm):
    user = SelectField(
        "Person",
        coerce=optional_id,
        validate_choice=False,
        validators=[DataRequired("Choose who holds the office.")],
        description="Not yourself: nobody changes their own offices.",
    )
    office = SelectField(
        "Office",
        choices=choices((o.value, o.title) for o in Office),
        validators=[DataRequired("Choose the office.")],
        description="A signing office or the administrator office takes effect only when "
        "another administrator confirms it; until then it gives no power.",
    )
    business_unit = SelectField(
        "Business unit",
        coerce=optional_id,
        validate_choice=False,
        description="Only for a Deputy Chief Executive: the unit they are responsible for.",
    )
    acting = BooleanField(
        "Acting appointment",
        description="Tick when someone holds the office temporarily; their sign-offs say Acting.",
    )
    starts_on = DateField(
        "Start date",
        validators=[
            plausible_date,
            DataRequired("Enter the first day of the appointment, e.g. 2026-03-01."),
        ],
        format="%Y-%m-%d",
    )
    ends_on = DateField(
        "End date",
        validators=[plausible_date, Optional()],
        format="%Y-%m-%d",
        description="Optional. The last day the person holds the office.",
    )


class EndAppointmentForm(RegistryForm):
    ends_on = DateField(
        "End date",
        validators=[
            plausible_date,
            DataRequired("Enter the last day of the appointment, e.g. 2026-03-14."),
        ],
        format="%Y-%m-%d",
        description="The last day the person holds the office.",
    )
