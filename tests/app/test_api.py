"""The read-only JSON API and the API tokens page, through the HTTP client.

Tokens are made and revoked on the tokens page, as a person would; every API answer is
checked against the schema the API's own OpenAPI document declares for it.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from jsonschema import Draft202012Validator, FormatChecker
from openapi_spec_validator import OpenAPIV31SpecValidator
from sqlalchemy import event, select

from registry.api.models import ApiToken
from registry.audit.models import AuditEntry
from registry.channels.models import Channel, ChannelState
from registry.charters.models import Charter
from registry.policy.platforms import normalise_handle
from registry.timeutil import utcnow
from tests.conftest import build_app, make_config
from tests.workflow import approved_proposal

TOKEN_PATTERN = re.compile(r"reg_[A-Za-z0-9_-]{43}")
API = "/api/v1"


# --- helpers ---------------------------------------------------------------------------------


def create_token(client, name: str = "Monthly report") -> str:  # noqa: ANN001
    """Create a token on the tokens page and read it off the page, as a person would."""
    response = client.post("/account/tokens", data={"name": name})
    assert response.status_code == 200, response.get_data(as_text=True)[:2000]
    found = TOKEN_PATTERN.findall(response.get_data(as_text=True))
    assert len(set(found)) == 1, "the new token should be on the page"
    return found[0]


def revoke_form_action(page: str, token_name: str) -> str:
    row = next(r for r in page.split("<tr>") if f"<td>{token_name}</td>" in r)
    return re.search(r'action="([^"]+/revoke)"', row).group(1)


def _response_schema(doc: dict, path: str, status: int) -> dict | None:
    """The schema the document declares for ``path`` answering ``status`` (None if none)."""
    template = None
    if path == "/channels":
        template = "/channels"
    elif re.fullmatch(r"/channels/\d+", path):
        template = "/channels/{channel_id}"
    elif path == "/openapi.json":
        template = "/openapi.json"
    if template is None:
        return None
    responses = doc["paths"][template]["get"]["responses"]
    assert str(status) in responses, f"{template} does not document a {status} answer"
    declared = responses[str(status)]
    if "$ref" in declared:
        declared = doc["components"]["responses"][declared["$ref"].rsplit("/", 1)[1]]
    return declared


@dataclass
class Api:
    client: object
    doc: dict

    def validate(self, schema: dict, body: object) -> None:
        # The component schemas resolve from the root, as inside the OpenAPI document.
        root = {
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "components": self.doc["components"],
            **schema,
        }
        Draft202012Validator(root, format_checker=FormatChecker()).validate(body)

    def get(self, path: str, token: str | None = None, method: str = "get", **kwargs):  # noqa: ANN003, ANN201
        headers = kwargs.pop("headers", {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        response = getattr(self.client, method)(API + path, headers=headers, **kwargs)
        assert response.mimetype == "application/json", (path, response.status_code)
        declared = None
        if method == "get":
            declared = _response_schema(self.doc, path.split("?")[0], response.status_code)
        if declared is None:
            # Paths and methods outside the document still answer with its error shape.
            assert response.status_code >= 400
            self.validate({"$ref": "#/components/schemas/Error"}, response.json)
        else:
            for header, spec in declared.get("headers", {}).items():
                if spec.get("required"):
                    assert header in response.headers, header
            self.validate(declared["content"]["application/json"]["schema"], response.json)
        return response

    def follow(self, absolute_url: str, token: str):  # noqa: ANN201
        parts = urlsplit(absolute_url)
        assert parts.path.startswith(API)
        path = parts.path.removeprefix(API) + (f"?{parts.query}" if parts.query else "")
        return self.get(path, token)


@pytest.fixture
def api(client) -> Api:  # noqa: ANN001
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    return Api(client, response.json)


_handles = iter(range(1, 10_000))


def make_channel(db, unit, name: str, **fields) -> Channel:  # noqa: ANN001, ANN003
    """An imported-style channel row (no proposal, no charter), committed by the caller."""
    platform = fields.pop("platform", "instagram")
    handle = fields.pop("handle", f"mec_channel_{next(_handles)}")
    state = fields.pop("state", ChannelState.ACTIVE.value)
    now = utcnow()
    values = {
        "channel_url": f"https://www.instagram.com/{handle}/" if platform == "instagram" else "",
        "no_charter": True,
        "approved_at": now - timedelta(days=400),
        "went_live_at": now - timedelta(days=390),
        "review_due": (now + timedelta(days=60)).date(),
    }
    if state == ChannelState.DECOMMISSIONED.value:
        values["decommissioned_on"] = (now - timedelta(days=5)).date()
    values.update(fields)
    channel = Channel(
        name=name,
        platform=platform,
        handle=handle,
        handle_key=normalise_handle(platform, handle),
        business_unit_id=unit.id,
        state=state,
        **values,
    )
    db.session.add(channel)
    return channel


@dataclass
class Inventory:
    approved: Channel  # through the workflow: Policy, Facebook, charter issued
    policy_ids: set[int]
    community_ids: set[int]

    @property
    def all_ids(self) -> set[int]:
        return self.policy_ids | self.community_ids


@pytest.fixture
def inventory(db, client_as, people) -> Inventory:  # noqa: ANN001
    """30 channels: one approved through sign-off, 29 imported (19 Policy, 10 Community)."""
    proposal = approved_proposal(client_as, people)
    approved = db.session.get(Channel, proposal.channel_id)
    assert approved.state == ChannelState.APPROVED.value
    platforms = ["instagram", "youtube", "linkedin"]
    made = []
    for i in range(29):
        made.append(
            make_channel(
                db,
                people.community if i % 3 == 0 else people.policy,
                f"Channel {i:02d}",
                platform=platforms[i % 3],
                state=(ChannelState.DECOMMISSIONED if i % 5 == 0 else ChannelState.ACTIVE).value,
                liaison_id=people.comms.id if i % 2 else None,
            )
        )
    db.session.commit()
    policy = {approved.id} | {c.id for c in made if c.business_unit_id == people.policy.id}
    community = {c.id for c in made if c.business_unit_id == people.community.id}
    assert (len(policy), len(community)) == (20, 10)
    return Inventory(approved, policy, community)


def ids(response) -> list[int]:  # noqa: ANN001
    return [c["id"] for c in response.json["data"]]


# --- authentication ----------------------------------------------------------------------------


def test_a_token_is_required(api):
    for headers in ({}, {"Authorization": "Basic dXNlcjpwYXNz"}, {"Authorization": "Bearer "}):
        response = api.get("/channels", headers=headers)
        assert response.status_code == 401
        assert response.headers["WWW-Authenticate"].startswith("Bearer")
        assert "Authorization: Bearer" in response.json["error"]
    assert api.get("/channels/1").status_code == 401


def test_a_bad_token_is_refused(api):
    for token in ("reg_not-a-real-token", "x" * 5000, TOKEN_PATTERN.pattern):
        response = api.get("/channels", token)
        assert response.status_code == 401
        assert 'error="invalid_token"' in response.headers["WWW-Authenticate"]


def test_a_session_cookie_is_not_a_token(api, client_as):
    signed_in = client_as("comms")
    response = Api(signed_in, api.doc).get("/channels")
    assert response.status_code == 401


def test_a_revoked_token_is_refused_and_stays_listed(api, client_as, people, db):
    comms = client_as("comms")
    token = create_token(comms, "Dashboard feed")
    assert api.get("/channels", token).status_code == 200

    page = comms.get("/account/tokens").get_data(as_text=True)
    action = revoke_form_action(page, "Dashboard feed")
    # Only the owner may revoke; to anyone else the token does not exist.
    assert client_as("manager").post(action).status_code == 404
    assert api.get("/channels", token).status_code == 200

    response = comms.post(action, follow_redirects=True)
    assert response.status_code == 200
    page = response.get_data(as_text=True)
    assert "Revoked “Dashboard feed”" in page
    row = next(r for r in page.split("<tr>") if "<td>Dashboard feed</td>" in r)
    assert "Revoked" in row and "/revoke" not in row

    refused = api.get("/channels", token)
    assert refused.status_code == 401
    assert "revoked" in refused.json["error"]
    # Revoking twice (a second tab) says so rather than failing.
    again = comms.post(action, follow_redirects=True).get_data(as_text=True)
    assert "already revoked" in again
    actions = db.session.scalars(
        select(AuditEntry.action).where(AuditEntry.object_type == "api_token")
    ).all()
    assert actions == ["api-token-created", "api-token-revoked"]


def test_a_deactivated_persons_token_is_refused(api, client_as, people, db):
    token = create_token(client_as("comms"))
    assert api.get("/channels", token).status_code == 200
    user = db.session.get(type(people.comms), people.comms.id)
    user.is_active_account = False
    db.session.commit()
    assert api.get("/channels", token).status_code == 401


def test_last_used_is_recorded_at_most_once_a_minute(api, client_as, db):
    token = create_token(client_as("comms"))
    row = db.session.scalar(select(ApiToken))
    assert row.last_used_at is None
    api.get("/channels", token)
    db.session.expire_all()
    first = db.session.scalar(select(ApiToken)).last_used_at
    assert first is not None
    api.get("/channels", token)
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken)).last_used_at == first

    row = db.session.scalar(select(ApiToken))
    row.last_used_at = first - timedelta(minutes=2)
    db.session.commit()
    api.get("/channels", token)
    db.session.expire_all()
    assert db.session.scalar(select(ApiToken)).last_used_at > first - timedelta(seconds=1)


# --- who sees what -----------------------------------------------------------------------------


def test_a_staff_members_token_gets_403(api, client_as, inventory):
    token = create_token(client_as("staff_policy"))
    for path in ("/channels", f"/channels/{inventory.approved.id}"):
        response = api.get(path, token)
        assert response.status_code == 403
        assert "Communications team" in response.json["error"]


def test_a_channel_says_which_languages_it_posts_in(api, client_as, people, inventory):
    token = create_token(client_as("dce_policy"))
    approved = api.get(f"/channels/{inventory.approved.id}", token).json
    assert approved["languages"] == ["English", "Samoan", "Tongan"]  # from its proposal
    imported = api.get(f"/channels/{min(inventory.policy_ids - {inventory.approved.id})}", token)
    assert imported.json["languages"] == []


def test_a_dce_sees_only_their_unit(api, client_as, people, inventory):
    token = create_token(client_as("dce_policy"))
    response = api.get("/channels?per_page=100", token)
    assert response.status_code == 200
    assert set(ids(response)) == inventory.policy_ids
    assert response.json["meta"]["total"] == 20
    assert {c["business_unit"]["code"] for c in response.json["data"]} == {"POL"}
    # Another unit is not one of theirs: refused, naming theirs, and never widening the scope.
    other = api.get(f"/channels?unit={people.community.id}", token)
    assert other.status_code == 400 and "data" not in other.json
    assert other.json["problems"][0]["allowed"] == [str(people.policy.id)]

    assert api.get(f"/channels/{min(inventory.policy_ids)}", token).status_code == 200
    hidden = api.get(f"/channels/{min(inventory.community_ids)}", token)
    assert hidden.status_code == 404

    community = create_token(client_as("dce_community"))
    assert set(ids(api.get("/channels?per_page=100", community))) == inventory.community_ids


def test_comms_sees_every_unit(api, client_as, inventory):
    token = create_token(client_as("comms"))
    response = api.get("/channels?per_page=100", token)
    assert set(ids(response)) == inventory.all_ids


# --- listing -----------------------------------------------------------------------------------


def test_pagination_links(api, app, client_as, inventory):
    token = create_token(client_as("comms"))
    base = app.config["BASE_URL"].rstrip("/")
    first = api.get("/channels?state=&sort=name&direction=desc", token)
    assert first.json["meta"] == {"page": 1, "per_page": 25, "total": 30, "pages": 2}
    assert len(first.json["data"]) == 25
    links = first.json["links"]
    assert links["prev"] is None
    assert all(links[k].startswith(f"{base}{API}/channels") for k in ("self", "first", "last"))
    assert links["first"] == links["self"]
    # Filters are kept in every link; defaults are left out.
    for key in ("self", "first", "last", "next"):
        query = parse_qs(urlsplit(links[key]).query)
        assert query["direction"] == ["desc"], key
        assert "sort" not in query and "state" not in query
    assert parse_qs(urlsplit(links["next"]).query)["page"] == ["2"]
    assert links["last"] == links["next"]

    second = api.follow(links["next"], token)
    assert second.json["meta"]["page"] == 2
    assert len(second.json["data"]) == 5
    assert second.json["links"]["next"] is None
    assert second.json["links"]["prev"] == links["first"]
    assert set(ids(first)) | set(ids(second)) == inventory.all_ids
    names = [c["name"] for c in first.json["data"] + second.json["data"]]
    assert names == sorted(names, key=str.lower, reverse=True)

    # Past the end is refused, naming the last page: a client paging on would never stop.
    beyond = api.get("/channels?page=99&direction=desc", token)
    assert beyond.status_code == 400
    assert beyond.json["problems"] == [
        {"parameter": "page", "value": "99", "minimum": 1, "maximum": 2}
    ]

    bigger = api.get("/channels?per_page=50", token)
    assert bigger.json["meta"] == {"page": 1, "per_page": 50, "total": 30, "pages": 1}
    assert bigger.json["links"]["next"] is None
    assert "per_page=50" in bigger.json["links"]["self"]


def test_filters(api, client_as, inventory):
    token = create_token(client_as("comms"))

    approved = api.get("/channels?state=approved", token)
    assert ids(approved) == [inventory.approved.id]

    decommissioned = api.get("/channels?state=decommissioned", token)
    assert decommissioned.json["meta"]["total"] == 6  # Channel 00, 05, ... 25
    assert {c["state"] for c in decommissioned.json["data"]} == {"decommissioned"}
    assert all(c["decommissioned_on"] for c in decommissioned.json["data"])

    youtube = api.get("/channels?platform=youtube&per_page=100", token)
    assert youtube.json["meta"]["total"] == 10
    assert {c["platform_label"] for c in youtube.json["data"]} == {"YouTube"}

    both = api.get("/channels?platform=youtube&state=active&per_page=100", token)
    assert {(c["platform"], c["state"]) for c in both.json["data"]} == {("youtube", "active")}
    assert both.json["meta"]["total"] == 8

    by_name = api.get("/channels?q=pasifika", token)
    assert ids(by_name) == [inventory.approved.id]
    by_handle = api.get("/channels?q=@MECPasi", token)
    assert ids(by_handle) == [inventory.approved.id]
    assert api.get("/channels?q=nothing-like-this", token).json["meta"]["total"] == 0

    # An unknown value is refused rather than ignored (which would list all 30).
    refused = api.get("/channels?state=sleeping&per_page=100", token)
    assert refused.status_code == 400 and "data" not in refused.json


def test_the_list_makes_the_same_number_of_queries_whatever_its_size(api, client_as, db, inventory):
    token = create_token(client_as("comms"))
    api.get("/channels", token)  # records last use; later requests in the minute only read

    statements: list[str] = []

    def count(conn, cursor, statement, parameters, context, executemany):  # noqa: ANN001
        if statement.split(None, 1)[0].upper() in ("SELECT", "INSERT", "UPDATE", "DELETE"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        api.get("/channels?q=pasifika", token)
        one = len(statements)
        statements.clear()
        response = api.get("/channels?per_page=100&sort=unit", token)
        thirty = len(statements)
    finally:
        event.remove(db.engine, "before_cursor_execute", count)
    assert len(response.json["data"]) == 30
    # token + user, offices held, count, page, charters
    assert one == thirty == 5, statements


# --- one channel -------------------------------------------------------------------------------


def test_the_detail_endpoint(api, app, client_as, people, db, inventory):
    token = create_token(client_as("comms"))
    channel = inventory.approved
    charter = db.session.scalar(select(Charter).where(Charter.proposal_id == channel.proposal_id))
    assert charter is not None

    response = api.get(f"/channels/{channel.id}", token)
    assert response.status_code == 200
    body = response.json
    base = app.config["BASE_URL"].rstrip("/")
    assert body["id"] == channel.id
    assert body["reference"] == f"C-{channel.id:04d}"
    assert body["name"] == "MEC Pasifika Communities"
    assert (body["platform"], body["platform_label"], body["handle"]) == (
        "facebook",
        "Facebook",
        "MECPasifika",
    )
    assert body["business_unit"] == {"id": people.policy.id, "code": "POL", "name": "Policy"}
    assert body["state"] == "approved" and body["no_charter"] is False
    assert body["liaison"] == {"name": "Mere Tane", "email": people.comms.email}
    assert body["approved_at"].endswith("Z")
    assert body["went_live_at"] is None and body["decommissioned_on"] is None
    assert body["charter"] == {
        "number": charter.number,
        "sha256": charter.pdf_sha256,
        "url_verify": f"{base}/charters/{charter.number}/verify",
    }
    assert body["links"]["self"] == f"{base}{API}/channels/{channel.id}"
    if "inventory.show" in app.view_functions:
        assert body["links"]["html"] == f"{base}/channels/{channel.id}"
    else:
        assert body["links"]["html"] is None

    # The list shows the same channel the same way.
    listed = api.get("/channels?q=pasifika", token).json["data"]
    assert listed == [body]

    imported = api.get(f"/channels/{min(inventory.community_ids)}", token).json
    assert imported["charter"] is None and imported["no_charter"] is True

    assert api.get("/channels/999999", token).status_code == 404
    assert api.get("/channels/abc", token).status_code == 404
    assert api.get("/nothing-here", token).status_code == 404


def test_the_api_is_read_only(api, client_as, inventory):
    token = create_token(client_as("comms"))
    for method in ("post", "put", "patch", "delete"):
        response = api.get(f"/channels/{inventory.approved.id}", token, method=method)
        assert response.status_code == 405, method
        assert "GET" in response.headers["Allow"]
    assert api.get("/channels", token, method="post").status_code == 405
    options = api.client.options(f"{API}/channels")
    assert options.status_code == 204 and options.headers["Allow"] == "GET, HEAD, OPTIONS"


# --- the OpenAPI document ----------------------------------------------------------------------


def test_the_openapi_document(api):
    doc = api.doc
    assert doc["openapi"].startswith("3.1")
    assert doc["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http",
        "scheme": "bearer",
        "description": doc["components"]["securitySchemes"]["bearerAuth"]["description"],
    }
    assert doc["security"] == [{"bearerAuth": []}]
    private = {p for p, item in doc["paths"].items() if "servers" not in item}
    assert private == {"/channels", "/channels/{channel_id}", "/openapi.json"}
    listed = {p["name"] for p in doc["paths"]["/channels"]["get"]["parameters"]}
    assert listed == {
        "unit", "platform", "state", "review", "attention", "no_charter", "q", "sort",
        "direction", "page", "per_page",
    }  # fmt: skip
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    assert doc["servers"][0]["url"].endswith(API)


def test_the_openapi_document_needs_no_token(client):
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200 and response.json["info"]["title"]


# --- the tokens page ---------------------------------------------------------------------------


def test_the_plain_token_is_shown_once_then_only_its_prefix(client_as, db):
    comms = client_as("comms")
    assert "Create token" in comms.get("/account/tokens").get_data(as_text=True)

    response = comms.post("/account/tokens", data={"name": "Monthly report"})
    page = response.get_data(as_text=True)
    token = TOKEN_PATTERN.search(page).group(0)
    assert "will not be shown again" in page
    assert response.headers["Cache-Control"] == "no-store"

    again = comms.get("/account/tokens").get_data(as_text=True)
    assert token not in again
    assert token[:12] in again and "Monthly report" in again

    row = db.session.scalar(select(ApiToken))
    assert row.prefix == token[:12]
    assert row.token_sha256 == hashlib.sha256(token.encode()).hexdigest()
    stored = [str(getattr(row, c.key)) for c in ApiToken.__table__.columns]
    assert not any(token in value for value in stored)
    audit = db.session.scalars(select(AuditEntry.summary)).all()
    assert not any(token in summary for summary in audit)


def test_a_token_needs_a_name(client_as, db):
    comms = client_as("comms")
    response = comms.post("/account/tokens", data={"name": "   "})
    page = response.get_data(as_text=True)
    assert "There is a problem" in page and "Enter a name for the token" in page
    assert TOKEN_PATTERN.search(page) is None
    long = comms.post("/account/tokens", data={"name": "x" * 101}).get_data(as_text=True)
    assert "100 characters or fewer" in long
    assert db.session.scalar(select(ApiToken)) is None


def test_the_tokens_page_needs_sign_in(client):
    response = client.get("/account/tokens")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


def test_token_forms_need_a_csrf_token_but_the_api_does_not(database_url, api, people):
    from tests import factories

    app = build_app(make_config(database_url, WTF_CSRF_ENABLED=True))
    browser = app.test_client()
    page = browser.get("/sign-in").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    browser.post(
        "/sign-in",
        data={"email": people.comms.email, "password": factories.PASSWORD, "csrf_token": csrf},
    )
    assert browser.post("/account/tokens", data={"name": "No CSRF"}).status_code == 400
    page = browser.get("/account/tokens").get_data(as_text=True)
    csrf = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    created = browser.post("/account/tokens", data={"name": "With CSRF", "csrf_token": csrf})
    token = TOKEN_PATTERN.search(created.get_data(as_text=True)).group(0)

    page = browser.get("/account/tokens").get_data(as_text=True)
    action = revoke_form_action(page, "With CSRF")
    assert browser.post(action).status_code == 400  # no token: refused, still active
    response = Api(browser, api.doc).get("/channels", token)
    assert response.status_code == 200
    # A POST to the API is a clean 405, not a CSRF failure page.
    assert Api(browser, api.doc).get("/channels", token, method="post").status_code == 405


def test_deactivation_revokes_tokens_and_reactivation_does_not_revive_them(
    api, client_as, people, db
):
    token = create_token(client_as("comms"), "Weekly export")
    assert api.get("/channels", token).status_code == 200
    admin = client_as("admin")
    path = f"/admin/users/{people.comms.id}"
    unit = str(people.comms.business_unit_id or "")
    deactivated = admin.post(path, data={"name": people.comms.display_name, "business_unit": unit})
    assert deactivated.status_code == 302
    assert api.get("/channels", token).status_code == 401

    reactivated = admin.post(
        path, data={"name": people.comms.display_name, "business_unit": unit, "active": "y"}
    )
    assert reactivated.status_code == 302
    refused = api.get("/channels", token)
    assert refused.status_code == 401
    assert "revoked" in refused.json["error"]
    row = db.session.scalar(select(ApiToken).where(ApiToken.name == "Weekly export"))
    assert row.revoked_at is not None
    entry = db.session.scalars(
        select(AuditEntry).where(
            AuditEntry.object_type == "api_token", AuditEntry.action == "api-token-revoked"
        )
    ).one()
    assert entry.actor_id == people.admin.id
    assert "account deactivated" in entry.summary
    # The page lists it as revoked; a new token works.
    page = client_as("comms").get("/account/tokens").get_data(as_text=True)
    row_html = next(r for r in page.split("<tr>") if "<td>Weekly export</td>" in r)
    assert "Revoked" in row_html
    assert api.get("/channels", create_token(client_as("comms"), "New one")).status_code == 200


def test_the_openapi_document_is_valid_openapi_3_1(client):
    """The whole document, token API and open data, against the OpenAPI 3.1 specification's
    own schema (openapi-spec-validator), not only each schema in it."""
    doc = client.get(f"{API}/openapi.json").json
    OpenAPIV31SpecValidator(doc).validate()  # raises OpenAPIValidationError, saying where
    public = {p for p, item in doc["paths"].items() if "servers" in item}
    assert {"/channels.json", "/channels.csv", "/verify", "/feed.atom", "/keys.json"} <= public
    # A document broken the way a careless edit breaks one is refused.
    broken = {**doc, "paths": {**doc["paths"], "/verify": {"get": {"responses": "none"}}}}
    assert not OpenAPIV31SpecValidator(broken).is_valid()
