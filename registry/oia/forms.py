from __future__ import annotations

from wtforms import (
    DateField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from registry.forms import RegistryForm, optional_id, plausible_date


class InformationRequestForm(RegistryForm):
    received_on = DateField(
        "Date received",
        validators=[
            plausible_date,
            DataRequired("Enter the date the request arrived, e.g. 2026-11-20."),
        ],
        format="%Y-%m-%d",
    )
    received_time = TimeField(
        "Time received",
        validators=[Optional()],
        format="%H:%M",
        description="NZ time, 24-hour clock. Leave blank if unknown.",
    )
    requester = StringField(
        "Requester",
        validators=[
            DataRequired("Enter who asked: their handle or name."),
            Length(max=300, message="Keep this under 300 characters."),
        ],
        description="Their handle or name on the channel.",
    )
    summary = TextAreaField(
        "What they asked for",
        validators=[
            DataRequired("Summarise what they asked for."),
            Length(max=5000, message="Keep the summary under 5,000 characters."),
        ],
    )
    handler = SelectField("Handled by", coerce=optional_id, validate_choice=False)


class ExtendForm(RegistryForm):
    new_due_on = DateField(
        "New due date",
        validators=[plausible_date, DataRequired("Enter the extended due date, e.g. 2026-12-18.")],
        format="%Y-%m-%d",
    )
    reason = TextAreaField(
        "Reason for the extension",
        validators=[
            DataRequired("Give the reason for the extension (section 15A of the Act)."),
            Length(max=2000, message="Keep the reason under 2,000 characters."),
        ],
    )


class TransferForm(RegistryForm):
    transferred_on = DateField(
        "Date transferred",
        validators=[plausible_date, DataRequired("Enter the date the request was transferred.")],
        format="%Y-%m-%d",
    )
    transferred_to = StringField(
        "Transferred to",
        validators=[
            DataRequired("Name the agency the request was transferred to."),
            Length(max=300, message="Keep this under 300 characters."),
        ],
    )


class RespondForm(RegistryForm):
    responded_on = DateField(
        "Date responded",
        validators=[plausible_date, DataRequired("Enter the date the response was sent.")],
        format="%Y-%m-%d",
    )
