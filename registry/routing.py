"""The ``int`` URL converter every route uses: only numbers a row id can be."""

from __future__ import annotations

from typing import Any

from werkzeug.routing import IntegerConverter, Map

from registry.database import MAX_ROW_ID


def digits_at_most(limit: int) -> str:
    """A regular expression for ASCII digit strings whose value is at most ``limit``.

    Built digit by digit (shorter strings, or the same length with a smaller digit after a
    shared prefix), so routing itself refuses a larger number instead of a converter.
    """
    text = str(limit)
    options = [f"[0-9]{{1,{len(text) - 1}}}"] if len(text) > 1 else []
    for position, digit in enumerate(text):
        if digit != "0":
            rest = len(text) - position - 1
            options.append(f"{text[:position]}[0-{int(digit) - 1}][0-9]{{{rest}}}")
    options.append(text)
    return "(?:" + "|".join(options) + ")"


class RowIdConverter(IntegerConverter):
    """ASCII digits up to the largest row id; anything else matches no route (a 404).

    Werkzeug's own converter takes any Unicode digit ("١") and any size, and a number past
    the id column's range reaches the database and fails there. The limit is in the regex,
    not only in ``to_python``: a rule whose converter refuses a value ends matching with a
    bare 404, while a regex that does not match lets the next rule try (the API's catch-all
    answers in JSON).
    """

    regex = digits_at_most(MAX_ROW_ID)

    def __init__(self, map: Map, *args: Any, **kwargs: Any) -> None:  # noqa: A002
        kwargs.setdefault("max", MAX_ROW_ID)
        super().__init__(map, *args, **kwargs)
