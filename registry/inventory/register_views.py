"""The public register: the agency's official channels, and checking whether an account is one."""

from __future__ import annotations

from flask import Blueprint, current_app, render_template, request
from flask_babel import gettext as _

from registry.errors import NotFoundError
from registry.federation.lookup import look_up_everywhere
from registry.forms import choices
from registry.i18n import public_page
from registry.inventory.public import register_page
from registry.inventory.register_forms import LookupForm, RegisterFilterForm
from registry.policy.platforms import PLATFORMS

register_blueprint = Blueprint("register", __name__, url_prefix="/register")


@register_blueprint.route("/")
@public_page
def public_register():
    """Anyone may check whether an account claiming to be the agency is one of its channels."""
    if not current_app.config["PUBLIC_REGISTER_ENABLED"]:
        # Switched off: the same answer as any address with no page.
        raise NotFoundError(_("There is no page at this address."))
    form = LookupForm(request.args, meta={"csrf": False})
    answer = theirs = None
    if "account" in request.args and form.validate():
        # Our own channels first; another agency's from its last verified register.
        everywhere = look_up_everywhere(form.account.data)
        answer = everywhere.ours
        theirs = everywhere.theirs if everywhere.shows_theirs else None
    register = register_page(
        str(request.args.get("platform", "")), str(request.args.get("page", "1"))
    )
    filter_form = RegisterFilterForm(data={"platform": register.platform})
    filter_form.platform.choices = choices([("", _("Every platform")), *PLATFORMS.items()])
    return render_template(
        "inventory/register.html",
        register=register,
        filter_form=filter_form,
        platforms=PLATFORMS,
        form=form,
        answer=answer,
        theirs=theirs,
    )
