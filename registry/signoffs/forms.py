from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, TextAreaField
from wtforms.validators import DataRequired, Length

from registry.forms import RegistryForm


class DecisionForm(RegistryForm):
    # The revision the signatory read; a decision on any other revision is refused.
    revision_number = HiddenField()
    content_sha256 = HiddenField()
    capacity = SelectField(_l("Sign as"), validate_choice=False)
    comment = TextAreaField(
        _l("Comment"),
        validators=[Length(max=5000, message=_l("Keep the comment under 5,000 characters."))],
        description=_l("Required to request changes or decline: the proposer sees it."),
    )


class ReplyForm(RegistryForm):
    body = TextAreaField(
        _l("Your reply"),
        validators=[
            DataRequired(
                _l("Write your reply to the comment: say what you changed or why it should stand.")
            ),
            Length(max=5000, message=_l("Keep the reply under 5,000 characters.")),
        ],
        description=_l("The signatories see your reply beside their comment."),
    )
