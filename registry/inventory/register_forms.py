"""The public register's forms: the "is this official?" lookup and the platform filter.

Their words are on a public page, so each has its te reo Māori translation too."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import SelectField, StringField
from wtforms.validators import DataRequired, Length

from registry.forms import RegistryForm


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
