"""The proposal form, in the sections and with the labels the policy's readers know."""

from __future__ import annotations

from datetime import time

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    FieldList,
    FormField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    TimeField,
)
from wtforms.validators import Length, Optional, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from registry.auth.people_picker import PeoplePickerField
from registry.auth.people_search import Pool
from registry.forms import RegistryForm, choices, chosen_id, clean_identifier, optional_id
from registry.policy.content import WEEKDAYS
from registry.policy.platforms import PLATFORMS, handle_problem

LANGUAGES = (
    "English",
    "te reo Māori",
    "NZ Sign Language",
    "Samoan",
    "Tongan",
    "Hindi",
    "Punjabi",
    "Gujarati",
    "Urdu",
    "Mandarin Chinese",
    "Cantonese",
    "Korean",
    "Japanese",
    "Tagalog",
    "Vietnamese",
    "Arabic",
    "Farsi",
    "Somali",
    "Spanish",
    "French",
)
MAX_LINKS = 20
# The form's people questions, and who each may name (the people search answers for these).
PEOPLE_FIELDS = {
    "liaison": Pool.COMMUNICATIONS_TEAM,
    "spokespeople": Pool.STAFF,
    "peer_reviewers": Pool.STAFF,
    "information_contact": Pool.STAFF,
}
WINDOW_ROWS_BLANK = 2  # empty rows offered below the filled ones
MAX_WINDOWS = 28


class MultiCheckboxField(SelectMultipleField):
    """A group of checkboxes: easier to use than a multi-select, with a keyboard or without."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WindowForm(RegistryForm):
    """One weekly monitoring window. CSRF lives on the outer form."""

    class Meta:
        csrf = False

    weekday = SelectField(
        _l("Day"),
        choices=choices([("", _l("Choose a day"))] + list(enumerate(WEEKDAYS))),
        validate_choice=False,
        coerce=optional_id,
    )
    starts = TimeField(_l("From"), validators=[Optional()], format="%H:%M")
    ends = TimeField(_l("To"), validators=[Optional()], format="%H:%M")

    def validate(self, extra_validators=None) -> bool:  # noqa: ANN001
        ok = super().validate(extra_validators)
        for time_field in (self.starts, self.ends):
            if time_field.errors:
                time_field.errors = [_("Enter the time as HH:MM on a 24-hour clock, e.g. 08:30.")]
        # A time counts as given only once it parsed: whitespace is blank, "25:99" has its
        # own error above.
        filled = [
            self.weekday.data is not None,
            self.starts.data is not None or bool(self.starts.errors),
            self.ends.data is not None or bool(self.ends.errors),
        ]
        if any(filled) and not all(filled):
            self.weekday.errors = [
                *self.weekday.errors,
                _("Give this window a day, a start and an end time, or clear all three."),
            ]
            ok = False
        if self.weekday.data is not None and not 0 <= self.weekday.data <= 6:
            self.weekday.errors = [*self.weekday.errors, _("Choose a day from the list.")]
            ok = False
        return ok

    @property
    def is_blank(self) -> bool:
        return self.weekday.data is None and not self.starts.data and not self.ends.data


class ProposalForm(RegistryForm):
    version = HiddenField()

    # About the channel
    channel_name = StringField(
        _l("Channel name"),
        validators=[Length(max=200, message=_l("Keep the channel name under 200 characters."))],
        description=_l("The name people will see, e.g. “MEC Pasifika Communities”."),
    )
    platform = SelectField(
        _l("Platform"),
        choices=choices([("", _l("Choose a platform"))] + list(PLATFORMS.items())),
        validate_choice=False,
    )
    platform_other = StringField(
        _l("Other platform name"),
        validators=[Length(max=100, message=_l("Keep the platform name under 100 characters."))],
        description=_l("Only if the platform is “Other”."),
    )
    handle = StringField(
        _l("Handle"),
        filters=[clean_identifier],
        validators=[Length(max=200, message=_l("Keep the handle under 200 characters."))],
        description=_l("The account name on the platform, e.g. @MECPasifika."),
    )
    channel_url = StringField(
        _l("Channel URL"),
        filters=[clean_identifier],
        # Whether the address is the channel's own page is the policy check's decision
        # (SMP-CHANNEL-URL), so a draft can be saved and the report says what to fix.
        validators=[Length(max=500, message=_l("Keep the address under 500 characters."))],
        description=_l("Leave blank if the account does not exist yet."),
    )
    business_unit = SelectField(_l("Business unit"), coerce=optional_id, validate_choice=False)
    purpose = TextAreaField(
        _l("Purpose"),
        validators=[Length(max=5000, message=_l("Keep the purpose under 5,000 characters."))],
        description=_l("What the channel is for and why existing channels cannot do it."),
    )
    audience = TextAreaField(
        _l("Audience"),
        validators=[Length(max=5000, message=_l("Keep the audience under 5,000 characters."))],
        description=_l("Who the channel is for."),
    )
    languages = MultiCheckboxField(
        _l("Languages"), choices=choices((language, language) for language in LANGUAGES)
    )
    other_languages = StringField(
        _l("Other languages"),
        validators=[Length(max=500, message=_l("Keep this under 500 characters."))],
        description=_l("Any other languages, separated by commas."),
    )

    # Terms of use and monitoring
    terms_of_use = TextAreaField(
        _l("Terms of use"),
        validators=[
            Length(max=20000, message=_l("Keep the terms of use under 20,000 characters."))
        ],
        description=_l(
            "The text you will publish on the channel. It must state the monitoring hours."
        ),
    )
    # No max_entries: WTForms would drop rows past it unseen, and refuse (500) the blank
    # rows the page adds below the filled ones. validate_monitoring_windows counts instead;
    # the view keeps row numbers to three digits.
    monitoring_windows = FieldList(FormField(WindowForm), min_entries=1)
    out_of_hours_message = TextAreaField(
        _l("Out-of-hours message"),
        validators=[Length(max=2000, message=_l("Keep this message under 2,000 characters."))],
        description=_l("What people are told when they write outside the monitoring hours."),
    )

    # Profile and links
    profile_statement = TextAreaField(
        _l("Profile statement"),
        validators=[
            Length(max=2000, message=_l("Keep the profile statement under 2,000 characters."))
        ],
        description=_l(
            "The channel's bio or about text. It must say the channel is supported by the agency."
        ),
    )
    profile_links = TextAreaField(
        _l("Profile links"),
        validators=[Length(max=MAX_LINKS * 500, message=_l("That is too much text for links."))],
        description=_l("One web address per line. Include the agency website."),
    )
    related_channels = MultiCheckboxField(
        _l("Related channels"), coerce=chosen_id, validate_choice=False
    )
    no_related_reason = TextAreaField(
        _l("Reason no related channel applies"),
        validators=[Length(max=2000, message=_l("Keep the reason under 2,000 characters."))],
        description=_l("Only if none of the agency's registered channels is relevant to link to."),
    )

    # People: searched for, never listed in full (thousands of staff).
    liaison = PeoplePickerField(
        _l("Communications liaison"),
        pool=PEOPLE_FIELDS["liaison"],
        description=_l("The member of the Communications team who manages the channel with you."),
    )
    spokespeople = PeoplePickerField(
        _l("Authorised spokespeople"),
        pool=PEOPLE_FIELDS["spokespeople"],
        multiple=True,
        description=_l("Only these people post on the channel."),
    )
    peer_reviewers = PeoplePickerField(
        _l("Peer reviewers"),
        pool=PEOPLE_FIELDS["peer_reviewers"],
        multiple=True,
        description=_l(
            "They check each post's facts, tone, spelling and grammar before it goes out."
        ),
    )
    information_contact = PeoplePickerField(
        _l("Information requests contact"),
        pool=PEOPLE_FIELDS["information_contact"],
        description=_l(
            "Answers requests for information received via the channel, under the "
            "Official Information Act."
        ),
    )

    # Confirmation
    neutrality_confirmed = BooleanField(
        _l("I confirm political and commercial neutrality, privacy and copyright"),
        description=_l(
            "Likes, follows and shares stay politically and commercially neutral, and "
            "posts will not breach privacy (Privacy Act 2020), copyright or other law."
        ),
    )

    def validate_handle(self, field: StringField) -> None:
        handle = (field.data or "").strip()
        if handle and self.platform.data:
            problem = handle_problem(self.platform.data, handle)
            if problem:
                raise ValidationError(problem)

    def validate_platform(self, field: SelectField) -> None:
        if field.data and field.data not in PLATFORMS:
            raise ValidationError(_("Choose the platform from the list, or “Other”."))

    def validate_platform_other(self, field: StringField) -> None:
        if self.platform.data == "other" and not (field.data or "").strip():
            raise ValidationError(_("Name the platform, since you chose “Other”."))

    def validate_profile_links(self, field: TextAreaField) -> None:
        links = [line for line in (field.data or "").splitlines() if line.strip()]
        if len(links) > MAX_LINKS:
            raise ValidationError(_("List at most %(num)d links, one per line.", num=MAX_LINKS))
        if any(len(line.strip()) > 500 for line in links):
            raise ValidationError(_("Each link must be under 500 characters."))

    def validate_monitoring_windows(self, field: FieldList) -> None:
        filled = [entry for entry in field.entries if not entry.form.is_blank]
        if len(filled) > MAX_WINDOWS:
            raise ValidationError(_("List at most %(num)d monitoring windows.", num=MAX_WINDOWS))


def _split_languages(form: ProposalForm) -> list[str]:
    chosen = list(form.languages.data or [])
    extra = [part.strip() for part in (form.other_languages.data or "").split(",")]
    for language in extra:
        if language and language.casefold() not in {c.casefold() for c in chosen}:
            chosen.append(language[:100])
    return chosen


def content_from_form(form: ProposalForm) -> dict:
    """The canonical content of a proposal revision, from a validated form."""

    def text(field: StringField) -> str:
        return (field.data or "").strip()

    windows = sorted(
        (
            {
                "weekday": entry.form.weekday.data,
                "starts": entry.form.starts.data.strftime("%H:%M"),
                "ends": entry.form.ends.data.strftime("%H:%M"),
            }
            for entry in form.monitoring_windows.entries
            if not entry.form.is_blank
        ),
        key=lambda w: (w["weekday"], w["starts"], w["ends"]),
    )
    return {
        "channel_name": text(form.channel_name),
        "platform": form.platform.data or "",
        "platform_other": text(form.platform_other) if form.platform.data == "other" else "",
        "handle": text(form.handle),
        "channel_url": text(form.channel_url),
        "business_unit_id": form.business_unit.data,
        "purpose": text(form.purpose),
        "audience": text(form.audience),
        "languages": _split_languages(form),
        "terms_of_use": text(form.terms_of_use),
        "monitoring_windows": windows,
        "out_of_hours_message": text(form.out_of_hours_message),
        "profile_statement": text(form.profile_statement),
        "profile_links": [
            line.strip() for line in (form.profile_links.data or "").splitlines() if line.strip()
        ],
        "related_channel_ids": sorted(set(form.related_channels.data or [])),
        "no_related_reason": text(form.no_related_reason),
        "liaison_id": form.liaison.data,
        "spokespeople_ids": sorted(set(form.spokespeople.data or [])),
        "peer_reviewer_ids": sorted(set(form.peer_reviewers.data or [])),
        "information_contact_id": form.information_contact.data,
        "neutrality_confirmed": bool(form.neutrality_confirmed.data),
    }


def form_data_from_content(content: dict, version: int | None) -> dict:
    """What to pre-fill the form with, from stored content."""
    languages = content.get("languages", [])
    return {
        "version": "" if version is None else str(version),
        "channel_name": content.get("channel_name", ""),
        "platform": content.get("platform", ""),
        "platform_other": content.get("platform_other", ""),
        "handle": content.get("handle", ""),
        "channel_url": content.get("channel_url", ""),
        "business_unit": content.get("business_unit_id"),
        "purpose": content.get("purpose", ""),
        "audience": content.get("audience", ""),
        "languages": [language for language in languages if language in LANGUAGES],
        "other_languages": ", ".join(lang for lang in languages if lang not in LANGUAGES),
        "terms_of_use": content.get("terms_of_use", ""),
        "monitoring_windows": [
            {
                "weekday": w["weekday"],
                "starts": time.fromisoformat(w["starts"]),
                "ends": time.fromisoformat(w["ends"]),
            }
            for w in content.get("monitoring_windows", [])
        ],
        "out_of_hours_message": content.get("out_of_hours_message", ""),
        "profile_statement": content.get("profile_statement", ""),
        "profile_links": "\n".join(content.get("profile_links", [])),
        "related_channels": content.get("related_channel_ids", []),
        "no_related_reason": content.get("no_related_reason", ""),
        "liaison": content.get("liaison_id"),
        "spokespeople": content.get("spokespeople_ids", []),
        "peer_reviewers": content.get("peer_reviewer_ids", []),
        "information_contact": content.get("information_contact_id"),
        "neutrality_confirmed": bool(content.get("neutrality_confirmed")),
    }
