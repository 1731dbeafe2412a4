"""An all-of-government lookup: two registries on loopback, each publishing its signed
register and subscribing to the other's (tests/federation_registries.py)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask, redirect
from jsonschema import Draft202012Validator, FormatChecker
from sqlalchemy import func, select

from registry import signing
from registry.audit.models import AuditEntry
from registry.auth.offices import agency_today
from registry.extensions import db as _db
from registry.federation.models import AgencyChannel, Subscription
from registry.jobs.models import Job
from registry.timeutil import format_date
from tests.browser.conftest import serving
from tests.federation_registries import (
    STARTED,
    build_second_registry,
    flip_one_byte,
    proxy_app,
    two_registries,
)

MEC_ROW = f"MEC New Zealand,Facebook,MECNZ,https://www.facebook.com/MECNZ,COR,mere.comms@example.govt.nz,{STARTED}"
IRD_ROW = f"Inland Revenue,Facebook,IRDNZ,https://www.facebook.com/IRDNZ,COR,mere.comms@example.govt.nz,{STARTED}"
IRD_X = (
    f"Inland Revenue on X,X,IRD_NZ,https://x.com/IRD_NZ,POL,mere.comms@example.govt.nz,{STARTED}"
)


@pytest.fixture(scope="module")
def second(database_url, tmp_path_factory):  # noqa: ANN001, ANN201
    return build_second_registry(database_url, tmp_path_factory.mktemp("registry-b"))


@pytest.fixture
def registries(app, db, second, tmp_path):  # noqa: ANN001, ANN201
    with two_registries(app, second, tmp_path) as (a, b):
        a.import_rows(MEC_ROW)
        b.import_rows(IRD_ROW, IRD_X)
        yield a, b


def subscription(name: str) -> Subscription:
    _db.session.rollback()
    return _db.session.scalar(select(Subscription).where(Subscription.agency_name == name))


def stored_handles(name: str) -> set[str]:
    return {c.handle for c in subscription(name).channels if c.official}


def admin_page(a) -> str:  # noqa: ANN001
    return a.admin().get("/admin/agencies/").get_data(as_text=True)


def valid_verify_answer(client, document: dict) -> None:  # noqa: ANN001
    """The answer is what the published OpenAPI description says a verify answer is."""
    doc = client.get("/api/v1/openapi.json").get_json()
    root = {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "components": doc["components"],
        "$ref": "#/components/schemas/VerifyAnswer",
    }
    Draft202012Validator(root, format_checker=FormatChecker()).validate(document)


def test_each_registry_answers_for_the_other_with_a_link_to_its_register(registries):
    a, b = registries
    a.subscribe("Inland Revenue", b)  # subscribing fetches at once
    b.subscribe("Ministry for Ethnic Communities", a)

    page = a.ask("https://www.facebook.com/IRDNZ")
    assert "Yes — this is an official Inland Revenue channel." in page
    assert "It is not one of ours" in page
    assert f'href="{b.register_url}?account=' in page  # B's own page for the channel
    assert "Its list was last verified on" in page
    te_reo = a.ask("https://www.facebook.com/IRDNZ", lang="mi")
    assert "Āe — he hongere ōkawa tēnei nō Inland Revenue." in te_reo
    assert "Tirohia i te rēhita o Inland Revenue" in te_reo
    assert "@IRD_NZ" not in page or "Inland Revenue on X" in a.ask("@IRD_NZ")

    with b.context():
        page_b = b.ask("@MECNZ")
    assert "Yes — this is an official Ministry for Ethnic Communities channel." in page_b
    assert f'href="{a.register_url}?account=' in page_b

    status = admin_page(a)
    assert "Inland Revenue" in status and "Last fetch refused" not in status
    assert stored_handles("Inland Revenue") == {"IRDNZ", "IRD_NZ"}


def test_the_verify_api_answers_for_a_subscribed_agency_after_our_own(registries):
    a, b = registries
    a.subscribe("Inland Revenue", b)
    client = a.app.test_client()
    theirs = client.get("/api/public/v1/verify", query_string={"url": "https://x.com/IRD_NZ"})
    document = theirs.get_json()
    assert document["answer"] == "not-ours"  # about us: the format's meaning is unchanged
    assert document["other_agency"]["agency"] == "Inland Revenue"
    assert document["other_agency"]["answer"] == "official"
    assert document["other_agency"]["register_url"].startswith(b.register_url)
    valid_verify_answer(client, document)
    ours = client.get(
        "/api/public/v1/verify", query_string={"handle": "MECNZ", "platform": "facebook"}
    ).get_json()
    assert ours["answer"] == "official" and ours["other_agency"] is None
    elsewhere = client.get(
        "/api/public/v1/verify", query_string={"handle": "IRDNZ", "platform": "instagram"}
    ).get_json()
    assert elsewhere["other_agency"] is None  # the same handle on another platform


def test_our_own_channel_comes_first(registries):
    a, b = registries
    # B lists a channel with our handle on the same platform: ours answers.
    b.import_rows(
        f"Imitation,Facebook,MECNZ,https://www.facebook.com/MECNZ,COR,mere.comms@example.govt.nz,{STARTED}"
    )
    a.subscribe("Inland Revenue", b)
    page = a.ask("https://www.facebook.com/MECNZ")
    assert "Yes — this is an official Ministry for Ethnic Communities channel." in page
    assert "Inland Revenue" not in page


def test_a_document_changed_by_one_byte_is_refused_and_the_last_good_copy_stays(registries):
    a, b = registries
    tampering = {"on": False}

    def change(body: bytes) -> bytes:
        return flip_one_byte(body) if tampering["on"] else body

    with serving(proxy_app(lambda: b.url, change)) as proxy:
        a.subscribe("Inland Revenue", b, feed_url=f"{proxy}/api/public/v1/channels.json")
        assert stored_handles("Inland Revenue") == {"IRDNZ", "IRD_NZ"}
        tampering["on"] = True
        a.fetch_feeds()

    subscription_now = subscription("Inland Revenue")
    assert subscription_now.last_refusal == "bad-signature"
    assert stored_handles("Inland Revenue") == {"IRDNZ", "IRD_NZ"}
    status = admin_page(a)
    assert "Last fetch refused: Bad signature" in status
    assert "The lookup still uses the list verified" in status
    assert "Yes — this is an official Inland Revenue channel." in a.ask("@IRDNZ")
    refused = _db.session.scalar(
        select(func.count(AuditEntry.id)).where(AuditEntry.action == "feed-refused")
    )
    assert refused == 1


def test_a_document_signed_with_another_key_is_refused(registries):
    a, b = registries
    a.subscribe("Inland Revenue", b, public_key=a.public_key_pem)  # our key, not theirs
    assert subscription("Inland Revenue").last_refusal == "wrong-key"
    assert stored_handles("Inland Revenue") == set()
    assert "Last fetch refused: Signed with another key" in admin_page(a)
    page = a.ask("@IRDNZ")
    assert "is not one of our official channels." in page
    assert "Inland Revenue channel" not in page


def test_an_unreachable_feed_keeps_the_last_good_copy(registries, second):
    a, b = registries

    def change(body: bytes) -> bytes:
        return body

    with serving(proxy_app(lambda: b.url, change)) as proxy:
        a.subscribe("Inland Revenue", b, feed_url=f"{proxy}/api/public/v1/channels.json")
    a.fetch_feeds()  # the proxy has gone: nothing answers there
    subscription_now = subscription("Inland Revenue")
    assert subscription_now.last_refusal == "unreachable"
    assert stored_handles("Inland Revenue") == {"IRDNZ", "IRD_NZ"}
    assert "Last fetch refused: Unreachable" in admin_page(a)
    # Tried again through the job queue, after its backoff; the next scheduled run adds none.
    retry = _db.session.scalar(select(Job).where(Job.kind == "fetch-feed", Job.state == "pending"))
    assert retry is not None and retry.attempts == 1 and retry.last_error
    assert "Fetches queued: 0" in a.fetch_feeds()
    assert "Yes — this is an official Inland Revenue channel." in a.ask("@IRDNZ")


def test_a_channel_b_closes_shows_on_a_as_was_official_until_the_day(registries):
    a, b = registries
    a.subscribe("Inland Revenue", b)
    closed_on = agency_today() - timedelta(days=3)
    with b.context():
        channel = b.channel("IRDNZ")
        response = b.comms().post(
            f"/channels/{channel.id}/decommission",
            data={
                "decommission-decommissioned_on": closed_on.isoformat(),
                "decommission-reason": "Merged.",
            },
        )
        assert response.status_code == 302
    assert "Yes — this is an official Inland Revenue channel." in a.ask("@IRDNZ")  # until fetched
    a.fetch_feeds()
    page = a.ask("@IRDNZ")
    assert f"This was an official Inland Revenue channel until {format_date(closed_on)}." in page
    assert "Yes — this is" not in page
    document = (
        a.app.test_client()
        .get("/api/public/v1/verify", query_string={"url": "https://www.facebook.com/IRDNZ"})
        .get_json()
    )
    assert document["other_agency"]["answer"] == "was-official"
    assert document["other_agency"]["closes_on"] == closed_on.isoformat()
    valid_verify_answer(a.app.test_client(), document)


def test_the_subscription_form_keeps_what_was_typed(registries):
    a, b = registries
    typed = {
        "agency_name": "Inland Revenue",
        "register_url": b.register_url,
        "feed_url": "ftp://example.org/feed",
        "public_key": "not a key",
    }
    response = a.admin().post("/admin/agencies/new", data=typed)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "There is a problem" in page
    assert 'value="Inland Revenue"' in page and "not a key" in page
    assert subscription("Inland Revenue") is None


def test_pause_edit_and_remove_are_audited(registries):
    a, b = registries
    admin = a.subscribe("Inland Revenue", b)
    sid = subscription("Inland Revenue").id
    assert admin.post(f"/admin/agencies/{sid}/pause").status_code == 302
    assert subscription("Inland Revenue").paused
    assert "Fetches queued: 0" in a.fetch_feeds()
    assert admin.post(f"/admin/agencies/{sid}/resume").status_code == 302
    response = admin.post(
        f"/admin/agencies/{sid}",
        data={
            "agency_name": "Inland Revenue (IR)",
            "register_url": b.register_url,
            "feed_url": b.feed_url,
            "public_key": b.public_key_pem,
        },
    )
    assert response.status_code == 302
    assert admin.post(f"/admin/agencies/{sid}/remove").status_code == 302
    _db.session.rollback()
    assert _db.session.scalar(select(func.count(AgencyChannel.id))) == 0
    actions = set(
        _db.session.scalars(
            select(AuditEntry.action).where(AuditEntry.object_type == "subscription")
        )
    )
    assert {
        "subscription-added",
        "subscription-paused",
        "subscription-resumed",
        "subscription-changed",
        "subscription-removed",
        "feed-verified",
    } <= actions
    assert "Inland Revenue" not in a.ask("@IRDNZ")


def test_staff_who_are_not_admins_cannot_see_subscriptions(registries):
    a, _b = registries
    from tests.federation_registries import sign_in

    comms = sign_in(a.app, a.comms_email)
    assert comms.get("/admin/agencies/").status_code == 403


def test_a_verified_document_that_is_not_a_register_is_refused_as_malformed(registries):
    a, b = registries
    b_key = signing.load_private_key(b.key_path)
    body = b'{"format":"something-else","channels":[]}\n'
    proxy = Flask("malformed")

    @proxy.get("/feed.json")
    def malformed():  # noqa: ANN202
        return body, 200, {signing.HEADER: signing.sign(b_key, body).header()}

    with serving(proxy) as url:
        a.subscribe("Inland Revenue", b, feed_url=f"{url}/feed.json")
    assert subscription("Inland Revenue").last_refusal == "malformed"
    assert "Last fetch refused: Malformed document" in admin_page(a)


def test_a_feed_over_the_size_limit_is_refused_unread(registries):
    a, b = registries
    saved = a.app.config["FEEDS_MAX_BYTES"]
    a.app.config["FEEDS_MAX_BYTES"] = 100
    try:
        a.subscribe("Inland Revenue", b)
    finally:
        a.app.config["FEEDS_MAX_BYTES"] = saved
    assert subscription("Inland Revenue").last_refusal == "too-large"
    assert stored_handles("Inland Revenue") == set()


def test_a_redirect_to_another_host_is_not_followed(registries):
    a, b = registries
    proxy = Flask("redirecting")

    @proxy.get("/feed.json")
    def elsewhere():  # noqa: ANN202
        # B's real document, on another host (localhost is not 127.0.0.1).
        return redirect(b.feed_url.replace("127.0.0.1", "localhost"))

    with serving(proxy) as url:
        a.subscribe("Inland Revenue", b, feed_url=f"{url}/feed.json")
    refused = subscription("Inland Revenue")
    assert refused.last_refusal == "unreachable"
    assert "Redirected to another host" in refused.last_refusal_detail


def test_the_key_may_be_typed_as_the_base64_of_the_keys_document(registries):
    a, b = registries
    keys = b.app.test_client().get("/api/public/v1/keys.json").get_json()
    a.subscribe("Inland Revenue", b, public_key=keys["keys"][0]["public_key"])
    assert subscription("Inland Revenue").key_id == keys["keys"][0]["key_id"]
    assert stored_handles("Inland Revenue") == {"IRDNZ", "IRD_NZ"}
