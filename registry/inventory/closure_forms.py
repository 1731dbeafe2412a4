"""The closing checklist's forms: one per item that needs something entered, and the form
that unticks an item. Field names are the detail names ``inventory.checklist`` checks, so a
refusal lands at its field."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import BooleanField, RadioField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, ValidationError

from registry.forms import RegistryForm, choices, clean_identifier
from registry.inventory.checklist import HANDLE_DORMANT, HANDLE_RELEASED


class FinalPostForm(RegistryForm):
    post_url = StringField(
        _l("Address of the final post"),
        filters=[clean_identifier],
        validators=[
            DataRequired(_l("Enter the address of the final post, e.g. https://…")),
            Length(max=500, message=_l("Keep the address under 500 characters.")),
        ],
        description=_l("The post announcing the closure, e.g. https://www.facebook.com/…"),
    )
    points_to = StringField(
        _l("Where it points people"),
        validators=[
            DataRequired(
                _l(
                    "Say where the final post points people, e.g. the agency website or "
                    "another channel."
                )
            ),
            Length(max=500, message=_l("Keep it under 500 characters.")),
        ],
        description=_l("Where people should go now: a website address or another channel."),
    )


class ProfileForm(RegistryForm):
    confirmed = BooleanField(
        _l("The channel's profile says the channel is closed"),
        validators=[DataRequired(_l("Confirm the channel's profile now says it is closed."))],
    )


class HandleForm(RegistryForm):
    outcome = RadioField(
        _l("What happens to the handle"),
        choices=choices(
            [
                (HANDLE_DORMANT, _l("Kept dormant, so nobody else can take it")),
                (HANDLE_RELEASED, _l("Released")),
            ]
        ),
        default=HANDLE_DORMANT,
        validators=[DataRequired(_l("Choose whether the handle is kept dormant or released."))],
    )
    release_reason = TextAreaField(
        _l("Why the handle is released"),
        validators=[Length(max=2000, message=_l("Keep the reason under 2,000 characters."))],
        description=_l("Only if released: anyone could then take the handle."),
    )

    def validate_release_reason(self, field: TextAreaField) -> None:
        if self.outcome.data == HANDLE_RELEASED and not (field.data or "").strip():
            raise ValidationError(
                _l("Give the reason the handle is released: anyone could then take it.")
            )


class RecordsForm(RegistryForm):
    disposal_authority = StringField(
        _l("Disposal authority reference"),
        validators=[
            DataRequired(
                _l(
                    "Enter the reference of the records disposal authority the content is "
                    "kept under."
                )
            ),
            Length(max=200, message=_l("Keep the reference under 200 characters.")),
        ],
        description=_l("The records disposal authority the exported content is kept under."),
    )
    export_location = StringField(
        _l("Where the export is kept"),
        validators=[
            DataRequired(_l("Say where the exported content is kept, e.g. its file reference.")),
            Length(max=500, message=_l("Keep it under 500 characters.")),
        ],
        description=_l("E.g. the file reference in the records system."),
    )


class UntickForm(RegistryForm):
    reason = TextAreaField(
        _l("Why it is unticked"),
        validators=[
            DataRequired(_l("Give the reason the item is unticked.")),
            Length(max=500, message=_l("Keep the reason under 500 characters.")),
        ],
        description=_l("Kept in the channel's history."),
    )


FORMS: dict[str, type[RegistryForm]] = {
    "final-post": FinalPostForm,
    "profile": ProfileForm,
    "handle": HandleForm,
    "records": RecordsForm,
}


def details_of(form: RegistryForm) -> dict[str, str]:
    """What the form holds, as the checklist service takes it."""
    if isinstance(form, ProfileForm):
        return {"confirmed": "yes" if form.confirmed.data else ""}
    return {
        name: (field.data or "") for name, field in form._fields.items() if name != "csrf_token"
    }
