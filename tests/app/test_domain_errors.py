"""A refusal that no view renders itself answers with its own status, never a 500."""

from __future__ import annotations

import pytest

from registry.errors import ConflictError, ForbiddenError, RegistryError
from tests.conftest import build_app, make_config


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (ConflictError("That proposal was already submitted."), 409),
        (ForbiddenError("Only the proposer can do that."), 403),
        (RegistryError("That date does not exist."), 400),
    ],
)
def test_an_uncaught_refusal_is_shown_with_its_status(database_url, db, error, status):  # noqa: ANN001
    application = build_app(make_config(database_url))

    @application.route("/refuse")
    def refuse():  # noqa: ANN202
        raise error

    client = application.test_client()
    page = client.get("/refuse")
    assert page.status_code == status
    assert error.message in page.get_data(as_text=True)
