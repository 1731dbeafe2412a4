"""The proposal lifecycle in one table. Every state change goes through ``next_state``."""

from __future__ import annotations

import enum

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from registry.errors import ConflictError
from registry.proposals.models import ProposalState as S


class Action(enum.StrEnum):
    SAVE = "save"  # edit the content (a submitted revision is never changed: a new one is made)
    SUBMIT = "submit"
    WITHDRAW = "withdraw"
    SIGN = "sign"  # a sign-off that is not the last one
    APPROVE = "approve"  # the sign-off that completes the three
    REQUEST_CHANGES = "request-changes"
    DECLINE = "decline"


TRANSITIONS: dict[tuple[S, Action], S] = {
    (S.DRAFT, Action.SAVE): S.DRAFT,
    (S.DRAFT, Action.SUBMIT): S.AWAITING_SIGNOFF,
    (S.DRAFT, Action.WITHDRAW): S.WITHDRAWN,
    # Editing while waiting takes the proposal back to draft: earlier sign-offs are void.
    (S.AWAITING_SIGNOFF, Action.SAVE): S.DRAFT,
    (S.AWAITING_SIGNOFF, Action.WITHDRAW): S.WITHDRAWN,
    (S.AWAITING_SIGNOFF, Action.SIGN): S.AWAITING_SIGNOFF,
    (S.AWAITING_SIGNOFF, Action.APPROVE): S.APPROVED,
    (S.AWAITING_SIGNOFF, Action.REQUEST_CHANGES): S.CHANGES_REQUESTED,
    (S.AWAITING_SIGNOFF, Action.DECLINE): S.DECLINED,
    (S.CHANGES_REQUESTED, Action.SAVE): S.DRAFT,
    (S.CHANGES_REQUESTED, Action.SUBMIT): S.AWAITING_SIGNOFF,
    (S.CHANGES_REQUESTED, Action.WITHDRAW): S.WITHDRAWN,
}

_REFUSALS = {
    S.APPROVED: _l("it has already been approved"),
    S.DECLINED: _l("it was declined"),
    S.WITHDRAWN: _l("it was withdrawn"),
    S.DRAFT: _l("it has not been submitted for sign-off"),
    S.AWAITING_SIGNOFF: _l("it is already awaiting sign-off"),
    S.CHANGES_REQUESTED: _l("changes were requested and it has not been resubmitted"),
}

_ACTION_WORDS = {
    Action.SAVE: _l("edit this proposal"),
    Action.SUBMIT: _l("submit this proposal"),
    Action.WITHDRAW: _l("withdraw this proposal"),
    Action.SIGN: _l("sign off this proposal"),
    Action.APPROVE: _l("approve this proposal"),
    Action.REQUEST_CHANGES: _l("request changes to this proposal"),
    Action.DECLINE: _l("decline this proposal"),
}


def allowed(state: S, action: Action) -> bool:
    return (state, action) in TRANSITIONS


def next_state(state: S, action: Action) -> S:
    """The state after ``action``, or ConflictError (HTTP 409) saying why not."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        # The action and the reason are clauses: "You cannot edit this proposal: it was declined."
        raise ConflictError(
            _(
                "You cannot %(action)s: %(reason)s.",
                action=_ACTION_WORDS[action],
                reason=_REFUSALS[state],
            )
        ) from None
