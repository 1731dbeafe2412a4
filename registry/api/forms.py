"""The form on the API tokens page."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from registry.api.services import NAME_MAX_LENGTH
from registry.forms import RegistryForm


class TokenForm(RegistryForm):
    name = StringField(
        _l("Token name"),
        validators=[
            DataRequired(
                _l("Enter a name for the token, e.g. the report or script that will use it.")
            ),
            Length(
                max=NAME_MAX_LENGTH,
                # Length fills in %(max)d.
                message=_l("Keep the token name to %(max)d characters or fewer."),
            ),
        ],
        description=_l(
            "What will use it, so you can tell your tokens apart, e.g. Monthly channel report."
        ),
    )
