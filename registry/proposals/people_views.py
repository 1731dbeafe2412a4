"""The people search the proposal form's pickers ask as someone types (JSON)."""

from __future__ import annotations

from flask import Blueprint, jsonify, request
from flask_babel import gettext as _
from flask_login import login_required

from registry.auth.people_search import search_people
from registry.forms import clean_line
from registry.proposals.forms import PEOPLE_FIELDS

blueprint = Blueprint("people", __name__, url_prefix="/people")


@blueprint.route("/search")
@login_required
def search():
    """``?field=spokespeople&q=tam``: at most 20 people that question may name, each with id,
    name, email and unit, and whether more match (type more to narrow)."""
    pool = PEOPLE_FIELDS.get(request.args.get("field", ""))
    if pool is None:
        fields = ", ".join(PEOPLE_FIELDS)
        return jsonify(error=_("Say which question to search for: %(fields)s.", fields=fields)), 400
    results = search_people(clean_line(request.args.get("q", "")), pool)
    return jsonify(people=[person.as_json() for person in results.people], more=results.more)
