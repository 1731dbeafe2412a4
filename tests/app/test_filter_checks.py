"""Inventory filters nobody can apply: named with what is allowed, never read as "everything".

Before, an unknown platform, state, sort, page size and so on was dropped, and the answer
listed every channel as if no filter had been asked for.
"""

from __future__ import annotations

import pytest
from jsonschema import Draft202012Validator
from sqlalchemy import select

from registry.api import services as api_services
from registry.audit.models import AuditEntry
from registry.extensions import db
from tests.inventory_data import seed_channels

API = "/api/v1/channels"
LONG_SEARCH = "x" * 201

# (query, parameter named, a value the answer must list as allowed)
BAD_FILTERS = [
    ({"platform": "myspace"}, "platform", "facebook"),
    ({"platform": "Facebook"}, "platform", "facebook"),
    ({"state": "sleeping"}, "state", "active"),
    ({"review": "later"}, "review", "overdue"),
    ({"attention": "lots"}, "attention", "policy-unmet"),
    ({"no_charter": "maybe"}, "no_charter", "1"),
    ({"sort": "drop"}, "sort", "review"),
    ({"direction": "up"}, "direction", "desc"),
    ({"per_page": "10"}, "per_page", "50"),
    ({"per_page": "zzz"}, "per_page", "100"),
    ({"unit": "abc"}, "unit", None),
    ({"unit": "999999"}, "unit", None),
    ({"unit": str(2**63)}, "unit", None),
    ({"page": "abc"}, "page", None),
    ({"page": "0"}, "page", None),
    ({"page": "-1"}, "page", None),
    ({"page": "²"}, "page", None),
    ({"platfrom": "facebook"}, "platfrom", "platform"),
    ({"q": LONG_SEARCH}, "q", None),
]
IDS = [f"{next(iter(q))}={next(iter(q.values()))[:12]}" for q, _, _ in BAD_FILTERS]


@pytest.fixture
def seeded(people) -> None:  # noqa: ANN001
    seed_channels(30, [people.policy, people.community], liaison_id=people.comms.id)


@pytest.fixture
def token(people) -> str:  # noqa: ANN001
    return api_services.create_token(people.comms, "filters")[1]


def api_get(client, token: str, query: dict):  # noqa: ANN001, ANN201
    return client.get(API, query_string=query, headers={"Authorization": f"Bearer {token}"})


# --- the API ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("query", "parameter", "allowed"), BAD_FILTERS, ids=IDS)
def test_the_api_refuses_a_filter_it_cannot_apply(
    client, seeded, token, people, query, parameter, allowed
):
    response = api_get(client, token, query)
    assert response.status_code == 400
    body = response.get_json()
    assert "data" not in body  # no channels listed for it
    assert parameter in body["error"]
    [problem] = body["problems"]
    assert problem["parameter"] == parameter
    assert problem["value"] == next(iter(query.values()))
    if parameter == "unit":
        assert {str(people.policy.id), str(people.community.id)} <= set(problem["allowed"])
        assert problem["value"] not in problem["allowed"]
    elif parameter == "page":
        assert problem["minimum"] == 1
    elif allowed is not None:
        assert allowed in problem["allowed"]


def test_the_api_names_every_problem_at_once(client, seeded, token):
    response = api_get(client, token, {"platform": "myspace", "state": "sleeping", "sort": "x"})
    assert response.status_code == 400
    assert [p["parameter"] for p in response.get_json()["problems"]] == [
        "platform",
        "state",
        "sort",
    ]


def test_the_api_refuses_a_page_past_the_last(client, seeded, token):
    response = api_get(client, token, {"page": "3"})  # 30 channels, 25 a page: 2 pages
    assert response.status_code == 400
    assert response.get_json()["problems"] == [
        {"parameter": "page", "value": "3", "minimum": 1, "maximum": 2}
    ]
    assert "from 1 to 2" in response.get_json()["error"]
    assert api_get(client, token, {"page": "2"}).status_code == 200


def test_a_dce_naming_another_unit_is_told_their_own(client, seeded, people):
    dce_token = api_services.create_token(people.dce_policy, "dce")[1]
    response = api_get(client, dce_token, {"unit": str(people.community.id)})
    assert response.status_code == 400
    assert response.get_json()["problems"][0]["allowed"] == [str(people.policy.id)]
    mine = api_get(client, dce_token, {"unit": str(people.policy.id)})
    assert mine.status_code == 200 and mine.get_json()["meta"]["total"] == 15


def test_blank_and_known_values_still_filter(client, seeded, token):
    blank = api_get(client, token, {"platform": "", "state": "", "unit": "", "page": ""})
    assert blank.status_code == 200 and blank.get_json()["meta"]["total"] == 30
    youtube = api_get(client, token, {"platform": "youtube", "per_page": "50", "no_charter": "0"})
    assert youtube.status_code == 200 and youtube.get_json()["meta"]["total"] == 5


def test_the_openapi_document_describes_the_400(client, seeded, token):
    doc = client.get("/api/v1/openapi.json").get_json()
    answer = doc["paths"]["/channels"]["get"]["responses"]["400"]
    schema_ref = answer["content"]["application/json"]["schema"]["$ref"]
    assert schema_ref == "#/components/schemas/FilterError"
    schema = {**doc["components"]["schemas"]["FilterError"], "$defs": {}}
    # The real answers fit the documented shape.
    schema = _inline(doc["components"]["schemas"], schema)
    for query in ({"platform": "myspace", "platfrom": "x"}, {"page": "9"}):
        Draft202012Validator(schema).validate(api_get(client, token, query).get_json())


def _inline(schemas: dict, schema: object) -> object:
    if isinstance(schema, dict):
        if "$ref" in schema:
            return _inline(schemas, schemas[schema["$ref"].rsplit("/", 1)[1]])
        return {key: _inline(schemas, value) for key, value in schema.items()}
    if isinstance(schema, list):
        return [_inline(schemas, item) for item in schema]
    return schema


# --- the inventory page ----------------------------------------------------------------------


def test_the_page_names_an_unknown_value_and_lists_nothing(client_as, seeded):
    response = client_as("comms").get("/inventory/?platform=myspace&state=active")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is a problem" in page
    assert 'href="#platform"' in page  # the summary links to the filter
    assert "There is no platform “myspace”. Choose one of: Facebook, Instagram" in page
    assert 'id="platform-error"' in page
    assert "Seeded channel" not in page and "No channels are listed." in page
    assert "Export this view" not in page


def test_the_page_names_an_unknown_parameter(client_as, seeded):
    page = client_as("comms").get("/inventory/?platfrom=facebook").get_data(as_text=True)
    assert "a filter this page does not have (platfrom)" in page
    assert "Seeded channel" not in page


@pytest.mark.parametrize(("query", "parameter", "allowed"), BAD_FILTERS, ids=IDS)
def test_the_page_shows_a_notice_for_every_bad_filter(client_as, seeded, query, parameter, allowed):
    response = client_as("comms").get("/inventory/", query_string=query)
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'class="error-summary"' in page
    assert "Seeded channel" not in page


def test_the_page_names_a_page_past_the_last(client_as, seeded):
    response = client_as("comms").get("/inventory/?page=7")
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "There is no page “7”: this list has pages 1 to 2." in page
    assert "Seeded channel" not in page


def test_the_page_with_good_filters_lists_channels(client_as, seeded):
    response = client_as("comms").get("/inventory/?platform=youtube&per_page=50&page=1")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" not in page
    assert "5 channels match these filters (of 30 in the inventory)." in page


def test_exporting_with_a_bad_filter_exports_nothing_and_says_why(client_as, seeded):
    comms = client_as("comms")
    response = comms.get("/inventory/export.csv?platform=myspace&bom=1")
    assert response.status_code == 302
    assert response.headers["Location"] == "/inventory/?platform=myspace"
    assert (
        db.session.scalar(select(AuditEntry).where(AuditEntry.action == "inventory-exported"))
        is None
    )
    page = comms.get(response.headers["Location"]).get_data(as_text=True)
    assert "There is no platform “myspace”" in page
