from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from registry.forms import RegistryForm, clean_identifier


class AccountIdForm(RegistryForm):
    platform_account_id = StringField(
        _l("Platform account id"),
        filters=[clean_identifier],
        validators=[Length(max=200, message=_l("Keep the account id under 200 characters."))],
        description=_l(
            "The platform's own id for the account, copied from its page. Leave it empty to "
            "clear it."
        ),
    )


class ResolveFlagForm(RegistryForm):
    note = TextAreaField(
        _l("What was found and done"),
        validators=[
            DataRequired(_l("Say what was found and done: the note is kept with the record.")),
            Length(max=5000, message=_l("Keep the note under 5,000 characters.")),
        ],
        description=_l(
            "Kept with the channel's record. Resolving a new page name makes it the name later "
            "checks compare with."
        ),
    )
