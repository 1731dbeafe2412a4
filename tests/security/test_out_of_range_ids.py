"""Ids no row can have, in every route that takes one, as every role: a 404, never a 500.

Row ids are INTEGER columns (32-bit on PostgreSQL). Before the app's own ``int`` converter, a
number past that range reached the database, which refused it (SQLite: OverflowError at 2**63;
PostgreSQL: "integer out of range" from 2**31), and the person got a 500.
"""

from __future__ import annotations

import pytest
from flask import Flask
from werkzeug.routing import IntegerConverter

from tests.security.world import ANONYMOUS, ROLES, World, rules, world_fixture

OUT_OF_RANGE = (2**31, 2**63, 99999999999999999999)
NO_SUCH_ROW = (-1, 0)


@pytest.fixture(scope="module")
def world(app: Flask):  # noqa: ANN201
    yield from world_fixture(app)


def _is_id(rule, name: str) -> bool:  # noqa: ANN001
    return isinstance(rule._converters.get(name), IntegerConverter)


def _id_rules(app: Flask) -> list:
    return [r for r in rules(app) if any(_is_id(r, name) for name in r.arguments)]


def _request(world: World, rule, role: str, value: int):  # noqa: ANN001, ANN202
    params = world.params()
    values = {name: value if _is_id(rule, name) else params[name] for name in rule.arguments}
    url = rule.build(values, append_unknown=False)[1]
    headers = {}
    if rule.endpoint.startswith("api.") and role != ANONYMOUS:
        headers["Authorization"] = f"Bearer {world.tokens[role]}"
    client = world.client(role)
    if "GET" in rule.methods:
        return url, client.get(url, headers=headers)
    return url, client.post(url, data={}, headers=headers)


def test_every_route_with_an_id_is_checked(world: World) -> None:
    # The walk below must cover the web pages and the API alike.
    endpoints = {r.endpoint for r in _id_rules(world.app)}
    assert {"proposals.show", "inventory.show", "api.channel", "admin.edit_user"} <= endpoints


@pytest.mark.parametrize("role", ROLES)
def test_an_id_past_the_column_range_is_not_found(world: World, role: str) -> None:
    for rule in _id_rules(world.app):
        for value in OUT_OF_RANGE:
            url, response = _request(world, rule, role, value)
            assert response.status_code == 404, f"{url} as {role}: {response.status_code}"
            if rule.endpoint.startswith("api."):
                assert response.is_json and "error" in response.get_json()


@pytest.mark.parametrize("role", ROLES)
def test_an_id_of_no_row_never_fails(world: World, role: str) -> None:
    for rule in _id_rules(world.app):
        for value in NO_SUCH_ROW:
            url, response = _request(world, rule, role, value)
            assert response.status_code < 500, f"{url} as {role}: {response.status_code}"


def test_the_largest_id_a_row_can_have_is_looked_up(world: World) -> None:
    # The edge of the range is still an id: nothing by that number, so "not found".
    response = world.client("comms").get(f"/channels/{2**31 - 1}")
    assert response.status_code == 404
    assert world.client("comms").get(f"/channels/{world.channel.id}").status_code == 200


def test_unicode_digits_are_not_ids(world: World) -> None:
    # Werkzeug's stock converter reads "١" (Arabic-Indic one) as 1.
    arabic_indic = "".join(chr(0x0660 + int(digit)) for digit in str(world.channel.id))
    response = world.client("comms").get(f"/channels/{arabic_indic}")
    assert response.status_code == 404
