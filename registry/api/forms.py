"""The form on the API tokens page."""

from __future__ import annotations

from wtforms import StringField
from wtforms.validators import DataRequired, Length

from registry.api.services import NAME_MAX_LENGTH
from registry.forms import RegistryForm


class TokenForm(RegistryForm):
    name = StringField(
        "Token name",
        validators=[
            DataRequired("Enter a name for the token, e.g. the report or script that will use it."),
            Length(
                max=NAME_MAX_LENGTH,
                message=f"Keep the token name to {NAME_MAX_LENGTH} characters or fewer.",
            ),
        ],
        description=(
            "What will use it, so you can tell your tokens apart, e.g. Monthly channel report."
        ),
    )
