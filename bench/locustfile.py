"""A day against the registry, for locust: ``python -m bench.load_test`` runs it.

Who comes, in roughly the proportions of a working day: the public checking the register
and whether an account is official (most requests), the Communications team reading the
inventory (filters, search, paging, channel pages, now and then a CSV export), staff
drafting, saving and (rarely) submitting proposals, the signatories working through their
sign-off queue, and an integration reading the API with a bearer token. Each locust user
signs in once, through the sign-in form, as the person it plays, and keeps its session.

The data the users need (emails, the password, a proposal form with the cast's ids, the API
token, how many channels there are) comes from a JSON file named by
``REGISTRY_LOAD_SCENARIO``, written by ``bench.load_test`` after seeding; this process imports
nothing of the registry. ``REGISTRY_LOAD_THINK_SCALE`` scales every pause between clicks
(1 = the pauses below; 0.1 = a busy machine-like user, for the throughput runs).
"""

from __future__ import annotations

import itertools
import json
import os
import random
import re
import urllib.parse
from collections.abc import Callable
from typing import Any

from locust import FastHttpUser, events, task

from bench.load_shape import StepShape, note_request  # noqa: F401 - locust finds the shape here

SCENARIO: dict[str, Any] = json.loads(
    open(os.environ["REGISTRY_LOAD_SCENARIO"], encoding="utf-8").read()  # noqa: SIM115
)
THINK_SCALE = float(os.environ.get("REGISTRY_LOAD_THINK_SCALE", "1"))
PLATFORMS = ("facebook", "instagram", "x", "linkedin", "youtube", "tiktok")
FORM_HEADERS = {"Content-Type": "application/x-www-form-urlencoded"}
_SIGNOFF_LINK = re.compile(r'href="/proposals/(\d+)/signoff"')
# Handles and names must not clash with anything already proposed: this process's id plus a
# counter is unique across the runs of one load test (each run is a new locust process).
_numbers = itertools.count(1)

events.request.add_listener(note_request)


def think(low: float, high: float) -> Callable[[Any], float]:
    """A pause between clicks of ``low``..``high`` seconds, times REGISTRY_LOAD_THINK_SCALE."""

    def wait(_user: Any) -> float:
        return random.uniform(low, high) * THINK_SCALE

    return wait


def field_value(html: str, name: str) -> str | None:
    """The value of the input (or the first option of the select) called ``name``."""
    tag = re.search(rf'<input[^>]*\bname="{re.escape(name)}"[^>]*>', html)
    if tag:
        value = re.search(r'\bvalue="([^"]*)"', tag.group(0))
        return value.group(1) if value else ""
    select = re.search(rf'<select[^>]*\bname="{re.escape(name)}"[^>]*>(.*?)</select>', html, re.S)
    if select:
        option = re.search(r'<option[^>]*\bvalue="([^"]*)"', select.group(1))
        return option.group(1) if option else None
    return None


def encoded(form: dict[str, Any]) -> str:
    # Lists (languages, spokespeople) become repeated keys, as a browser posts them.
    return urllib.parse.urlencode(form, doseq=True)


class Visitor(FastHttpUser):
    """Base: a browser session. ``person`` is a key of the scenario's emails, or None."""

    abstract = True
    person: str | None = None

    def on_start(self) -> None:
        if self.person is not None:
            self.sign_in(SCENARIO["emails"][self.person])

    def sign_in(self, email: str) -> None:
        page = self.client.get("/sign-in", name="sign-in form")
        token = field_value(page.text or "", "csrf_token") or ""
        body = encoded({"email": email, "password": SCENARIO["password"], "csrf_token": token})
        with self.client.post(
            "/sign-in",
            data=body,
            headers=FORM_HEADERS,
            name="sign-in (POST)",
            allow_redirects=False,
            catch_response=True,
        ) as reply:
            if reply.status_code != 302:
                reply.failure(f"sign-in answered {reply.status_code}, not a redirect")

    def page(self, path: str, name: str) -> str:
        return self.client.get(path, name=name).text or ""

    def post_form(self, path: str, form: dict[str, Any], name: str) -> str | None:
        """POST a form as a browser does; the redirect's address, or None (a failure)."""
        with self.client.post(
            path,
            data=encoded(form),
            headers=FORM_HEADERS,
            name=name,
            allow_redirects=False,
            catch_response=True,
        ) as reply:
            location = reply.headers.get("Location", "") if reply.headers else ""
            if reply.status_code != 302 or location.rstrip("/").endswith("/new"):
                reply.failure(f"answered {reply.status_code} {location!r}, not a redirect")
                return None
            return location


def random_handle() -> str:
    return f"seed_{random.randrange(SCENARIO['channels']):05d}"


class Public(Visitor):
    """Someone checking an account that claims to be the agency's, or browsing the register."""

    weight = 45
    wait_time = think(2, 8)

    @task(6)
    def lookup_official(self) -> None:
        account = urllib.parse.quote(f"@{random_handle()}")
        self.page(f"/register/?account={account}", "public: is this official? (ours)")

    @task(3)
    def lookup_impostor(self) -> None:
        account = urllib.parse.quote(f"@mec_official_{random.randrange(10**6)}")
        self.page(f"/register/?account={account}", "public: is this official? (not ours)")

    @task(4)
    def register(self) -> None:
        self.page("/register/", "public: register")

    @task(2)
    def register_platform(self) -> None:
        self.page(f"/register/?platform={random.choice(PLATFORMS)}", "public: register, platform")

    @task(2)
    def register_page(self) -> None:
        number = random.randint(2, SCENARIO["register_pages"])
        self.page(f"/register/?page={number}", "public: register, page n")


class Communications(Visitor):
    """The Communications team: the inventory all day, a CSV export now and then."""

    weight = 30
    wait_time = think(2, 8)
    person = "comms"

    @task(100)
    def inventory(self) -> None:
        self.page("/inventory/", "comms: inventory")

    @task(80)
    def filtered(self) -> None:
        query = {"platform": random.choice(PLATFORMS), "state": "active"}
        if random.random() < 0.5:
            query["unit"] = random.choice(SCENARIO["unit_ids"])
        self.page(f"/inventory/?{encoded(query)}", "comms: inventory, filtered")

    @task(60)
    def search(self) -> None:
        # A handle fragment matching about ten channels, as someone types part of a handle.
        query = f"seed_{random.randrange(SCENARIO['channels'] // 10):04d}"
        self.page(f"/inventory/?q={query}", "comms: inventory, search")

    @task(50)
    def paged(self) -> None:
        number = random.randint(2, SCENARIO["inventory_pages"])
        self.page(f"/inventory/?page={number}", "comms: inventory, page n")

    @task(20)
    def review_due(self) -> None:
        self.page("/inventory/?review=overdue&sort=review", "comms: inventory, reviews overdue")

    @task(100)
    def channel(self) -> None:
        low, high = SCENARIO["channel_ids"]
        self.page(f"/channels/{random.randint(low, high)}", "comms: channel page")

    @task(10)
    def dashboard(self) -> None:
        self.page("/", "comms: dashboard")

    @task(8)
    def export_filtered(self) -> None:
        query = encoded({"platform": random.choice(PLATFORMS), "state": "active"})
        self.page(f"/inventory/export.csv?{query}", "comms: CSV export, filtered")

    # The whole inventory (10,000 rows) is a rare, heavy request: about one in 400.
    @task(1)
    def export_everything(self) -> None:
        self.page("/inventory/export.csv", "comms: CSV export, everything")


class Staff(Visitor):
    """A staff member proposing a channel: reads the dashboard and their proposals, drafts,
    saves, and now and then submits for sign-off. Half play Tama (Policy), half Lin (Community
    Engagement); each draft is this user's own, so no two users edit the same proposal."""

    weight = 15
    wait_time = think(3, 10)

    def on_start(self) -> None:
        self.person = random.choice(("staff_policy", "staff_community"))
        self.mine: list[int] = list(SCENARIO["proposals"].get(self.person, []))
        self.drafts: list[int] = []
        super().on_start()

    def proposal_form(self, action: str) -> dict[str, Any]:
        number = f"{os.getpid()}{next(_numbers):05d}"
        return SCENARIO["forms"][self.person] | {
            "handle": f"Load{number}",
            "channel_name": f"MEC Load Channel {number}",
            "action": action,
        }

    @task(6)
    def dashboard(self) -> None:
        self.page("/", "staff: dashboard")

    @task(4)
    def my_proposals(self) -> None:
        self.page("/proposals/", "staff: my proposals")

    @task(4)
    def proposal(self) -> None:
        if self.mine:
            self.page(f"/proposals/{random.choice(self.mine)}", "staff: proposal page")

    @task(3)
    def save_draft(self) -> None:
        form = self.page("/proposals/new", "staff: new proposal form")
        fields = self.proposal_form("save") | {"csrf_token": field_value(form, "csrf_token")}
        location = self.post_form("/proposals/new", fields, "staff: save draft (POST)")
        if location:
            proposal_id = int(location.rstrip("/").rsplit("/", 1)[-1])
            self.drafts.append(proposal_id)
            self.mine.append(proposal_id)
            self.page(location, "staff: proposal page")

    @task(1)
    def submit_draft(self) -> None:
        if not self.drafts:
            return
        proposal_id = self.drafts.pop(0)
        page = self.page(f"/proposals/{proposal_id}", "staff: proposal page")
        fields = {
            "csrf_token": field_value(page, "csrf_token"),
            "version": field_value(page, "version"),
        }
        location = self.post_form(
            f"/proposals/{proposal_id}/submit", fields, "staff: submit for sign-off (POST)"
        )
        if location:
            self.page(location, "staff: proposal page")


class Signatory(Visitor):
    """A signatory working through their queue. There is one of each (a DCE per unit, the
    Manager Communications, the Chief Executive), as in the agency: one session each, so two
    sessions never race to sign the same proposal in the same office."""

    abstract = True
    fixed_count = 1
    wait_time = think(3, 10)

    @task(2)
    def dashboard(self) -> None:
        self.page("/", "signatory: dashboard")

    @task(4)
    def queue(self) -> None:
        self.page("/signoffs/", "signatory: sign-off queue")

    @task(3)
    def read_one(self) -> None:
        waiting = _SIGNOFF_LINK.findall(self.page("/signoffs/", "signatory: sign-off queue"))
        if waiting:
            self.page(f"/proposals/{random.choice(waiting)}/signoff", "signatory: sign-off page")

    @task(3)
    def approve_oldest(self) -> None:
        waiting = _SIGNOFF_LINK.findall(self.page("/signoffs/", "signatory: sign-off queue"))
        if not waiting:
            return
        address = f"/proposals/{waiting[0]}/signoff"
        page = self.page(address, "signatory: sign-off page")
        if 'value="approve"' not in page:
            return
        fields = {
            name: field_value(page, name)
            for name in ("csrf_token", "revision_number", "content_sha256", "capacity")
        }
        location = self.post_form(
            address, fields | {"decision": "approve", "comment": ""}, "signatory: approve (POST)"
        )
        if location:
            self.page(location, "signatory: sign-off page")


class DcePolicy(Signatory):
    person = "dce_policy"


class DceCommunity(Signatory):
    person = "dce_community"


class ManagerCommunications(Signatory):
    person = "manager"


class ChiefExecutive(Signatory):
    person = "ce"


class ApiClient(FastHttpUser):
    """Another system (an intranet page, a monitoring job) reading the API with a token."""

    weight = 6
    wait_time = think(1, 5)

    def on_start(self) -> None:
        self.headers = {"Authorization": f"Bearer {SCENARIO['api_token']}"}

    @task(4)
    def list_page(self) -> None:
        number = random.randint(1, SCENARIO["inventory_pages"])
        self.client.get(
            f"/api/v1/channels?page={number}", headers=self.headers, name="api: channel list"
        )

    @task(2)
    def list_platform(self) -> None:
        self.client.get(
            f"/api/v1/channels?platform={random.choice(PLATFORMS)}",
            headers=self.headers,
            name="api: channel list, platform",
        )

    @task(2)
    def one(self) -> None:
        low, high = SCENARIO["channel_ids"]
        self.client.get(
            f"/api/v1/channels/{random.randint(low, high)}",
            headers=self.headers,
            name="api: one channel",
        )
