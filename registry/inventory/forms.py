from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import (
    BooleanField,
    HiddenField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Email, Length, Optional

from registry.form_dates import DateField
from registry.forms import RegistryForm, choices, chosen_id, clean_identifier, plausible_date
from registry.proposals.forms import MultiCheckboxField

YES_NO = choices([("yes", _l("Yes")), ("no", _l("No"))])


class GoLiveForm(RegistryForm):
    channel_url = StringField(
        _l("Channel URL"),
        filters=[clean_identifier],
        validators=[
            DataRequired(_l("Enter the channel's web address, now that it is live.")),
            Length(max=500, message=_l("Keep the address under 500 characters.")),
        ],
        description=_l(
            "The address of the live account, e.g. https://www.facebook.com/MECPasifika."
        ),
    )
    platform_account_id = StringField(
        _l("Platform account id (optional)"),
        filters=[clean_identifier],
        validators=[Length(max=200, message=_l("Keep the account id under 200 characters."))],
        description=_l(
            "The platform's own id for the account, copied from its page (for a Facebook page, "
            "About → Page transparency). It stays the same when the handle is renamed, so the "
            "daily check notices if the handle passes to another account."
        ),
    )


class RiskAcceptanceForm(RegistryForm):
    reason = TextAreaField(
        _l("Why the risk is acceptable"),
        validators=[
            DataRequired(_l("Say why the risk is acceptable: it is kept with the record.")),
            Length(max=5000, message=_l("Keep the reason under 5,000 characters.")),
        ],
        description=_l("Kept with the channel's record, with your name and office."),
    )


def _question(label: str, message: str) -> RadioField:
    return RadioField(label, choices=YES_NO, validators=[DataRequired(message)])


class ReviewForm(RegistryForm):
    still_needed = _question(
        _l("Is the channel still needed?"), _l("Say whether the channel is still needed.")
    )
    terms_accurate = _question(
        _l("Are the terms of use still accurate?"),
        _l("Say whether the terms of use are still accurate."),
    )
    hours_kept = _question(
        _l("Are the monitoring hours still being kept?"),
        _l("Say whether the monitoring hours are still being kept."),
    )
    spokespeople_right = _question(
        _l("Are the authorised spokespeople and peer reviewers still right?"),
        _l("Say whether the spokespeople and peer reviewers are still right."),
    )
    notes = TextAreaField(
        _l("Review notes"),
        validators=[Length(max=5000, message=_l("Keep the notes under 5,000 characters."))],
    )


class AttestationForm(RegistryForm):
    """One attester's answers, in their own words, signed with their name and capacity."""

    cycle = HiddenField()
    still_needed = _question(
        _l("Is the channel still needed?"), _l("Say whether the channel is still needed.")
    )
    terms_accurate = _question(
        _l("Are the terms of use still accurate?"),
        _l("Say whether the terms of use are still accurate."),
    )
    hours_kept = _question(
        _l("Are the hours of monitoring being kept?"),
        _l("Say whether the hours of monitoring are being kept."),
    )
    spokespeople_right = _question(
        _l("Are the people named still right?"),
        _l("Say whether the people named are still right."),
    )
    notes = TextAreaField(
        _l("Notes"),
        description=_l("In your own words: anything the next review should know."),
        validators=[Length(max=5000, message=_l("Keep the notes under 5,000 characters."))],
    )
    role = RadioField(_l("You attest as"), validate_choice=False)
    signed_name = StringField(
        _l("Your full name"),
        description=_l("Typing your name signs the attestation."),
        validators=[Length(max=200, message=_l("Keep your name under 200 characters."))],
    )


class DecommissionForm(RegistryForm):
    decommissioned_on = DateField(
        _l("Date closed"),
        validators=[
            plausible_date,
            DataRequired(
                _l("Enter the date the channel was (or will be) closed, e.g. 2026-12-01.")
            ),
        ],
        format="%Y-%m-%d",
        description=_l("Today or earlier closes it now; a later date schedules the closure."),
    )
    reason = TextAreaField(
        _l("Reason"),
        validators=[
            DataRequired(_l("Give the reason the channel is being decommissioned.")),
            Length(max=5000, message=_l("Keep the reason under 5,000 characters.")),
        ],
        description=_l("Kept with the channel's record."),
    )


class ImportForm(RegistryForm):
    channels_csv = FileField(
        _l("Channels spreadsheet (CSV)"),
        validators=[FileRequired(_l("Choose the CSV file to import."))],
        description=_l(
            "Columns: name, platform, handle, url, business unit, liaison email, date "
            "started (the template and the export have them; see the columns below). Save "
            "from Excel as “CSV UTF-8”."
        ),
    )


class ImportRefusalForm(RegistryForm):
    reason = TextAreaField(
        _l("Why you are refusing this import"),
        validators=[
            DataRequired(_l("Say why you are refusing this import: it is kept with the record.")),
            Length(max=5000, message=_l("Keep the reason under 5,000 characters.")),
        ],
        description=_l("The person who submitted it sees this, with your name."),
    )


class FilterForm(RegistryForm):
    """The inventory's filters: a GET form, so every view is a link that can be shared."""

    class Meta:
        csrf = False

    q = StringField(
        _l("Search"),
        description=_l("Channel name or handle."),
        validators=[Length(max=200, message=_l("Search for at most 200 characters."))],
    )
    unit = SelectField(_l("Business unit"), validate_choice=False)
    platform = SelectField(_l("Platform"), validate_choice=False)
    state = SelectField(_l("State"), validate_choice=False)
    review = SelectField(
        _l("Review"),
        choices=choices(
            [
                ("", _l("Any")),
                ("overdue", _l("Review overdue")),
                ("due-soon", _l("Due within 30 days")),
            ]
        ),
        validate_choice=False,
    )
    attention = SelectField(
        _l("Needs attention"),
        choices=choices(
            [
                ("", _l("Any")),
                ("security-incomplete", _l("Account security incomplete")),
                ("policy-unmet", _l("Policy no longer met (people left)")),
            ]
        ),
        validate_choice=False,
    )
    no_charter = BooleanField(_l("No charter on record only"))
    sort = SelectField(
        _l("Sort by"),
        choices=choices(
            [
                ("name", _l("Name")),
                ("platform", _l("Platform")),
                ("unit", _l("Business unit")),
                ("state", _l("State")),
                ("approved", _l("Approval date")),
                ("review", _l("Review due")),
            ]
        ),
        validate_choice=False,
    )
    direction = SelectField(
        _l("Order"),
        choices=choices([("asc", _l("Ascending")), ("desc", _l("Descending"))]),
        validate_choice=False,
    )
    per_page = SelectField(
        _l("Per page"),
        choices=choices([("25", "25"), ("50", "50"), ("100", "100")]),
        validate_choice=False,
    )


class AccountSecurityForm(RegistryForm):
    admins = MultiCheckboxField(
        _l("People with admin access on the platform"),
        coerce=chosen_id,
        validate_choice=False,
        description=_l("At least two agency staff, so the account never depends on one person."),
    )
    mfa_enabled = BooleanField(_l("Multi-factor authentication is on for every admin"))
    recovery_email = StringField(
        _l("Recovery email"),
        validators=[
            Optional(),
            Email(_l("Enter an email address, e.g. comms@ethniccommunities.govt.nz.")),
            Length(max=254),
        ],
    )
    credentials_reference = StringField(
        _l("Where the credentials are held"),
        validators=[Length(max=300, message=_l("Keep this under 300 characters."))],
        description=_l(
            "A reference such as “Comms password vault, item MEC Pasifika” — never the password."
        ),
    )
    last_access_review = DateField(
        _l("Last access review"),
        validators=[plausible_date, Optional()],
        format="%Y-%m-%d",
        description=_l("When someone last checked who has access on the platform."),
    )
    # What the page showed (``security_models.security_version``): a stale tab's save is refused.
    version = HiddenField()
