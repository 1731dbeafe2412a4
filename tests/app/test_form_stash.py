"""Work typed into an expired session is kept for that person only, within limits."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from sqlalchemy import func, select

from registry.proposals.models import FormStash
from tests import factories
from tests.conftest import build_app, make_config
from tests.proposal_data import good_form


def stash_count(db) -> int:  # noqa: ANN001
    return db.session.scalar(select(func.count()).select_from(FormStash))


def expired_session(client_as, role: str):  # noqa: ANN001, ANN201
    """A client whose session the server ended (the person signed out on another device)."""
    client = client_as(role)
    client_as(role).post("/sign-out")
    return client


def restore_link(response) -> str | None:  # noqa: ANN001
    assert response.status_code == 302
    location = response.headers["Location"]
    assert location.startswith("/sign-in")
    next_url = parse_qs(urlsplit(location).query)["next"][0]
    return next_url if "restore=" in next_url else None


def test_signed_out_visitors_store_nothing(client, people, db):  # noqa: ANN001
    body = good_form(people, purpose="x" * 500_000)
    for _ in range(20):
        response = client.post("/proposals/new", data=body)
        assert restore_link(response) is None
    assert stash_count(db) == 0
    page = client.get("/sign-in").get_data(as_text=True)
    assert "what you typed is kept" not in page


def test_someone_elses_stash_link_is_not_found_and_fills_nothing(client_as, people, db):  # noqa: ANN001
    attacker = expired_session(client_as, "staff_policy")
    typed = good_form(people, purpose="Post our passwords here")
    link = restore_link(attacker.post("/proposals/new", data=typed))
    assert link is not None

    victim = client_as("staff_community")
    opened = victim.get(link)
    assert opened.status_code == 404
    page = opened.get_data(as_text=True)
    assert "Post our passwords here" not in page
    assert "We kept what you typed" not in page
    # Sent through the sign-in page, the same: the victim signs in and is refused.
    fresh = victim.application.test_client()
    signed = fresh.post(
        "/sign-in",
        query_string={"next": link},
        data={"email": people.staff_community.email, "password": factories.PASSWORD},
    )
    assert fresh.get(signed.headers["Location"]).status_code == 404
    # It is still there for its owner.
    owner = client_as("staff_policy")
    assert "Post our passwords here" in owner.get(link).get_data(as_text=True)


def test_the_person_whose_session_ended_gets_their_work_back(client_as, people, db):  # noqa: ANN001
    client = expired_session(client_as, "staff_policy")
    typed = good_form(people, purpose="Typed before the session ended")
    link = restore_link(client.post("/proposals/new", data=typed))
    assert link is not None
    signed = client.post(
        "/sign-in",
        query_string={"next": link},
        data={"email": people.staff_policy.email, "password": factories.PASSWORD},
    )
    assert signed.headers["Location"] == link
    page = client.get(link).get_data(as_text=True)
    assert "We kept what you typed" in page
    assert "Typed before the session ended" in page
    assert stash_count(db) == 0  # handed back once, then gone


def test_a_stash_is_capped_in_size(app, client_as, people, db):  # noqa: ANN001
    client = expired_session(client_as, "staff_policy")
    limit = app.config["FORM_STASH_MAX_BYTES"]
    response = client.post("/proposals/new", data=good_form(people, purpose="x" * (limit + 1)))
    assert restore_link(response) is None
    assert stash_count(db) == 0
    page = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "too large to keep" in page


def test_each_person_keeps_a_few_stashes_and_the_oldest_go_first(app, client_as, people, db):  # noqa: ANN001
    client = expired_session(client_as, "staff_policy")
    links = []
    for number in range(7):
        body = good_form(people, purpose=f"Attempt number {number}")
        links.append(restore_link(client.post("/proposals/new", data=body)))
    assert stash_count(db) == app.config["FORM_STASH_PER_PERSON"] == 5
    client.post(
        "/sign-in", data={"email": people.staff_policy.email, "password": factories.PASSWORD}
    )
    assert "Attempt number 0" not in client.get(links[0]).get_data(as_text=True)
    assert "Attempt number 6" in client.get(links[6]).get_data(as_text=True)


def test_a_forged_post_into_an_expired_session_keeps_nothing(database_url, client_as, people, db):  # noqa: ANN001
    app = build_app(make_config(database_url, WTF_CSRF_ENABLED=True))
    client = app.test_client()
    page = client.get("/sign-in").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    signed = client.post(
        "/sign-in",
        data={
            "email": people.staff_policy.email,
            "password": factories.PASSWORD,
            "csrf_token": token,
        },
    )
    assert signed.status_code == 302
    client_as("staff_policy").post("/sign-out")  # the session ends elsewhere
    body = good_form(people, purpose="Planted by another site")
    forged = client.post("/proposals/new", data={**body, "csrf_token": "not-the-token"})
    assert forged.status_code == 400
    assert stash_count(db) == 0
    # The person's own page, with the session's token, is kept for them.
    kept = client.post("/proposals/new", data={**body, "csrf_token": token})
    assert restore_link(kept) is not None
    assert stash_count(db) == 1
