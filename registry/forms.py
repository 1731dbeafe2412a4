"""What every form shares: domain errors shown at the right field, dates, choices."""

from __future__ import annotations

from collections.abc import Iterable

from flask_wtf import FlaskForm
from wtforms.fields.choices import SelectChoice

from registry.errors import RegistryError


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
