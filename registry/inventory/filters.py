"""The inventory's filters, checked: an unknown value is named with the values allowed.

Dropping a value nobody recognises would answer with every channel, as if nothing had been
asked: a mistyped "platform=facebok" or an old bookmark would look like a complete list. The
API answers 400 and the page shows the problem instead; neither lists channels for it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from registry.auth.models import BusinessUnit
from registry.channels.models import ChannelState
from registry.errors import RegistryError
from registry.extensions import db
from registry.forms import clean_text, parse_id
from registry.inventory.queries import (
    PER_PAGE_CHOICES,
    SORTS,
    InventoryFilters,
    Page,
    inventory_page,
)
from registry.policy.platforms import PLATFORMS

MAX_SEARCH = 200
TRUE_VALUES = ("1", "y", "yes", "on", "true")
FALSE_VALUES = ("0", "n", "no", "off", "false")
# Names for people (lazy: shown in the page's words); the keys are what the API takes.
REVIEWS = {"overdue": _l("Review overdue"), "due-soon": _l("Due within 30 days")}
ATTENTION = {
    "security-incomplete": _l("Account security incomplete"),
    "policy-unmet": _l("Policy no longer met (people left)"),
}
DIRECTIONS = {"asc": _l("Ascending"), "desc": _l("Descending")}
# What people call each parameter, as the filter form labels it.
LABELS = {
    "q": _l("search"),
    "unit": _l("business unit"),
    "platform": _l("platform"),
    "state": _l("state"),
    "review": _l("review"),
    "attention": _l("needs attention"),
    "no_charter": _l("no charter on record"),
    "sort": _l("sort"),
    "direction": _l("order"),
    "page": _l("page"),
    "per_page": _l("per page"),
}
PARAMETERS = tuple(LABELS)


def _shown(text: str) -> str:
    """Typed text as a message quotes it: no control characters, not too long."""
    cleaned = str(clean_text(text))
    return cleaned if len(cleaned) <= 60 else cleaned[:59] + "…"


@dataclass(frozen=True)
class FilterProblem:
    """One query-string parameter the inventory cannot apply, and what it would accept.

    ``allowed`` pairs each accepted value with its name for people. A page number is a
    whole number from 1, up to ``maximum`` once the listing's length is known.
    """

    parameter: str
    value: str
    allowed: tuple[tuple[str, str], ...] = ()
    maximum: int | None = None
    known_parameter: bool = True

    @property
    def shown_value(self) -> str:
        return _shown(self.value)

    @property
    def message(self) -> str:
        """The sentence for the API: parameter names and values as they are sent."""
        if not self.known_parameter:
            known = ", ".join(PARAMETERS)
            return f"Unknown parameter '{_shown(self.parameter)}': the filters are {known}."
        if self.parameter == "page":
            upto = f" to {self.maximum}" if self.maximum is not None else ""
            return (
                f"page='{self.shown_value}' is not a page of this listing: use a whole number "
                f"from 1{upto}."
            )
        if not self.allowed:
            return f"q is too long: use at most {MAX_SEARCH} characters."
        values = ", ".join(value for value, _name in self.allowed)
        return f"Unknown {self.parameter} '{self.shown_value}': use one of {values}."

    @property
    def notice(self) -> str:
        """The sentence for the inventory page, in the words of its filter form."""
        if not self.known_parameter:
            return _(
                "The address asks for a filter this page does not have (%(parameter)s). Use the "
                "filters on the page instead.",
                parameter=_shown(self.parameter),
            )
        if self.parameter == "page":
            if self.maximum is None:
                return _(
                    "There is no page “%(value)s”: pages are numbered from 1.",
                    value=self.shown_value,
                )
            return _(
                "There is no page “%(value)s”: this list has pages 1 to %(last)d.",
                value=self.shown_value,
                last=self.maximum,
            )
        if not self.allowed:
            return _("Search for at most %(limit)d characters.", limit=MAX_SEARCH)
        return _(
            "There is no %(filter)s “%(value)s”. Choose one of: %(names)s.",
            filter=LABELS[self.parameter],
            value=self.shown_value,
            names=", ".join(str(name) for _value, name in self.allowed),
        )

    def as_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {"parameter": self.parameter, "value": self.value}
        if self.parameter == "page" and self.known_parameter:
            found["minimum"] = 1
            if self.maximum is not None:
                found["maximum"] = self.maximum
        elif self.known_parameter and self.allowed:
            found["allowed"] = [value for value, _name in self.allowed]
        elif not self.known_parameter:
            found["allowed"] = list(PARAMETERS)
        return found


def units_in_scope(scope: list[int] | None) -> list[BusinessUnit]:
    """The business units a person may filter the inventory by, by name."""
    query = select(BusinessUnit).order_by(BusinessUnit.name)
    if scope is not None:
        query = query.where(BusinessUnit.id.in_(scope))
    return list(db.session.scalars(query))


def _unit_choices(scope: list[int] | None) -> dict[str, str]:
    return {str(u.id): f"{u.name} ({u.id})" for u in units_in_scope(scope)}


def _choices() -> dict[str, dict[str, str]]:
    return {
        "platform": dict(PLATFORMS),
        "state": {s.value: s.label for s in ChannelState},
        "review": REVIEWS,
        "attention": ATTENTION,
        "no_charter": {value: value for value in TRUE_VALUES + FALSE_VALUES},
        "sort": {key: key for key in SORTS},
        "direction": DIRECTIONS,
        "per_page": {str(n): str(n) for n in PER_PAGE_CHOICES},
    }


def filter_problems(
    args: Mapping[str, Any], scope: list[int] | None, extra: Iterable[str] = ()
) -> list[FilterProblem]:
    """Every parameter in ``args`` the inventory cannot apply, in the order sent.

    A blank value means "any" and is fine. A unit must be one of ``scope`` (None: any unit):
    another unit's id is unknown to the person, whether or not it exists. ``extra`` names
    parameters the caller handles itself (the export's ``bom``).
    """
    choices = _choices()
    if str(args.get("unit", "")).strip():
        choices["unit"] = _unit_choices(scope)  # queried only when asked for
    problems = []
    for name in dict.fromkeys(args.keys()):
        value = str(args.get(name, ""))
        if name not in PARAMETERS:
            if name not in extra:
                problems.append(FilterProblem(name, value, known_parameter=False))
            continue
        stripped = value.strip()
        if name in choices:
            if stripped and stripped not in choices[name]:
                allowed = tuple(choices[name].items())
                problems.append(FilterProblem(name, value, allowed))
        elif name == "page":
            if stripped and (parse_id(stripped) or 0) < 1:
                problems.append(FilterProblem(name, value))
        elif name == "q" and len(value.strip()) > MAX_SEARCH:
            problems.append(FilterProblem(name, value))
    return problems


def page_past_the_end(requested: int, pages: int) -> FilterProblem | None:
    """A page number after the last page: it names no channels, so it is a problem too."""
    if requested > pages:
        return FilterProblem("page", str(requested), maximum=pages)
    return None


class FiltersNotApplied(RegistryError):
    """The filters asked for cannot be applied; ``problems`` says which and what would be."""

    def __init__(self, problems: list[FilterProblem]) -> None:
        super().__init__(" ".join(problem.message for problem in problems))
        self.problems = problems


def checked_filters(
    args: Mapping[str, Any], scope: list[int] | None, extra: Iterable[str] = ()
) -> InventoryFilters:
    """The filters in ``args``, or FiltersNotApplied naming each one that cannot be applied."""
    problems = filter_problems(args, scope, extra)
    if problems:
        raise FiltersNotApplied(problems)
    return InventoryFilters.from_args(args)


def checked_page(
    args: Mapping[str, Any], scope: list[int] | None
) -> tuple[InventoryFilters, Page, list[FilterProblem]]:
    """The inventory page for ``args``; with problems, no channels at all rather than all."""
    problems = filter_problems(args, scope)
    filters = InventoryFilters.from_args(args)
    if not problems:
        page = inventory_page(filters, scope)
        past_the_end = page_past_the_end(filters.page, page.pages)
        if past_the_end is None:
            return filters, page, []
        problems = [past_the_end]
    nothing = Page([], 0, 1, 1, {state.value: 0 for state in ChannelState}, 0)
    return filters, nothing, problems
