"""What every form shares: domain errors shown at the right field, dates, choices."""

from __future__ import annotations

import re
from collections.abc import Iterable
from datetime import date

from flask_wtf import FlaskForm
from wtforms import FieldList, FormField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError

from registry.database import MAX_ROW_ID
from registry.errors import RegistryError

# C0/C1 control characters other than tab and newline: no person types them, PostgreSQL
# refuses NUL in text, and they can forge lines in logs.
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")


def clean_text(value: object) -> object:
    """Normalise newlines and drop control characters from anything a person typed."""
    if isinstance(value, str):
        return _CONTROL.sub("", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value


class RegistryForm(FlaskForm):
    """Every form's base: typed text is cleaned before any validator sees it."""

    class Meta:
        def bind_field(self, form, unbound_field, options):  # noqa: ANN001, ANN201
            filters = unbound_field.kwargs.get("filters", [])
            takes_filters = not issubclass(unbound_field.field_class, FieldList | FormField)
            if takes_filters and clean_text not in filters:
                unbound_field.kwargs["filters"] = [clean_text, *filters]
            return unbound_field.bind(form=form, **options)


def show_error(
    form: FlaskForm, error: RegistryError, field_map: dict[str, str] | None = None
) -> None:
    """Attach a service's error to the field it names (or the whole form)."""
    name = (field_map or {}).get(error.field or "", error.field)
    field = form._fields.get(name) if name else None
    if field is not None:
        field.errors = [*field.errors, error.message] if field.errors else [error.message]
    else:
        form.form_errors.append(error.message)


def form_has_errors(form: FlaskForm) -> bool:
    return bool(form.form_errors) or any(f.errors for f in form)


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Options for a select, from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def error_items(form: FlaskForm) -> list[tuple[str | None, str]]:
    """Every error on a form as (field id to link to, message), nested fields flattened."""
    items: list[tuple[str | None, str]] = [(None, message) for message in form.form_errors]

    def walk(field) -> None:  # noqa: ANN001
        if field.type == "CSRFTokenField":
            return
        if field.type == "FieldList":
            if isinstance(field.errors, list):
                items.extend((field.id, m) for m in field.errors if isinstance(m, str))
            for entry in field.entries:
                walk(entry)
            return
        if field.type == "FormField":
            for sub in field.form:
                walk(sub)
            return
        for message in field.errors or []:
            if isinstance(message, str):
                items.append((field.id, message))

    for field in form:
        walk(field)
    return items


_ID = re.compile(r"[0-9]{1,10}")


def parse_id(value: object) -> int | None:
    """A whole number typed as ASCII digits (not "²", not "1e9"), small enough for an id."""
    text = str(value).strip() if value is not None else ""
    if not _ID.fullmatch(text) or int(text) > MAX_ROW_ID:
        return None
    return int(text)


def optional_id(value: object) -> int | None:
    """Coerce a select's value to a row id, or None for the blank choice (or anything odd)."""
    return parse_id(value)


def chosen_id(value: object) -> int:
    """Coerce a checkbox group's value to a row id; anything else is a validation error."""
    parsed = parse_id(value)
    if parsed is None:
        raise ValueError("Choose from the list.")
    return parsed


EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def plausible_date(form: FlaskForm, field) -> None:  # noqa: ANN001
    """Refuse dates no record of the registry could carry (a typo like 0001-01-01)."""
    if field.data is not None and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError(
            f"Enter a date between {EARLIEST_DATE.year} and {LATEST_DATE.year}, as YYYY-MM-DD."
        )
