"""Row ids typed in forms and query strings: the same range as ids in URLs."""

from __future__ import annotations

import re

import pytest

from registry.database import MAX_ROW_ID
from registry.forms import parse_id
from registry.routing import digits_at_most


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("7", 7),
        (" 42 ", 42),
        (str(MAX_ROW_ID), MAX_ROW_ID),
        (str(MAX_ROW_ID + 1), None),
        (str(2**63), None),
        ("99999999999999999999", None),
        ("-1", None),
        ("1e9", None),
        ("²", None),
        ("١", None),
        ("", None),
    ],
)
def test_parse_id_takes_only_what_an_id_column_holds(typed: str, parsed: int | None) -> None:
    assert parse_id(typed) == parsed


@pytest.mark.parametrize("limit", [0, 5, 10, 99, 100, 2050, 10_000])
def test_the_url_pattern_matches_exactly_the_numbers_up_to_its_limit(limit: int) -> None:
    pattern = re.compile(digits_at_most(limit))
    wrong = [n for n in range(limit * 3 + 50) if bool(pattern.fullmatch(str(n))) != (n <= limit)]
    assert wrong == []


def test_the_url_pattern_stops_at_the_largest_row_id() -> None:
    pattern = re.compile(digits_at_most(MAX_ROW_ID))
    assert pattern.fullmatch(str(MAX_ROW_ID))
    assert pattern.fullmatch("1999999999")
    assert not pattern.fullmatch(str(MAX_ROW_ID + 1))
    assert not pattern.fullmatch(str(2**63))
