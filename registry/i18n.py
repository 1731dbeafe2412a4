"""The languages the public pages speak: English and te reo Māori.

The public register, the "is this official?" lookup and the charter verification pages are
marked with ``@public_page``; on them the language is the one the person chose with the
switch (remembered in a cookie), else the best match for their browser's languages. Every
other page is English for now, though its strings go through the same ``gettext``, so another
language is a catalogue away (``registry/translations/``; README "Languages").
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import urlencode

from babel.lists import format_list
from flask import Flask, Response, current_app, g, has_request_context, request
from flask_babel import Babel, get_locale

PUBLIC_LANGUAGES = {"en": "English", "mi": "Te reo Māori"}
# What each language's pages carry in <html lang>: New Zealand English, te reo Māori.
HTML_LANG = {"en": "en-NZ", "mi": "mi"}
LANGUAGE_COOKIE = "registry_language"
_YEAR = 365 * 24 * 3600

babel = Babel()

View = TypeVar("View", bound=Callable[..., Any])


def N_(message: str) -> str:
    """Marks a message for the catalogue without translating it: a constant that stays English
    (tests and the command line read it) and is translated where shown, ``_(LINK_NOT_USABLE)``.
    ``N_`` is one of the names ``pybabel extract`` looks for by default."""
    return message


def public_page(view: View) -> View:
    """Mark a view as one of the public pages offered in te reo Māori too."""

    @functools.wraps(view)
    def offered_in_every_language(*args: Any, **kwargs: Any) -> Any:
        g.public_page = True
        return view(*args, **kwargs)

    return offered_in_every_language  # type: ignore[return-value]


def chosen_language() -> str:
    """The language of this request's page: always English except on a public page."""
    if not g.get("public_page"):
        return "en"
    asked = request.args.get("lang")
    if asked in PUBLIC_LANGUAGES:
        return asked
    remembered = request.cookies.get(LANGUAGE_COOKIE)
    if remembered in PUBLIC_LANGUAGES:
        return remembered
    return request.accept_languages.best_match(list(PUBLIC_LANGUAGES), default="en")


def _remember_choice(response: Response) -> Response:
    """The switch's choice (``?lang=mi``) outlives the page: later public pages open in it."""
    asked = request.args.get("lang")
    if g.get("public_page") and asked in PUBLIC_LANGUAGES:
        response.set_cookie(
            LANGUAGE_COOKIE,
            asked,
            max_age=_YEAR,
            secure=current_app.config.get("SESSION_COOKIE_SECURE", False),
            httponly=True,
            samesite="Lax",
        )
    # The same address answers in two languages: caches must keep them apart.
    if g.get("public_page"):
        response.vary.update(("Accept-Language", "Cookie"))
    return response


def language_links() -> list[dict[str, str]]:
    """The switch: for each language other than the page's, a link to this page in it."""
    current = str(get_locale() or "en")
    kept = [(key, value) for key, value in request.args.items(multi=True) if key != "lang"]
    return [
        {
            "code": code,
            "name": name,
            # Only a query: it resolves to this page, and the page repeats no address anyone
            # could have typed (a charter number of "CALL-0800-…" stays out of it).
            "href": "?" + urlencode([*kept, ("lang", code)]),
        }
        for code, name in PUBLIC_LANGUAGES.items()
        if code != current
    ]


def spoken_list(items: list[str]) -> str:
    """ "English, Samoan and Tongan": a list as the page's language writes one."""
    code = str(get_locale() or "en") if has_request_context() else "en"
    return format_list(items, locale="en_NZ" if code == "en" else code) if items else ""


def possessive(name: str) -> str:
    """A name owning something, as the page's language writes it: in English "Ministry for
    Ethnic Communities'" and "Inland Revenue's"; in te reo Māori the name as it is (the
    translation puts "o" or "a" before it)."""
    code = str(get_locale() or "en") if has_request_context() else "en"
    if code != "en":
        return name
    return f"{name}'" if name.endswith("s") else f"{name}'s"


def init_app(app: Flask) -> None:
    babel.init_app(app, locale_selector=chosen_language)
    app.after_request(_remember_choice)
    app.jinja_env.filters["spoken_list"] = spoken_list
    app.jinja_env.filters["possessive"] = possessive

    @app.context_processor
    def page_language() -> dict[str, Any]:
        code = str(get_locale() or "en")
        te_reo_name = current_app.config.get("AGENCY_TE_REO_NAME")
        return {
            "html_lang": HTML_LANG.get(code, "en-NZ"),
            # The agency as the page's sentences name it: its te reo name in te reo Māori.
            "agency_here": te_reo_name
            if code == "mi" and te_reo_name
            else current_app.config["AGENCY_NAME"],
            "public_page": bool(g.get("public_page")),
            "language_links": language_links if g.get("public_page") else list,
        }
