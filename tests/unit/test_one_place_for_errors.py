"""The structure the error handling promises, read from the source.

Refusals are answered in one place (the app's domain-error handler, the API blueprint's JSON
handler, the CLI group); a view only shows a refusal on its own page through
``registry.forms.redisplay_on_refusal``. These tests fail when a view grows its own
``try``/``except`` for a domain error again, or its own idea of who is signed in.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from registry import errors

REGISTRY = Path(__file__).resolve().parents[2] / "registry"
DOMAIN_ERRORS = {"RegistryError", "ConflictError", "ForbiddenError", "NotFoundError"}
VIEW_MODULES = sorted(p for p in REGISTRY.rglob("*.py") if p.name.endswith("views.py"))
ALL_MODULES = sorted(REGISTRY.rglob("*.py"))


def _caught_names(handler: ast.ExceptHandler) -> set[str]:
    kinds = handler.type
    if kinds is None:
        return set()
    found = kinds.elts if isinstance(kinds, ast.Tuple) else [kinds]
    names = set()
    for kind in found:
        if isinstance(kind, ast.Name):
            names.add(kind.id)
        elif isinstance(kind, ast.Attribute):
            names.add(kind.attr)
    return names


def test_there_are_view_modules_to_check() -> None:
    # If views moved, the tests below would check nothing and pass.
    assert len(VIEW_MODULES) >= 12


@pytest.mark.parametrize("module", VIEW_MODULES, ids=lambda p: str(p.relative_to(REGISTRY)))
def test_no_view_catches_a_domain_error_itself(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    caught = [
        (node.lineno, sorted(_caught_names(node) & DOMAIN_ERRORS))
        for node in ast.walk(tree)
        if isinstance(node, ast.ExceptHandler) and _caught_names(node) & DOMAIN_ERRORS
    ]
    assert caught == [], (
        "Let the app's one handler answer, or show it on the page with redisplay_on_refusal"
    )


@pytest.mark.parametrize("module", VIEW_MODULES, ids=lambda p: str(p.relative_to(REGISTRY)))
def test_no_view_aborts_with_a_status_a_domain_error_carries(module: Path) -> None:
    tree = ast.parse(module.read_text(encoding="utf-8"))
    aborts = [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == "abort"
        and node.args
        and isinstance(node.args[0], ast.Constant)
        and node.args[0].value in (403, 404, 409)
    ]
    assert aborts == [], "Raise ForbiddenError, NotFoundError or ConflictError (or a loader)"


def test_only_one_place_knows_how_to_get_the_signed_in_person() -> None:
    users = [
        str(p.relative_to(REGISTRY))
        for p in ALL_MODULES
        if "current_user._get_current_object()" in p.read_text(encoding="utf-8")
    ]
    assert users == ["auth/permissions.py"]


@pytest.mark.parametrize(
    ("error", "status"),
    [
        (errors.RegistryError, 400),
        (errors.ForbiddenError, 403),
        (errors.NotFoundError, 404),
        (errors.ConflictError, 409),
    ],
)
def test_each_domain_error_carries_its_status(error: type, status: int) -> None:
    assert error("why").status == status
