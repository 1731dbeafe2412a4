from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    DateField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from registry.forms import RegistryForm, choices, chosen_id, clean_identifier, plausible_date
from registry.proposals.forms import MultiCheckboxField

YES_NO = choices([("yes", "Yes"), ("no", "No")])


class GoLiveForm(RegistryForm):
    channel_url = StringField(
        "Channel URL",
        filters=[clean_identifier],
        validators=[
            DataRequired("Enter the channel's web address, now that it is live."),
            Length(max=500, message="Keep the address under 500 characters."),
        ],
        description="The address of the live account, e.g. https://www.facebook.com/MECPasifika.",
    )


class RiskAcceptanceForm(RegistryForm):
    reason = TextAreaField(
        "Why the risk is acceptable",
        validators=[
            DataRequired("Say why the risk is acceptable: it is kept with the record."),
            Length(max=5000, message="Keep the reason under 5,000 characters."),
        ],
        description="Kept with the channel's record, with your name and office.",
    )


def _question(label: str, message: str) -> RadioField:
    return RadioField(label, choices=YES_NO, validators=[DataRequired(message)])


class ReviewForm(RegistryForm):
    still_needed = _question(
        "Is the channel still needed?", "Say whether the channel is still needed."
    )
    terms_accurate = _question(
        "Are the terms of use still accurate?", "Say whether the terms of use are still accurate."
    )
    hours_kept = _question(
        "Are the monitoring hours still being kept?",
        "Say whether the monitoring hours are still being kept.",
    )
    spokespeople_right = _question(
        "Are the authorised spokespeople and peer reviewers still right?",
        "Say whether the spokespeople and peer reviewers are still right.",
    )
    notes = TextAreaField(
        "Review notes",
        validators=[Length(max=5000, message="Keep the notes under 5,000 characters.")],
    )


class DecommissionForm(RegistryForm):
    decommissioned_on = DateField(
        "Date closed",
        validators=[
            plausible_date,
            DataRequired("Enter the date the channel was (or will be) closed, e.g. 2026-12-01."),
        ],
        format="%Y-%m-%d",
        description="Today or earlier closes it now; a later date schedules the closure.",
    )
    reason = TextAreaField(
        "Reason",
        validators=[
            DataRequired("Give the reason the channel is being decommissioned."),
            Length(max=5000, message="Keep the reason under 5,000 characters."),
        ],
        description="Kept with the channel's record.",
    )


class ImportForm(RegistryForm):
    channels_csv = FileField(
        "Channels spreadsheet (CSV)",
        validators=[FileRequired("Choose the CSV file to import.")],
        description="Columns: name, platform, handle, url, business unit, liaison email, date "
        "started. Save from Excel as “CSV UTF-8”.",
    )


class ImportRefusalForm(RegistryForm):
    reason = TextAreaField(
        "Why you are refusing this import",
        validators=[
            DataRequired("Say why you are refusing this import: it is kept with the record."),
            Length(max=5000, message="Keep the reason under 5,000 characters."),
        ],
        description="The person who submitted it sees this, with your name.",
    )


class LookupForm(RegistryForm):
    account = StringField(
        _l("Account address, handle or name"),
        validators=[
            DataRequired(_l("Enter the account's web address, handle or name, e.g. @MECNZ.")),
            Length(max=500, message=_l("That is longer than any account address.")),
        ],
        description=_l("For example https://www.facebook.com/MECNZ, @MECNZ or the name it shows."),
    )


class RegisterFilterForm(RegistryForm):
    """The public register's one filter; an unknown platform shows every platform."""

    class Meta:
        csrf = False

    platform = SelectField(_l("Platform"), validate_choice=False)


class FilterForm(RegistryForm):
    """The inventory's filters: a GET form, so every view is a link that can be shared."""

    class Meta:
        csrf = False

    q = StringField(
        "Search",
        description="Channel name or handle.",
        validators=[Length(max=200, message="Search for at most 200 characters.")],
    )
    unit = SelectField("Business unit", validate_choice=False)
    platform = SelectField("Platform", validate_choice=False)
    state = SelectField("State", validate_choice=False)
    review = SelectField(
        "Review",
        choices=choices(
            [("", "Any"), ("overdue", "Review overdue"), ("due-soon", "Due within 30 days")]
        ),
        validate_choice=False,
    )
    attention = SelectField(
        "Needs attention",
        choices=choices(
            [
                ("", "Any"),
                ("security-incomplete", "Account security incomplete"),
                ("policy-unmet", "Policy no longer met (people left)"),
            ]
        ),
        validate_choice=False,
    )
    no_charter = BooleanField("No charter on record only")
    sort = SelectField(
        "Sort by",
        choices=choices(
            [
                ("name", "Name"),
                ("platform", "Platform"),
                ("unit", "Business unit"),
                ("state", "State"),
                ("approved", "Approval date"),
                ("review", "Review due"),
            ]
        ),
        validate_choice=False,
    )
    direction = SelectField(
        "Order",
        choices=choices([("asc", "Ascending"), ("desc", "Descending")]),
        validate_choice=False,
    )
    per_page = SelectField(
        "Per page",
        choices=choices([("25", "25"), ("50", "50"), ("100", "100")]),
        validate_choice=False,
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
    # What the page showed (``security_models.security_version``): a stale tab's save is refused.
    version = HiddenField()
