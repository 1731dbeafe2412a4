"""A real server on a free loopback port, driven by Debian's chromium through Playwright."""

from __future__ import annotations

import shutil
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from flask import Flask
from werkzeug.serving import make_server

CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@contextmanager
def serving(app: Flask) -> Iterator[str]:
    """``app`` served on a free loopback port, in a thread, until the block ends."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join(timeout=5)


@pytest.fixture(scope="session")
def live_server(app: Flask) -> Iterator[str]:
    with serving(app) as address:
        yield address


@pytest.fixture(scope="session")
def chromium():  # noqa: ANN201
    from playwright.sync_api import sync_playwright

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: `make test` installs it with apt-get.")
    playwright = sync_playwright().start()
    browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_FLAGS)
    yield browser
    browser.close()
    playwright.stop()


@pytest.fixture
def page(chromium, live_server: str, db):  # noqa: ANN001, ANN201
    context = chromium.new_context(
        base_url=live_server, viewport={"width": 1280, "height": 900}, locale="en-NZ"
    )
    context.set_default_timeout(10_000)
    tab = context.new_page()
    yield tab
    context.close()


def sign_in(page, email: str, password: str) -> None:  # noqa: ANN001
    page.goto("/sign-in")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def choose_person(page, question: str, typed: str, name: str) -> None:  # noqa: ANN001
    """On the proposal form, type into a people question's search box and choose ``name``
    from the list that drops down."""
    group = page.get_by_role("group", name=question)
    group.get_by_role("combobox").fill(typed)
    group.get_by_role("option", name=name).click()
    group.get_by_role("button", name=f"Remove {name}").wait_for()
