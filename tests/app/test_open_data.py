"""The open data: the register as signed JSON, CSV and Atom, "is this official?" for machines,
and the signing keys, through the doors others use (a real HTTP client on loopback, the test
client, the command line). Signatures are checked with ``cryptography`` alone, as an outsider
would, not with the registry's own code."""

from __future__ import annotations

import base64
import csv
import io
import json
import re
import stat
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from xml.etree import ElementTree as ET  # noqa: S405 - our own feed, in a test

import httpx
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

from registry.api.open_data import PUBLIC_STATES, UNPUBLISHED
from registry.auth.offices import agency_today
from registry.channels.lookup import Standing
from registry.extensions import limiter
from tests.browser.conftest import serving
from tests.conftest import build_app, make_config, run_isolated
from tests.public_channels import channel_of, close, go_live, live_channel, reapproved_change
from tests.workflow import approved_proposal

PUBLIC = "/api/public/v1"
ATOM = "{http://www.w3.org/2005/Atom}"


# --- fixtures --------------------------------------------------------------------------------


def create_key(app, path: Path):  # noqa: ANN001, ANN201
    return run_isolated(
        app.test_cli_runner().invoke, args=["registry", "keys", "create", str(path)]
    )


@pytest.fixture
def signing_key(app, tmp_path) -> Path:  # noqa: ANN001
    """A key made by ``flask registry keys create`` and set in the configuration."""
    path = tmp_path / "open-data.pem"
    result = create_key(app, path)
    assert result.exit_code == 0, result.output
    saved = app.config["OPEN_DATA_SIGNING_KEY_FILE"]
    app.config["OPEN_DATA_SIGNING_KEY_FILE"] = str(path)
    yield path
    app.config["OPEN_DATA_SIGNING_KEY_FILE"] = saved


@pytest.fixture
def register(client_as, people, db):  # noqa: ANN001, ANN201
    """A channel in each public state, made the way people make them, and one not live yet."""
    today = agency_today()
    changed = live_channel(client_as, people, db)
    reapproved_change(client_as, people, db, changed)
    closed = live_channel(client_as, people, db, channel_name="MEC Tamil Voices", handle="MECTamil")
    close(client_as, closed, today - timedelta(days=5))
    closing = live_channel(
        client_as, people, db, channel_name="MEC Hindi Samachar", handle="MECHindi"
    )
    close(client_as, closing, today + timedelta(days=10))
    hidden = channel_of(
        db,
        approved_proposal(
            client_as, people, channel_name="MEC Secret Launch", handle="MECSecretLaunch"
        ),
    )
    db.session.expire_all()
    return {
        "active": changed,
        "closed": closed,
        "closing": closing,
        "hidden": hidden,
    }


def outside_verify(keys_document: dict, body: bytes, header: str) -> None:
    """Check a signature as anyone would: cryptography, base64 and the published key."""
    parts = dict(re.findall(r'(\w+)="([^"]*)"', header))
    assert parts["algorithm"] == "ed25519"
    key_entry = next(k for k in keys_document["keys"] if k["key_id"] == parts["keyid"])
    key = Ed25519PublicKey.from_public_bytes(base64.b64decode(key_entry["public_key"]))
    key.verify(base64.b64decode(parts["signature"]), body)  # raises if it does not match


# --- through a real HTTP client on loopback ---------------------------------------------------


def test_the_register_as_signed_json_csv_and_atom_over_http(
    app, register, signing_key, register_on, people
):
    with serving(app) as address, httpx.Client(base_url=address) as http:
        keys = http.get(f"{PUBLIC}/keys.json").json()
        assert keys["signed"] is True and keys["keys"][0]["status"] == "current"
        assert keys["agency"]["te_reo_name"] == "Te Tari Mātāwaka"

        response = http.get(f"{PUBLIC}/channels.json")
        assert response.status_code == 200
        assert response.headers["access-control-allow-origin"] == "*"
        assert response.headers["cache-control"].startswith("public, max-age=")
        assert response.headers["etag"] and response.headers["last-modified"]
        body = response.content
        outside_verify(keys, body, response.headers["registry-signature"])
        # The signature fetched on its own matches the document fetched on its own.
        detached = http.get(f"{PUBLIC}/channels.json.sig").json()
        assert detached["signature"] in response.headers["registry-signature"]
        header = (
            f'keyid="{detached["key_id"]}", algorithm="ed25519", '
            f'signature="{detached["signature"]}"'
        )
        outside_verify(keys, http.get(f"{PUBLIC}/channels.json").content, header)
        # One changed byte fails.
        tampered = bytearray(body)
        tampered[body.index(b'"closed"') + 2] ^= 0x01
        with pytest.raises(InvalidSignature):
            outside_verify(keys, bytes(tampered), header)

        document = json.loads(body)
        assert document["format"] == "channel-register" and document["format_version"] == 1
        assert document["agency"]["name"] == "Ministry for Ethnic Communities"
        assert document["agency"]["register_url"].endswith("/register/")
        states = {row["name"]: row["state"] for row in document["channels"]}
        assert states == {
            "MEC Pasifika Communities": "active",
            "MEC Tamil Voices": "closed",
            "MEC Hindi Samachar": "closing",
        }
        row = next(r for r in document["channels"] if r["state"] == "closed")
        assert row["closes_on"] == (agency_today() - timedelta(days=5)).isoformat()
        assert row["official"] is False and row["platform"] == "Facebook"
        assert row["platform_key"] == "facebook" and row["business_unit"]["code"]
        assert row["started_on"] and row["channel_url"].startswith("https://")
        # Nothing about people: no name or email of anyone who worked on them.
        text = body.decode()
        for person in (people.comms, people.manager, people.ce, people.staff_policy):
            assert person.email not in text and person.display_name not in text

        csv_response = http.get(f"{PUBLIC}/channels.csv")
        outside_verify(keys, csv_response.content, csv_response.headers["registry-signature"])
        rows = list(csv.DictReader(io.StringIO(csv_response.text)))
        assert {r["name"]: r["state"] for r in rows} == states

        feed = http.get(f"{PUBLIC}/feed.atom")
        assert feed.headers["content-type"].startswith("application/atom+xml")
        outside_verify(keys, feed.content, feed.headers["registry-signature"])


def test_the_feed_is_valid_atom_newest_first_with_stable_ids(app, register, register_on):
    with serving(app) as address, httpx.Client(base_url=address) as http:
        first = http.get(f"{PUBLIC}/feed.atom").content
        again = http.get(f"{PUBLIC}/feed.atom").content
    assert first == again
    feed = ET.fromstring(  # noqa: S314
        first
    )
    assert feed.tag == f"{ATOM}feed"
    # RFC 4287's required elements: the feed's id, title, updated and author; each entry's
    # id, title, updated and (with no content) an alternate link.
    for tag in ("id", "title", "updated", "author"):
        assert feed.find(f"{ATOM}{tag}") is not None, tag
    entries = feed.findall(f"{ATOM}entry")
    kinds = [e.find(f"{ATOM}category").get("term") for e in entries]
    assert sorted(kinds) == sorted(["live"] * 3 + ["changed", "closing", "closed"])
    updated = [e.findtext(f"{ATOM}updated") for e in entries]
    assert updated == sorted(updated, reverse=True)
    ids = [e.findtext(f"{ATOM}id") for e in entries]
    assert len(set(ids)) == len(ids) and all(i.startswith("tag:") for i in ids)
    for entry in entries:
        for tag in ("id", "title", "updated"):
            assert entry.findtext(f"{ATOM}{tag}"), tag
        link = entry.find(f"{ATOM}link[@rel='alternate']").get("href")
        assert "/register/?account=" in link
    assert "MEC Secret Launch" not in first.decode()


def test_the_feed_links_open_the_register_on_the_channel(app, client, register, register_on):
    feed = ET.fromstring(  # noqa: S314
        client.get(f"{PUBLIC}/feed.atom").data
    )
    closed = next(
        e for e in feed.findall(f"{ATOM}entry") if e.find(f"{ATOM}category").get("term") == "closed"
    )
    href = closed.find(f"{ATOM}link[@rel='alternate']").get("href")
    page = client.get(href.removeprefix(app.config["BASE_URL"])).get_data(as_text=True)
    assert "MEC Tamil Voices" in page and "It was ours, and is closed." in page


def test_verify_agrees_with_the_lookup_page_over_http(app, register, signing_key, register_on):
    active, closed = register["active"], register["closed"]
    with serving(app) as address, httpx.Client(base_url=address) as http:
        keys = http.get(f"{PUBLIC}/keys.json").json()

        def ask(**params: str) -> dict:
            response = http.get(f"{PUBLIC}/verify", params=params)
            assert response.status_code == 200, response.text
            outside_verify(keys, response.content, response.headers["registry-signature"])
            return response.json()

        assert ask(url=active.vouched_url)["answer"] == "official"
        answer = ask(url=closed.vouched_url)
        assert answer["answer"] == "was-official"
        assert answer["closed_on"] == (agency_today() - timedelta(days=5)).isoformat()
        assert ask(url=register["closing"].vouched_url)["answer"] == "official"
        assert ask(url="https://www.facebook.com/MECPasifika.fake")["answer"] == "not-ours"
        assert ask(url="https://www.facebook.com/MECSecretLaunch")["answer"] == "not-ours"
        assert ask(handle="@mecpasifika", platform="facebook")["answer"] == "official"
        # The same handle on another platform is not ours.
        assert ask(handle="MECPasifika", platform="instagram")["answer"] == "not-ours"
        # A name alone is never "official": anyone can give an account our channel's name.
        assert ask(handle="MEC Pasifika Communities", platform="facebook")["answer"] == "not-ours"


# --- errors, CORS, caching, throttling, the switch -------------------------------------------


@pytest.mark.parametrize(
    ("query", "says"),
    [
        ({}, "Nothing to check"),
        ({"url": "not an address"}, "url= is not a web address"),
        ({"handle": "MECNZ"}, "platform= is missing or unknown"),
        ({"handle": "MECNZ", "platform": "myspace"}, "platform= is missing or unknown"),
        ({"url": "https://www.facebook.com/x", "handle": "x"}, "not both"),
        ({"url": "https://www.facebook.com/" + "x" * 600}, "url= is not a web address"),
    ],
)
def test_bad_verify_parameters_say_what_to_send(client, db, register_on, query, says):
    response = client.get(f"{PUBLIC}/verify", query_string=query)
    assert response.status_code == 400 and response.mimetype == "application/json"
    assert says in response.json["error"] and "Send url=" in response.json["error"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


def test_cors_preflight_is_open_for_the_public_routes_only(client, db, register_on):
    for path in ("channels.json", "channels.csv", "feed.atom", "verify", "keys.json"):
        response = client.options(
            f"{PUBLIC}/{path}",
            headers={"Origin": "https://scanner.example", "Access-Control-Request-Method": "GET"},
        )
        assert response.status_code == 200, path
        assert response.headers["Access-Control-Allow-Origin"] == "*"
        assert "GET" in response.headers["Access-Control-Allow-Methods"]
        assert "If-None-Match" in response.headers["Access-Control-Allow-Headers"]
    # The token API and the pages stay same-origin.
    assert "Access-Control-Allow-Origin" not in client.get("/api/v1/openapi.json").headers
    assert "Access-Control-Allow-Origin" not in client.get("/register/").headers


def test_an_unchanged_register_answers_304_and_a_change_a_new_etag(
    client, client_as, people, db, register_on
):
    live_channel(client_as, people, db)
    first = client.get(f"{PUBLIC}/channels.json")
    etag = first.headers["ETag"]
    again = client.get(f"{PUBLIC}/channels.json", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b"" and again.headers["ETag"] == etag
    assert client.get(f"{PUBLIC}/feed.atom", headers={"If-None-Match": etag}).status_code == 200
    channel = approved_proposal(client_as, people, channel_name="Two", handle="MECTwo")
    live = channel_of(db, channel)
    go_live(client_as, people, live)
    changed = client.get(f"{PUBLIC}/channels.json", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert changed.last_modified >= first.last_modified


@pytest.fixture
def throttled_app(app, database_url, db):  # noqa: ANN001, ANN201
    throttled = build_app(
        make_config(
            database_url,
            RATELIMIT_ENABLED=True,
            RATELIMIT_STORAGE_URI="memory://",
            PUBLIC_REGISTER_ENABLED=True,
            OPEN_DATA_RATE_LIMIT="3 per minute",
        )
    )
    yield throttled
    with throttled.app_context():
        limiter.reset()
    limiter.enabled = app.config["RATELIMIT_ENABLED"]


def test_too_many_requests_get_429_with_retry_after(throttled_app):
    client = throttled_app.test_client()
    there = {"REMOTE_ADDR": "192.0.2.60"}
    paths = ["channels.json", "verify?url=https://www.facebook.com/MECNZ", "feed.atom"]
    for path in paths:
        assert client.get(f"{PUBLIC}/{path}", environ_base=there).status_code == 200
    response = client.get(f"{PUBLIC}/keys.json", environ_base=there)
    assert response.status_code == 429 and response.mimetype == "application/json"
    assert int(response.headers["Retry-After"]) > 0
    assert "Retry-After" in response.json["error"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    # Another address is not held up by this one.
    elsewhere = {"REMOTE_ADDR": "198.51.100.8"}
    assert client.get(f"{PUBLIC}/keys.json", environ_base=elsewhere).status_code == 200


def test_off_with_the_public_register(client, client_as, people, db, signing_key):
    live_channel(client_as, people, db)
    for path in (
        "channels.json",
        "channels.csv",
        "feed.atom",
        "channels.json.sig",
        "keys.json",
        "verify?url=https://www.facebook.com/MECPasifika",
    ):
        response = client.get(f"{PUBLIC}/{path}")
        assert response.status_code == 404, path
        assert "MECPasifika" not in response.get_data(as_text=True)
    assert client.get("/register/open-data").status_code == 404


def test_unsigned_when_no_key_is_set_and_it_says_so(client, db, register_on):
    response = client.get(f"{PUBLIC}/channels.json")
    assert response.status_code == 200 and "Registry-Signature" not in response.headers
    assert client.get(f"{PUBLIC}/keys.json").json["signed"] is False
    refused = client.get(f"{PUBLIC}/channels.json.sig")
    assert refused.status_code == 404 and "does not sign" in refused.json["error"]
    page = client.get("/register/open-data").get_data(as_text=True)
    assert "does not sign its open data yet" in page


def test_the_key_is_on_the_register_s_open_data_page(client, db, register_on, signing_key):
    keys = client.get(f"{PUBLIC}/keys.json").json
    page = client.get("/register/open-data").get_data(as_text=True)
    assert keys["keys"][0]["key_id"] in page
    assert keys["keys"][0]["public_key_pem"].splitlines()[1] in page
    assert "/register/open-data" in client.get("/register/").get_data(as_text=True)
    mi = client.get("/register/open-data?lang=mi").get_data(as_text=True)
    assert keys["keys"][0]["key_id"] in mi and 'lang="mi"' in mi


def test_the_same_register_signs_to_the_same_bytes(client, client_as, people, db, register_on,
                                                    signing_key):  # fmt: skip
    live_channel(client_as, people, db)
    first = client.get(f"{PUBLIC}/channels.json")
    second = client.get(f"{PUBLIC}/channels.json")
    assert first.data == second.data
    assert first.headers["Registry-Signature"] == second.headers["Registry-Signature"]


# --- keys: the command, rotation, configuration ------------------------------------------------


def test_keys_create_writes_an_owner_only_file_and_refuses_to_overwrite(app, db, tmp_path):
    path = tmp_path / "signing.pem"
    result = create_key(app, path)
    assert result.exit_code == 0, result.output
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert path.read_bytes().startswith(b"-----BEGIN PRIVATE KEY-----")
    printed = json.loads(result.output.strip().splitlines()[-1])
    assert printed["key_id"] in result.output and "BEGIN PUBLIC KEY" in result.output
    before = path.read_bytes()
    again = create_key(app, path)
    assert again.exit_code != 0 and "never overwritten" in again.output
    assert path.read_bytes() == before


def test_a_previous_key_is_published_during_rotation(app, client, db, register_on, tmp_path,
                                                    signing_key):  # fmt: skip
    old = tmp_path / "old.pem"
    assert create_key(app, old).exit_code == 0
    app.config["OPEN_DATA_PREVIOUS_KEY_FILE"] = str(old)
    try:
        keys = client.get(f"{PUBLIC}/keys.json").json
    finally:
        app.config["OPEN_DATA_PREVIOUS_KEY_FILE"] = ""
    assert [k["status"] for k in keys["keys"]] == ["current", "previous"]
    assert keys["keys"][0]["key_id"] != keys["keys"][1]["key_id"]


def test_an_unusable_key_file_stops_the_app_starting(database_url, tmp_path):
    bad = tmp_path / "not-a-key.pem"
    bad.write_text("hello")
    for path in (bad, tmp_path / "missing.pem"):
        with pytest.raises(SystemExit):
            build_app(make_config(database_url, OPEN_DATA_SIGNING_KEY_FILE=str(path)))


def test_signing_stands_alone_for_a_subscriber():
    """The subscriber side reuses registry/signing.py on its own: loaded as a lone file, it
    pulls in neither Flask nor the database nor the rest of the registry."""
    path = Path(__file__).resolve().parents[2] / "registry" / "signing.py"
    code = (
        "import importlib.util, sys\n"
        f"spec = importlib.util.spec_from_file_location('signing', {str(path)!r})\n"
        "module = importlib.util.module_from_spec(spec); sys.modules['signing'] = module\n"
        "spec.loader.exec_module(module)\n"
        "pem, key = module.new_private_key_pem()\n"
        "sig = module.sign(key, b'x')\n"
        "assert module.verify({sig.key_id: key.public_key()}, b'x', sig)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in "
        "('flask', 'sqlalchemy', 'registry', 'werkzeug')))"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    ).stdout
    assert out.strip() == "[]"


def test_the_signing_module_verifies_what_the_registry_signed(client, db, register_on,
                                                             signing_key):  # fmt: skip
    from registry import signing

    response = client.get(f"{PUBLIC}/channels.json")
    keys = signing.keys_from_document(client.get(f"{PUBLIC}/keys.json").json)
    signature = signing.Signature.from_header(response.headers["Registry-Signature"])
    assert signing.verify(keys, response.data, signature)
    assert not signing.verify(keys, response.data + b" ", signature)


def test_every_public_standing_is_mapped_or_deliberately_unpublished():
    """A new lifecycle standing (a "closing" state, say) must be given its public name here."""
    assert set(PUBLIC_STATES) | UNPUBLISHED == set(Standing)
    assert not set(PUBLIC_STATES) & UNPUBLISHED


def test_the_answers_match_their_openapi_description(client, register, register_on, signing_key):
    from jsonschema import Draft202012Validator, FormatChecker

    doc = client.get("/api/v1/openapi.json").json
    for schema in doc["components"]["schemas"].values():
        Draft202012Validator.check_schema(schema)
    assert "Registry-Signature" in doc["info"]["description"]

    def check(path: str, query: dict | None = None) -> None:
        operation = doc["paths"][path]["get"]
        assert operation["security"] == [] and doc["paths"][path]["servers"][0]["url"].endswith(
            PUBLIC
        )
        response = client.get(PUBLIC + path, query_string=query or {})
        declared = operation["responses"][str(response.status_code)]
        for header, spec in declared.get("headers", {}).items():
            assert not spec.get("required") or header in response.headers, (path, header)
        schema = declared["content"]["application/json"]["schema"]
        root = {"components": doc["components"], **schema}
        Draft202012Validator(root, format_checker=FormatChecker()).validate(response.json)

    check("/channels.json")
    check("/channels.json.sig")
    check("/keys.json")
    check("/verify", {"url": register["closed"].vouched_url})
    check("/verify", {"handle": "nobody"})  # the 400, in the Error shape
