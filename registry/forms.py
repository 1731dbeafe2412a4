"""What every form shares: domain errors shown at the right field, dates, choices."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date

from flask_babel import gettext as _
from flask_wtf import FlaskForm
from jinja2 import pass_context
from jinja2.runtime import Context
from markupsafe import Markup, escape
from wtforms import EmailField, FieldList, Form, FormField, PasswordField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import ValidationError
from wtforms.widgets import Select

from registry.database import MAX_ROW_ID
from registry.errors import RegistryError
from registry.policy.text import TextKind, clean_text


def _cleaner(kind: TextKind) -> Callable[[object], object]:
    def clean(value: object) -> object:
        return clean_text(value, kind) if isinstance(value, str) else value

    clean.__name__ = f"clean_{kind.value}"
    return clean


clean_prose = _cleaner(TextKind.PROSE)
clean_line = _cleaner(TextKind.LINE)
clean_identifier = _cleaner(TextKind.IDENTIFIER)
clean_secret = _cleaner(TextKind.SECRET)
_CLEANERS = (clean_prose, clean_line, clean_identifier, clean_secret)


def _kind_of(field_class: type) -> Callable[[object], object]:
    """The cleaning a field gets unless it names its own (handles and addresses do)."""
    if issubclass(field_class, PasswordField):
        return clean_secret
    if issubclass(field_class, EmailField):
        return clean_identifier
    if issubclass(field_class, TextAreaField):
        return clean_prose
    return clean_line


class QuickSelect(Select):
    """WTForms' select, writing each plain option directly: the same HTML, without building
    and sorting an attribute dictionary per option, which was most of the inventory filter
    form's rendering time."""

    @classmethod
    def render_option(cls, choice, **kwargs) -> Markup:  # noqa: ANN001, ANN003
        if kwargs or choice.render_kw or not isinstance(choice.value, str):
            return super().render_option(choice, **kwargs)
        label = escape(choice.label or choice.value)
        selected = "selected " if choice.selected else ""
        # Every part is escaped or a constant (Markup.format would do the same, slowly).
        value = escape(choice.value)
        return Markup(f'<option {selected}value="{value}">{label}</option>')  # noqa: S704


class RegistryForm(FlaskForm):
    """Every form's base: typed text is cleaned (registry.policy.text) before any validator
    sees it, as every other door cleans it."""

    class Meta:
        def bind_field(self, form, unbound_field, options):  # noqa: ANN001, ANN201
            filters = unbound_field.kwargs.get("filters", [])
            takes_filters = not issubclass(unbound_field.field_class, FieldList | FormField)
            if takes_filters and not any(f in _CLEANERS for f in filters):
                unbound_field.kwargs["filters"] = [_kind_of(unbound_field.field_class), *filters]
            widget = getattr(unbound_field.field_class, "widget", None)
            if type(widget) is Select and "widget" not in unbound_field.kwargs:
                unbound_field.kwargs["widget"] = QuickSelect(multiple=widget.multiple)
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


@dataclass
class Refusal:
    """What ``redisplay_on_refusal`` caught: falsy until a service refused."""

    error: RegistryError | None = None

    def __bool__(self) -> bool:
        return self.error is not None

    @property
    def status(self) -> int:
        """The status to answer with while the page is shown again: the error's own when the
        action was refused (403 forbidden, 404, 409 state conflict); 200 when what was typed
        needs correcting, as for a form that failed validation."""
        if self.error is None or self.error.status == 400:
            return 200
        return self.error.status

    @property
    def message(self) -> str:
        return self.error.message if self.error is not None else ""


@contextmanager
def redisplay_on_refusal(
    form: FlaskForm | None = None, field_map: dict[str, str] | None = None
) -> Iterator[Refusal]:
    """The one way a view shows a refused action on its own page, so nothing typed is lost.

    Inside the block, a domain error is caught: the service's changes are rolled back, the
    message goes to the field it names (or the form's error summary) and the view renders the
    same page again with what was posted and ``refusal.status``::

        with redisplay_on_refusal(form) as refusal:
            services.decide(...)
        if refusal:
            return page(form), refusal.status

    Anything the view does not show itself propagates to the app's one error handler.
    """
    from registry.extensions import db

    refusal = Refusal()
    try:
        yield refusal
    except RegistryError as error:
        db.session.rollback()
        refusal.error = error
        if form is not None:
            show_error(form, error, field_map)


def form_has_errors(form: FlaskForm) -> bool:
    return bool(form.form_errors) or any(f.errors for f in form)


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    """Options for a select, from (value, label) pairs."""
    return [SelectChoice(str(value), label) for value, label in pairs]


def _is_message(error: object) -> bool:
    """A message (a str, or a translation still to be looked up), not a nested field's errors."""
    return not isinstance(error, list | tuple | dict)


def error_items(form: FlaskForm) -> list[tuple[str | None, str]]:
    """Every error on a form as (field id to link to, message), nested fields flattened."""
    items: list[tuple[str | None, str]] = [(None, message) for message in form.form_errors]

    def walk(field) -> None:  # noqa: ANN001
        if field.type == "CSRFTokenField":
            return
        if field.type == "FieldList":
            if isinstance(field.errors, list):
                items.extend((field.id, str(m)) for m in field.errors if _is_message(m))
            for entry in field.entries:
                walk(entry)
            return
        if field.type == "FormField":
            for sub in field.form:
                walk(sub)
            return
        for message in field.errors or []:
            if _is_message(message):
                items.append((field.id, str(message)))

    for field in form:
        walk(field)
    return items


def _forms_in(value: object) -> Iterator[Form]:
    if isinstance(value, Form):
        yield value
    elif isinstance(value, dict | list | tuple):
        for item in value.values() if isinstance(value, dict) else value:
            if isinstance(item, Form):
                yield item


@pass_context
def page_shows_errors(context: Context) -> bool:
    """Whether the page being rendered is shown again after a failed submit: a form on it
    carries errors, or its template set ``page_error`` (a summary of its own, e.g. a file that
    cannot be imported). base.html then starts the title with "Error:", once for every page."""
    if context.get("page_error"):
        return True
    return any(
        error_items(form) for value in context.get_all().values() for form in _forms_in(value)
    )


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
        raise ValueError(_("Choose from the list."))
    return parsed


EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2100, 12, 31)


def plausible_date(form: FlaskForm, field) -> None:  # noqa: ANN001
    """Refuse dates no record of the registry could carry (a typo like 0001-01-01)."""
    if field.data is not None and not EARLIEST_DATE <= field.data <= LATEST_DATE:
        raise ValidationError(
            _(
                "Enter a date between %(earliest)d and %(latest)d, as YYYY-MM-DD.",
                earliest=EARLIEST_DATE.year,
                latest=LATEST_DATE.year,
            )
        )
