"""The administrator's subscription form. Staff pages: English only, through _() all the same."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField, TextAreaField
from wtforms.validators import DataRequired, Length

from registry.forms import RegistryForm


class SubscriptionForm(RegistryForm):
    agency_name = StringField(
        _l("Agency name"),
        validators=[DataRequired(_l("Enter the agency's name.")), Length(max=200)],
        description=_l("As the public knows it, e.g. Inland Revenue."),
    )
    register_url = StringField(
        _l("Register address"),
        validators=[
            DataRequired(_l("Enter the address of the agency's public register.")),
            Length(max=500),
        ],
        description=_l("Its public register page, where our lookup sends people to check."),
    )
    feed_url = StringField(
        _l("Feed address"),
        validators=[
            DataRequired(_l("Enter the address of the agency's signed channels document.")),
            Length(max=500),
        ],
        description=_l("Its signed channels document, ending /api/public/v1/channels.json."),
    )
    public_key = TextAreaField(
        _l("Public key"),
        validators=[DataRequired(_l("Enter the agency's public key.")), Length(max=2000)],
        description=_l(
            "Ed25519: the PEM block or the base64 key from its keys document. Get it from the "
            "agency itself, not from the same server as the feed, and check its key id with them."
        ),
    )


class ConfirmForm(RegistryForm):
    """A button that changes something: nothing to fill in but the CSRF token."""
