from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from registry.forms import RegistryForm


class VerifyUploadForm(RegistryForm):
    charter_pdf = FileField(
        _l("Charter PDF"),
        validators=[FileRequired(_l("Choose the charter PDF file to check."))],
        description=_l("The file is compared by its SHA-256 and not kept."),
    )


class LookupForm(RegistryForm):
    number = StringField(
        _l("Charter number"),
        validators=[
            DataRequired(
                _l("Enter the charter number printed on the charter, e.g. MEC-CH-2026-0007.")
            ),
            Length(
                max=40,
                message=_l("A charter number is shorter than that, e.g. MEC-CH-2026-0007."),
            ),
        ],
        description=_l("Printed at the top of every page of the charter, e.g. MEC-CH-2026-0007."),
    )
