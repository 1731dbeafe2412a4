"""The Communications team's introduction to the transparency statement."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, TextAreaField
from wtforms.validators import DataRequired, Length

from registry.forms import RegistryForm

MAX_INTRODUCTION = 5000


class IntroductionForm(RegistryForm):
    english = TextAreaField(
        _l("Introduction in English"),
        validators=[
            DataRequired(_l("Write the introduction in English.")),
            Length(
                max=MAX_INTRODUCTION,
                message=_l("Keep the introduction under 5,000 characters."),
            ),
        ],
        description=_l("Shown at the top of the statement. Blank lines start new paragraphs."),
    )
    te_reo = TextAreaField(
        _l("Introduction in te reo Māori (optional)"),
        validators=[
            Length(
                max=MAX_INTRODUCTION,
                message=_l("Keep the te reo Māori introduction under 5,000 characters."),
            )
        ],
        description=_l(
            "Shown on the te reo Māori page. Without it, that page shows the English "
            "introduction, marked as English."
        ),
    )
    # The version the page showed: a save over someone else's newer introduction is refused.
    based_on = HiddenField()
