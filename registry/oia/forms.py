from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Length, Optional

from registry.form_dates import DateField
from registry.forms import RegistryForm, optional_id, plausible_date


class InformationRequestForm(RegistryForm):
    received_on = DateField(
        _l("Date received"),
        validators=[
            plausible_date,
            DataRequired(_l("Enter the date the request arrived, e.g. 2026-11-20.")),
        ],
        format="%Y-%m-%d",
    )
    received_time = TimeField(
        _l("Time received"),
        validators=[Optional()],
        format="%H:%M",
        description=_l("NZ time, 24-hour clock. Leave blank if unknown."),
    )
    requester = StringField(
        _l("Requester"),
        validators=[
            DataRequired(_l("Enter who asked: their handle or name.")),
            Length(max=300, message=_l("Keep this under 300 characters.")),
        ],
        description=_l("Their handle or name on the channel."),
    )
    summary = TextAreaField(
        _l("What they asked for"),
        validators=[
            DataRequired(_l("Summarise what they asked for.")),
            Length(max=5000, message=_l("Keep the summary under 5,000 characters.")),
        ],
    )
    handler = SelectField(_l("Handled by"), coerce=optional_id, validate_choice=False)


class ExtendForm(RegistryForm):
    new_due_on = DateField(
        _l("New due date"),
        validators=[
            plausible_date,
            DataRequired(_l("Enter the extended due date, e.g. 2026-12-18.")),
        ],
        format="%Y-%m-%d",
    )
    reason = TextAreaField(
        _l("Reason for the extension"),
        validators=[
            DataRequired(_l("Give the reason for the extension (section 15A of the Act).")),
            Length(max=2000, message=_l("Keep the reason under 2,000 characters.")),
        ],
    )


class TransferForm(RegistryForm):
    transferred_on = DateField(
        _l("Date transferred"),
        validators=[
            plausible_date,
            DataRequired(_l("Enter the date the request was transferred.")),
        ],
        format="%Y-%m-%d",
    )
    transferred_to = StringField(
        _l("Transferred to"),
        validators=[
            DataRequired(_l("Name the agency the request was transferred to.")),
            Length(max=300, message=_l("Keep this under 300 characters.")),
        ],
    )


class RespondForm(RegistryForm):
    responded_on = DateField(
        _l("Date responded"),
        validators=[plausible_date, DataRequired(_l("Enter the date the response was sent."))],
        format="%Y-%m-%d",
    )
