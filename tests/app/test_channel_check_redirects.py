"""No address the checker is given off the platform's host is ever fetched.

Hypothesis draws redirect chains: each hop on the platform (absolute, relative, scheme-
relative, another of its hosts) or off it (another server on loopback, a lookalike host, a
name before "@", another port, another scheme, an IP literal, backslashes). A real server on
loopback plays Facebook and serves the chain; a second real server is the place a wrong
redirect would reach. Whatever the chain, every request Facebook's server heard was for one of
Facebook's hosts, every address the checker requested is https on them, and the other server
heard nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from flask import Flask
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from registry.checks.fetch import Fetch, fetch
from registry.policy.channel_checks import next_hop
from tests.fake_platform import FACEBOOK_HOSTS, FakePlatform, page, redirect

Hop = Callable[[int, str], str]  # (next hop number, the other server's origin) -> Location


def _port(origin: str) -> str:
    return origin.rsplit(":", 1)[1]


ON_PLATFORM: list[Hop] = [
    lambda n, o: f"/hop{n}",
    lambda n, o: f"hop{n}",
    lambda n, o: f"https://www.facebook.com/hop{n}",
    lambda n, o: f"https://m.facebook.com/hop{n}?ref=x",
    lambda n, o: f"//facebook.com/hop{n}",
    lambda n, o: f"https://www.facebook.com:443/hop{n}",
]
OFF_PLATFORM: list[Hop] = [
    lambda n, o: f"{o}/hop{n}",
    lambda n, o: f"https://127.0.0.1:{_port(o)}/hop{n}",
    lambda n, o: f"//127.0.0.1:{_port(o)}/hop{n}",
    lambda n, o: f"http://www.facebook.com/hop{n}",
    lambda n, o: f"https://www.facebook.com:{_port(o)}/hop{n}",
    lambda n, o: f"https://www.facebook.com@127.0.0.1:{_port(o)}/hop{n}",
    lambda n, o: f"https://www.facebook.com.evil.example/hop{n}",
    lambda n, o: f"https://evilfacebook.com/hop{n}",
    lambda n, o: f"https://business.facebook.com/hop{n}",
    lambda n, o: f"https://ｆａｃｅｂｏｏｋ.com/hop{n}",
    lambda n, o: f"https://[::1]:{_port(o)}/hop{n}",
    lambda n, o: f"https:\\\\127.0.0.1:{_port(o)}\\hop{n}",
    lambda n, o: f"/\\127.0.0.1:{_port(o)}/hop{n}",
    lambda n, o: f" https://127.0.0.1:{_port(o)}/hop{n}",
    lambda n, o: f"https://127.0.0.1%2f@www.facebook.com:{_port(o)}/hop{n}",
    lambda n, o: "javascript:alert(1)",
    lambda n, o: f"ftp://www.facebook.com/hop{n}",
]

chains = st.lists(st.sampled_from(ON_PLATFORM + OFF_PLATFORM), min_size=1, max_size=5)


@pytest.fixture(scope="module")
def servers(app: Flask) -> Iterator[tuple[FakePlatform, FakePlatform]]:
    facebook, elsewhere = FakePlatform(), FakePlatform()
    with facebook.running(), elsewhere.running():
        saved = {
            k: app.config[k] for k in ("CHANNEL_CHECK_TEST_ORIGINS", "CHANNEL_CHECK_MAX_REDIRECTS")
        }
        app.config["CHANNEL_CHECK_TEST_ORIGINS"] = facebook.origins_setting()
        app.config["CHANNEL_CHECK_MAX_REDIRECTS"] = 6
        try:
            yield facebook, elsewhere
        finally:
            app.config.update(saved)


@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(chain=chains, extra=st.text(max_size=30))
def test_no_redirect_chain_reaches_off_the_platform(app, servers, chain, extra) -> None:  # noqa: ANN001
    facebook, elsewhere = servers
    facebook.reset()
    elsewhere.reset()
    for number, hop in enumerate(chain):
        path = "/MECPasifika" if number == 0 else f"/hop{number}"
        facebook.answer(path, redirect(hop(number + 1, elsewhere.origin)))
        # The other server answers every path it might be sent to, so a request would land.
        elsewhere.answer(f"/hop{number + 1}", page("Phish"))
    facebook.answer(f"/hop{len(chain)}", page("MEC Pasifika"))
    log = Fetch("facebook")
    with app.app_context():
        fetched = fetch("facebook", "https://www.facebook.com/MECPasifika", log)
    assert elsewhere.requests == []
    assert {seen.host for seen in facebook.requests} <= set(FACEBOOK_HOSTS)
    assert len(log.requested) == len(facebook.requests)
    for url in log.requested:
        assert next_hop("facebook", url, url).url == url
    # A redirect the checker would not follow is recorded as such.
    if fetched.refused_hop:
        assert next_hop("facebook", fetched.final_url, fetched.refused_hop).url is None
    del extra


@settings(max_examples=300, deadline=None)
@given(
    current=st.sampled_from(["https://www.facebook.com/MECPasifika", "https://m.facebook.com/a/b"]),
    location=st.text(max_size=80),
)
def test_any_location_followed_is_https_on_the_platform(current: str, location: str) -> None:
    hop = next_hop("facebook", current, location)
    if hop.url is not None:
        assert hop.url.startswith("https://")
        host = hop.url.split("/")[2]
        assert host in FACEBOOK_HOSTS or host.removesuffix(":443") in FACEBOOK_HOSTS


def test_a_host_resolving_to_a_private_address_is_not_connected_to() -> None:
    """Outside the test setting the checker resolves the host itself and refuses anything but
    public addresses (localhost resolves through the hosts file, so no network is needed)."""
    from registry.checks.fetch import FetchRefused, _public_address

    with pytest.raises(FetchRefused):
        _public_address("localhost")


def test_the_test_setting_is_refused_at_fetch_time_outside_testing() -> None:
    """Even if production's configuration were changed after it started, the fetcher reads the
    setting again on every connection and refuses it."""
    from registry.checks.fetch import TestOriginsRefused, test_origins

    setting = "www.facebook.com=http://127.0.0.1:8765"
    assert test_origins(setting, "testing") == {"www.facebook.com": ("127.0.0.1", 8765)}
    with pytest.raises(TestOriginsRefused):
        test_origins(setting, "production")
