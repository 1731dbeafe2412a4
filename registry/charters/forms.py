from __future__ import annotations

from flask_wtf.file import FileField, FileRequired
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from registry.forms import RegistryForm


class VerifyUploadForm(RegistryForm):
    charter_pdf = FileField(
        "Charter PDF",
        validators=[FileRequired("Choose the charter PDF file to check.")],
        description="The file is compared by its SHA-256 and not kept.",
    )


class LookupForm(RegistryForm):
    number = StringField(
        "Charter number",
        validators=[
            DataRequired("Enter the charter number printed on the charter, e.g. MEC-CH-2026-0007."),
            Length(max=40, message="A charter number is shorter than that, e.g. MEC-CH-2026-0007."),
        ],
        description="Printed at the top of every page of the charter, e.g. MEC-CH-2026-0007.",
    )
