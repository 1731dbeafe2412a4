"""The form that records an election period."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import StringField
from wtforms.validators import DataRequired, Length

from registry.form_dates import DateField
from registry.forms import RegistryForm, plausible_date


class ElectionPeriodForm(RegistryForm):
    name = StringField(
        _l("Name"),
        validators=[
            DataRequired(_l("Name the election period, e.g. “2026 general election”.")),
            Length(max=200),
        ],
    )
    starts_on = DateField(
        _l("Start date"),
        validators=[plausible_date, DataRequired(_l("Enter the first day, e.g. 2026-08-07."))],
        format="%Y-%m-%d",
    )
    ends_on = DateField(
        _l("End date"),
        validators=[DataRequired(_l("Enter the last day (election day), e.g. 2026-11-07."))],
        format="%Y-%m-%d",
    )
