from __future__ import annotations

from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    SelectField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from registry.forms import RegistryForm, chosen_id, optional_id, plausible_date
from registry.proposals.forms import MultiCheckboxField


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


class AccountSecurityForm(RegistryForm):
    admins = MultiCheckboxField(
        "People with admin access on the platform",
        coerce=chosen_id,
        validate_choice=False,
        description="At least two agency staff, so the account never depends on one person.",
    )
    mfa_enabled = BooleanField("Multi-factor authentication is on for every admin")
    recovery_email = StringField(
        "Recovery email",
        validators=[
            Optional(),
            Email("Enter an email address, e.g. comms@ethniccommunities.govt.nz."),
            Length(max=254),
        ],
    )
    credentials_reference = StringField(
        "Where the credentials are held",
        validators=[Length(max=300, message="Keep this under 300 characters.")],
        description="A reference such as “Comms password vault, item MEC Pasifika” — never the "
        "password.",
    )
    last_access_review = DateField(
        "Last access review",
        validators=[plausible_date, Optional()],
        format="%Y-%m-%d",
        description="When someone last checked who has access on the platform.",
    )
    # What the page showed (``models.security_version``): a stale tab's save is refused.
    version = HiddenField()


class ElectionPeriodForm(RegistryForm):
    name = StringField(
        "Name",
        validators=[
            DataRequired("Name the election period, e.g. “2026 general election”."),
            Length(max=200),
        ],
    )
    starts_on = DateField(
        "Start date",
        validators=[plausible_date, DataRequired("Enter the first day, e.g. 2026-08-07.")],
        format="%Y-%m-%d",
    )
    ends_on = DateField(
        "End date",
        validators=[DataRequired("Enter the last day (election day), e.g. 2026-11-07.")],
        format="%Y-%m-%d",
    )
