"""Who may use what: every route of the app × every role, decided in one table.

The routes come from ``app.url_map`` (static files aside). A route without a row in MATRIX
fails, naming the route, so nobody adds a page without deciding who may use it. Each cell is
its own test: a GET (a POST with harmless data for POST-only routes, CSRF off as in the test
app) as that role, against real records (see ``tests/security/world.py``), and the status
must be exactly the one in the table.

Reading the table: 200 page, 302 redirect (to sign-in when anonymous), 401 no API token,
403 not your role, 404 not found or not yours to see (object level: another unit's proposal
or channel looks missing), 409 allowed but not in this state.
"""

from __future__ import annotations

from collections import Counter

import pytest
from flask import Flask

from registry import create_app
from tests.conftest import make_config
from tests.security.world import ANONYMOUS, ROLES, World, rules, world_fixture

# A row's key is the rule as url_map spells it; "rule @variant" rows check the same route
# against another record (see World.params) or setting (see CONFIG_VARIANTS).
#
# Columns: anonymous, staff_policy, staff_community, comms, manager, dce_policy,
#          dce_community, ce, acting_ce, admin.
# fmt: off
MATRIX: dict[str, str] = {
    #                                                anon SP  SC  CO  MA  DP  DC  CE  AC  AD
    "/":                                            "302 200 200 200 200 200 200 200 200 200",
    "/sign-in":                                     "200 302 302 302 302 302 302 302 302 302",
    "/sign-out":                                    "302 302 302 302 302 302 302 302 302 302",
    # Signing in with the agency's identity provider: no such page until OIDC_ISSUER is set
    # (tests/app/test_oidc.py runs it against a real provider).
    "/sign-in/agency":                              "404 404 404 404 404 404 404 404 404 404",
    "/sign-in/agency/return":                       "404 404 404 404 404 404 404 404 404 404",
    # The emailed links to choose a password: public; a link that opens nothing is a 404.
    "/invitation/<token>":                          "404 404 404 404 404 404 404 404 404 404",
    "/reset-password/<token>":                      "404 404 404 404 404 404 404 404 404 404",
    # Proposals: the submitted one by Tama (Policy) unless a variant says otherwise.
    "/proposals/":                                  "302 200 200 200 200 200 200 200 200 200",
    "/proposals/new":                               "302 200 200 200 200 200 200 200 200 200",
    "/proposals/<int:proposal_id>":                 "302 200 404 200 200 200 404 200 200 200",
    "/proposals/<int:proposal_id> @draft":          "302 200 404 200 200 404 404 404 404 200",
    "/proposals/<int:proposal_id> @approved":       "302 200 404 200 200 200 404 200 200 200",
    "/proposals/<int:proposal_id>/edit":            "302 200 404 403 403 403 404 403 403 403",
    "/proposals/<int:proposal_id>/edit @draft":     "302 200 404 403 403 404 404 404 404 403",
    "/proposals/<int:proposal_id>/edit @approved":  "302 409 404 403 403 403 404 403 403 403",
    # A section's page of the proposal form (People here), its task list (/edit) and its
    # check-your-answers page: the proposer's alone, while it is open to edits (a submitted
    # proposal may be edited, taking it back to draft; it is not submitted twice).
    "/proposals/<int:proposal_id>/edit/<section>":  "302 200 404 403 403 403 404 403 403 403",
    "/proposals/<int:proposal_id>/edit/<section> @draft":
                                                    "302 200 404 403 403 404 404 404 404 403",
    "/proposals/<int:proposal_id>/edit/<section> @approved":
                                                    "302 409 404 403 403 403 404 403 403 403",
    "/proposals/<int:proposal_id>/check-answers":   "302 409 404 403 403 403 404 403 403 403",
    "/proposals/<int:proposal_id>/check-answers @draft":
                                                    "302 200 404 403 403 404 404 404 404 403",
    "/proposals/<int:proposal_id>/check-answers @approved":
                                                    "302 409 404 403 403 403 404 403 403 403",
    # Submitted already: a stale Submit pressed again is told so and sent to its page (302).
    "/proposals/<int:proposal_id>/submit":          "302 302 404 403 403 403 404 403 403 403",
    "/proposals/<int:proposal_id>/withdraw":        "302 409 404 403 403 403 404 403 403 403",
    "/proposals/<int:proposal_id>/reply":           "302 409 404 403 403 403 404 403 403 403",
    "/proposals/<int:proposal_id>/signoff":         "302 200 404 200 200 200 404 200 200 200",
    "/proposals/<int:proposal_id>/signoff @draft":  "302 200 404 200 200 404 404 404 404 200",
    "/signoffs/":                                   "302 200 200 200 200 200 200 200 200 200",
    # The proposal form's people search (JSON): anyone signed in, as anyone may propose.
    "/people/search":                               "302 200 200 200 200 200 200 200 200 200",
    # Charters: the approved proposal's. Verification is public.
    "/charters/<number>.pdf":                       "302 200 404 200 200 200 404 200 200 200",
    "/charters/<number>/verify":                    "200 200 200 200 200 200 200 200 200 200",
    "/charters/<number>/verify @unknown":           "404 404 404 404 404 404 404 404 404 404",
    "/charters/verify":                             "200 200 200 200 200 200 200 200 200 200",
    "/charters/retry/<int:proposal_id> @approved":  "302 403 403 302 302 403 403 403 403 403",
    "/charters/retry/<int:proposal_id>":            "302 403 403 409 409 403 403 403 403 403",
    # Inventory: the Communications team, the Manager Communications, the CE and DCEs (their
    # own unit). The channel is the approved proposal's (Policy), live.
    "/inventory/":                                  "302 403 403 200 200 200 200 200 200 403",
    "/inventory/export.csv":                        "302 403 403 200 200 200 200 200 200 403",
    "/inventory/import":                            "302 403 403 200 200 403 403 403 403 403",
    "/inventory/import/submit":                     "302 403 403 302 302 403 403 403 403 403",
    "/inventory/import/template.csv":               "302 403 403 200 200 403 403 403 403 403",
    # The pending import Mere (comms) submitted: the Manager Communications decides it.
    "/inventory/imports/":                          "302 403 403 200 200 403 403 403 403 403",
    "/inventory/imports/<int:batch_id>":            "302 403 403 200 200 403 403 403 403 403",
    "/inventory/imports/<int:batch_id>/confirm":    "302 403 403 403 409 403 403 403 403 403",
    "/inventory/imports/<int:batch_id>/refuse":     "302 403 403 403 409 403 403 403 403 403",
    "/inventory/imports/<int:batch_id>/cancel":     "302 403 403 409 409 403 403 403 403 403",
    "/channels/<int:channel_id>":                   "302 200 404 200 200 200 404 200 200 200",
    "/channels/<int:channel_id>/live":              "302 403 403 200 200 403 403 403 403 403",
    "/channels/<int:channel_id>/closure/cancel":    "302 403 403 409 409 403 403 403 403 403",
    "/channels/<int:channel_id>/security-risk":     "302 403 404 403 200 403 404 403 403 403",
    "/channels/<int:channel_id>/review":            "302 403 403 200 200 403 403 403 403 403",
    # The review's attestations: the owner (Tama, the proposer, or the Policy DCE) and the
    # liaison (Mere); the others who see the channel hold no capacity to attest.
    "/channels/<int:channel_id>/attest":            "302 200 404 200 403 200 404 403 403 403",
    "/channels/<int:channel_id>/decommission":      "302 403 403 200 200 403 403 403 403 403",
    "/channels/<int:channel_id>/change":            "302 403 403 409 409 403 403 403 403 403",
    # The closing checklist (its records item here): the Communications team's alone. The
    # live channel has none (409); "@closing" is an imported Policy channel closed today.
    "/channels/<int:channel_id>/closing":           "302 403 403 409 409 403 403 403 403 403",
    "/channels/<int:channel_id>/closing @closing":  "302 403 403 200 200 403 403 403 403 403",
    "/channels/<int:channel_id>/closing/<key>":     "302 403 403 409 409 403 403 403 403 403",
    "/channels/<int:channel_id>/closing/<key> @closing":
                                                    "302 403 403 200 200 403 403 403 403 403",
    # No reason given: refused at its field (200), nothing unticked.
    "/channels/<int:channel_id>/closing/<key>/untick":
                                                    "302 403 403 409 409 403 403 403 403 403",
    "/channels/<int:channel_id>/closing/<key>/untick @closing":
                                                    "302 403 403 200 200 403 403 403 403 403",
    "/channels/<int:channel_id>/security":          "302 403 403 200 200 403 403 403 403 403",
    # The platform account id: the Communications team's to record. A flag the daily check
    # raised: shown to whoever sees the channel; only the Communications team resolves it.
    "/channels/<int:channel_id>/account-id":        "302 403 403 200 200 403 403 403 403 403",
    "/channels/<int:channel_id>/flags/<int:flag_id>":
                                                    "302 200 404 200 200 200 404 200 200 200",
    "/inventory/people-changes":                    "302 403 403 200 200 403 403 403 403 403",
    # Information requests on that channel: logged by the Communications team or anyone the
    # channel names (Tama: spokesperson and contact; the Policy DCE: peer reviewer); seen by
    # whoever may see the channel.
    "/channels/<int:channel_id>/information-requests/new":
                                                    "302 200 404 200 200 200 404 403 403 403",
    "/information-requests/<int:request_id>":       "302 200 404 200 200 200 404 200 200 200",
    "/register/":                                   "404 404 404 404 404 404 404 404 404 404",
    "/register/ @enabled":                          "200 200 200 200 200 200 200 200 200 200",
    # The open data: anyone, with the register (no key here, so no .sig; verify with no
    # account to check is a 400 saying what to send).
    "/register/open-data":                          "404 404 404 404 404 404 404 404 404 404",
    "/register/open-data @enabled":                 "200 200 200 200 200 200 200 200 200 200",
    "/api/public/v1/channels.json":                 "404 404 404 404 404 404 404 404 404 404",
    "/api/public/v1/channels.json @enabled":        "200 200 200 200 200 200 200 200 200 200",
    "/api/public/v1/channels.csv":                  "404 404 404 404 404 404 404 404 404 404",
    "/api/public/v1/channels.csv @enabled":         "200 200 200 200 200 200 200 200 200 200",
    "/api/public/v1/feed.atom":                     "404 404 404 404 404 404 404 404 404 404",
    "/api/public/v1/feed.atom @enabled":            "200 200 200 200 200 200 200 200 200 200",
    "/api/public/v1/keys.json":                     "404 404 404 404 404 404 404 404 404 404",
    "/api/public/v1/keys.json @enabled":            "200 200 200 200 200 200 200 200 200 200",
    "/api/public/v1/channels.json.sig":             "404 404 404 404 404 404 404 404 404 404",
    "/api/public/v1/channels.json.sig @enabled":    "404 404 404 404 404 404 404 404 404 404",
    "/api/public/v1/channels.csv.sig":              "404 404 404 404 404 404 404 404 404 404",
    "/api/public/v1/channels.csv.sig @enabled":     "404 404 404 404 404 404 404 404 404 404",
    "/api/public/v1/feed.atom.sig":                 "404 404 404 404 404 404 404 404 404 404",
    "/api/public/v1/feed.atom.sig @enabled":        "404 404 404 404 404 404 404 404 404 404",
    "/api/public/v1/verify":                        "404 404 404 404 404 404 404 404 404 404",
    "/api/public/v1/verify @enabled":               "400 400 400 400 400 400 400 400 400 400",
    # The social media transparency statement: public, with the register (off until then).
    "/transparency":                                "404 404 404 404 404 404 404 404 404 404",
    "/transparency @enabled":                       "200 200 200 200 200 200 200 200 200 200",
    "/transparency/versions/<int:version_number>":  "404 404 404 404 404 404 404 404 404 404",
    "/transparency/versions/<int:version_number> @enabled":
                                                    "200 200 200 200 200 200 200 200 200 200",
    "/transparency/versions/<int:version_number>/statement-<any(en, mi):language>.pdf":
                                                    "404 404 404 404 404 404 404 404 404 404",
    "/transparency/versions/<int:version_number>/statement-<any(en, mi):language>.pdf @enabled":
                                                    "200 200 200 200 200 200 200 200 200 200",
    # Its introduction: the Communications team's (the Manager Communications is one of them
    # in this cast).
    "/transparency/introduction":                   "302 403 403 200 200 403 403 403 403 403",
    # Administration: the admin office only.
    "/admin/":                                      "302 403 403 403 403 403 403 403 403 302",
    "/admin/users":                                 "302 403 403 403 403 403 403 403 403 200",
    "/admin/users/new":                             "302 403 403 403 403 403 403 403 403 200",
    "/admin/users/<int:user_id>":                   "302 403 403 403 403 403 403 403 403 200",
    # Tama set his password long ago: no invitation to send (409). Reset asks first (GET).
    "/admin/users/<int:user_id>/invite":            "302 403 403 403 403 403 403 403 403 409",
    "/admin/users/<int:user_id>/reset-password":    "302 403 403 403 403 403 403 403 403 200",
    "/admin/units":                                 "302 403 403 403 403 403 403 403 403 200",
    "/admin/units/new":                             "302 403 403 403 403 403 403 403 403 200",
    "/admin/units/<int:unit_id>":                   "302 403 403 403 403 403 403 403 403 200",
    "/admin/appointments":                          "302 403 403 403 403 403 403 403 403 200",
    "/admin/appointments/new":                      "302 403 403 403 403 403 403 403 403 200",
    "/admin/appointments/<int:appointment_id>/end": "302 403 403 403 403 403 403 403 403 200",
    # Confirming or cancelling the Policy DCE's appointment: in force already, so a conflict.
    "/admin/appointments/<int:appointment_id>/confirm":
                                                    "302 403 403 403 403 403 403 403 403 409",
    "/admin/appointments/<int:appointment_id>/cancel":
                                                    "302 403 403 403 403 403 403 403 403 409",
    "/admin/election-periods":                      "302 403 403 403 403 403 403 403 403 200",
    # Emails and charters queued or failed; the job is an email already sent.
    "/admin/jobs":                                  "302 403 403 403 403 403 403 403 403 200",
    "/admin/jobs/<int:job_id>/retry":               "302 403 403 403 403 403 403 403 403 409",
    # Other agencies' registers (the all-of-government lookup): administrators only. Remove
    # is checked by its confirmation page (GET); Fetch now queues a fetch of an address
    # where nothing answers.
    "/admin/agencies/":                             "302 403 403 403 403 403 403 403 403 200",
    "/admin/agencies/new":                          "302 403 403 403 403 403 403 403 403 200",
    "/admin/agencies/<int:subscription_id>":        "302 403 403 403 403 403 403 403 403 200",
    "/admin/agencies/<int:subscription_id>/pause":  "302 403 403 403 403 403 403 403 403 302",
    "/admin/agencies/<int:subscription_id>/resume": "302 403 403 403 403 403 403 403 403 302",
    "/admin/agencies/<int:subscription_id>/fetch":  "302 403 403 403 403 403 403 403 403 302",
    "/admin/agencies/<int:subscription_id>/remove": "302 403 403 403 403 403 403 403 403 200",
    # API tokens page; revoking Tama's spare token (anyone else's looks missing).
    "/account/tokens":                              "302 200 200 200 200 200 200 200 200 200",
    "/account/tokens/<int:token_id>/revoke":        "302 302 404 404 404 404 404 404 404 404",
    # JSON API, each role with its own bearer token (anonymous: none). The inventory's scope.
    "/api/v1/":                                     "404 404 404 404 404 404 404 404 404 404",
    "/api/v1/<path:rest>":                          "404 404 404 404 404 404 404 404 404 404",
    "/api/v1/openapi.json":                         "200 200 200 200 200 200 200 200 200 200",
    "/api/v1/channels":                             "401 403 403 200 200 200 200 200 200 403",
    "/api/v1/channels/<int:channel_id>":            "401 403 403 200 200 200 404 200 200 403",
}
# fmt: on

# Settings a variant switches on for its cells (restored afterwards).
CONFIG_VARIANTS = {"enabled": {"PUBLIC_REGISTER_ENABLED": True}}

# Harmless bodies for POST-only routes: nothing changes whoever sends them.
POST_DATA: dict[str, dict[str, str]] = {
    # A version that is never current: the proposer's withdrawal is refused as stale (409).
    "/proposals/<int:proposal_id>/withdraw": {"version": "999999999"},
    "/proposals/<int:proposal_id>/submit": {"version": "999999999"},
    # No file was previewed: the confirm step sends the person back to the upload.
    "/inventory/import/submit": {"token": "no-such-preview"},
    # Not the SHA-256 of the import shown: whoever may decide gets a 409, and nothing changes.
    "/inventory/imports/<int:batch_id>/confirm": {"sha256": "0" * 64},
    "/inventory/imports/<int:batch_id>/refuse": {"sha256": "0" * 64, "reason": "Matrix."},
    "/inventory/imports/<int:batch_id>/cancel": {"sha256": "0" * 64},
    # No URL: the go-live form is shown again with its error.
    "/channels/<int:channel_id>/live": {},
}

# Query strings for GET routes that answer only when asked something.
QUERY: dict[str, str] = {"/people/search": "field=spokespeople&q=tama"}

# Cells the matrix once caught answering wrongly, now fixed: (route, role) -> what it was.
# A new finding goes here as a strict xfail until it is fixed.
KNOWN_BUGS: dict[tuple[str, str], str] = {}


def _route_list() -> list:
    """The app's rules, read from a throwaway app (parametrization happens before fixtures)."""
    return rules(create_app(make_config("sqlite://")))


ROUTES = _route_list()
RULE_NAMES = [rule.rule for rule in ROUTES]


def _keys() -> list[str]:
    """Every rule in url_map, and every variant row of a rule that exists."""
    keys = list(dict.fromkeys(RULE_NAMES))
    keys += [k for k in MATRIX if " @" in k and k.split(" @")[0] in RULE_NAMES]
    return keys


def _cells() -> list:
    cells = []
    for key in _keys():
        for role in ROLES:
            marks = []
            if (key, role) in KNOWN_BUGS:
                marks.append(pytest.mark.xfail(strict=True, reason=KNOWN_BUGS[(key, role)]))
            cells.append(pytest.param(key, role, id=f"{key}|{role}", marks=marks))
    return cells


RESULTS: Counter = Counter()


@pytest.fixture(scope="module")
def world(app: Flask):  # noqa: ANN201
    yield from world_fixture(app)


def _rule(key: str):  # noqa: ANN202
    name = key.split(" @")[0]
    found = [r for r in ROUTES if r.rule == name]
    assert len(found) == 1, f"{name} is not one rule in url_map"
    return found[0]


def _request(world: World, key: str, role: str):  # noqa: ANN202
    rule = _rule(key)
    variant = key.split(" @")[1] if " @" in key else ""
    url = world.url(rule, variant)
    headers = {}
    if rule.endpoint.startswith("api.") and role != ANONYMOUS:
        headers["Authorization"] = f"Bearer {world.tokens[role]}"
    if "GET" in rule.methods:
        query = QUERY.get(rule.rule, "")
        return "GET", world.client(role).get(url, headers=headers, query_string=query)
    if rule.endpoint == "auth.sign_out":
        # Signing out ends every session of that person: use one of its own, then forget it.
        response = world.fresh_client(role).post(url)
        world.forget(role)
        return "POST", response
    return "POST", world.client(role).post(url, data=POST_DATA.get(rule.rule, {}), headers=headers)


@pytest.mark.parametrize(("key", "role"), _cells())
def test_cell(world: World, key: str, role: str) -> None:
    assert key in MATRIX, (
        f"Route {key} ({_rule(key).endpoint}) has no row in MATRIX: decide who may use it "
        "and add the row to tests/security/test_authorization_matrix.py."
    )
    expected = int(MATRIX[key].split()[ROLES.index(role)])
    variant = key.split(" @")[1] if " @" in key else ""
    saved = {name: world.app.config[name] for name in CONFIG_VARIANTS.get(variant, {})}
    world.app.config.update(CONFIG_VARIANTS.get(variant, {}))
    try:
        method, response = _request(world, key, role)
    finally:
        world.app.config.update(saved)
    RESULTS["cells"] += 1
    RESULTS[f"status {response.status_code}"] += 1
    assert response.status_code != 500, f"{method} {key} as {role}: 500"
    assert response.status_code == expected, (
        f"{method} {key} as {role}: expected {expected}, got {response.status_code} "
        f"({response.headers.get('Location') or response.get_data(as_text=True)[:300]!r})"
    )
    if role == ANONYMOUS and expected == 302:
        assert "/sign-in" in response.headers["Location"], response.headers["Location"]
    RESULTS["passed"] += 1


def test_every_route_has_a_row(app: Flask) -> None:
    """The live app's url_map, not the one read at collection, against the table."""
    live = {rule.rule for rule in rules(app)}
    missing = sorted(live - set(MATRIX))
    assert not missing, f"Routes with no row in the authorization MATRIX: {', '.join(missing)}"
    stale = sorted(k for k in MATRIX if k.split(" @")[0] not in live)
    assert not stale, f"MATRIX rows for routes that no longer exist: {', '.join(stale)}"
    for key, row in MATRIX.items():
        assert len(row.split()) == len(ROLES), f"{key}: one status per role"


def test_known_bugs_name_real_cells() -> None:
    for key, role in KNOWN_BUGS:
        assert key in MATRIX and role in ROLES, (key, role)


def test_print_summary() -> None:
    keys = _keys()
    routes = len(set(RULE_NAMES))
    statuses = ", ".join(
        f"{name.split()[1]}×{count}" for name, count in sorted(RESULTS.items()) if " " in name
    )
    print(
        f"\nAuthorization matrix: {routes} routes (+{len(keys) - routes} object/setting "
        f"variants) × {len(ROLES)} roles = {len(keys) * len(ROLES)} cells; "
        f"{RESULTS['cells']} requested, {RESULTS['passed']} as the table says, "
        f"{len(KNOWN_BUGS)} known bugs (xfail). Statuses: {statuses}"
    )
