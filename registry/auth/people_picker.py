"""A form field for choosing people by searching, not from a list of everyone.

It posts what a checkbox group or a select of people posted (the chosen ids under the field's
name), so validation and stored content are unchanged. The one field macro draws it with its
widget (``templates/macros/people_picker.html``): the people chosen, a search box with a
"Find people" button and, after a search, the people found as checkboxes (radios for one
person) to tick. ``static/js/registry.js`` turns that into a combobox that searches as the
person types (``search_endpoint``).
"""

from __future__ import annotations

from typing import Any

from flask import get_template_attribute, url_for
from flask_babel import gettext as _
from markupsafe import Markup
from wtforms import Field
from wtforms.utils import unset_value
from wtforms.validators import ValidationError

from registry.auth.people import people_by_id
from registry.auth.people_search import Found, Pool, search_people
from registry.forms import clean_line, parse_id

MAX_CHOSEN = 100  # far more than any channel names; a post with more is not from the page


def _shown(user: Any) -> Found:
    unit = user.business_unit.name if user.business_unit is not None else None
    return Found(user.id, user.display_name, user.email, unit)


class PeoplePickerWidget:
    """Draws the question with the macro in ``templates/macros/people_picker.html`` (escaped as
    every template is: a macro's call returns markup Jinja built)."""

    def __call__(self, field: PeoplePickerField, **kwargs: Any) -> Markup:
        # From the field macro: its hint, the ids describing the group, its classes (WTForms
        # hands "class_" on as "class").
        draw = get_template_attribute("macros/people_picker.html", "people_picker")
        classes = kwargs.get("class", kwargs.get("class_", ""))
        return draw(field, kwargs.get("hint_text"), list(kwargs.get("described", ())), classes)


class PeoplePickerField(Field):
    """The ids of the people chosen: a list (``multiple``) or one id or None.

    ``pool`` says who may be found; whoever is already chosen stays shown even if they are no
    longer in it (left for the policy check to report, as before).
    """

    widget = PeoplePickerWidget()

    def __init__(
        self,
        label: str | None = None,
        validators: list | None = None,
        pool: Pool = Pool.STAFF,
        multiple: bool = False,
        search_endpoint: str = "people.search",
        **kwargs: Any,
    ) -> None:
        super().__init__(label, validators, **kwargs)
        self.pool = pool
        self.multiple = multiple
        self.search_endpoint = search_endpoint
        self.query = ""  # what was typed in the search box
        self.searched = False
        self.matches: list[Found] = []
        self.more = False

    @property
    def search_name(self) -> str:
        return f"{self.name}-search"

    @property
    def search_url(self) -> str:
        return url_for(self.search_endpoint, field=self.name)

    def process(self, formdata, data=unset_value, extra_filters=None) -> None:  # noqa: ANN001
        super().process(formdata, data, extra_filters)
        if formdata is not None:
            self.query = clean_line(formdata.get(self.search_name, ""))[:100].strip()

    def process_data(self, value: object) -> None:
        if self.multiple:
            ids = [parse_id(v) for v in value or []] if isinstance(value, list | tuple) else []
            self.data = [i for i in ids if i is not None]
        else:
            self.data = parse_id(value) if value is not None else None

    def process_formdata(self, valuelist: list[str]) -> None:
        if not self.multiple:
            # As the select did: a blank or unreadable value is "no one".
            if valuelist:
                self.data = parse_id(valuelist[0])
            return
        ids = [parse_id(value) for value in valuelist]
        self.data = [i for i in ids if i is not None]
        if len(self.data) != len(ids):
            # The message the checkbox group gave for a value that is not an id.
            raise ValueError(
                self.gettext("Invalid choice(s): one or more data inputs could not be coerced.")
            )

    @property
    def chosen_ids(self) -> list[int]:
        if self.multiple:
            return list(dict.fromkeys(self.data or []))
        return [self.data] if isinstance(self.data, int) else []

    def pre_validate(self, form: Any) -> None:
        ids = self.chosen_ids
        if len(ids) > MAX_CHOSEN:
            raise ValidationError(_("Choose at most %(num)d people.", num=MAX_CHOSEN))
        # One query for the ids posted, not a list of everyone to check them against.
        if set(ids) - people_by_id(ids).keys():
            raise ValidationError(_("Choose from the list."))

    @property
    def chosen(self) -> list[Found]:
        """The people chosen, in the order chosen (an id no one has is left out)."""
        ids = self.chosen_ids[:MAX_CHOSEN]
        found = people_by_id(ids)
        return [_shown(found[i]) for i in ids if i in found]

    def find(self) -> None:
        """Search for what was typed (the "Find people" button): the page lists who matches."""
        results = search_people(self.query, self.pool, exclude=frozenset(self.chosen_ids))
        self.searched = True
        self.matches, self.more = results.people, results.more
