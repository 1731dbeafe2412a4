"""The proposal lifecycle in one table. Every state change goes through ``next_state``."""

from __future__ import annotations

import enum

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
    S.APPROVED: "it has already been approved",
    S.DECLINED: "it was declined",
    S.WITHDRAWN: "it was withdrawn",
    S.DRAFT: "it has not been submitted for sign-off",
    S.AWAITING_SIGNOFF: "it is already awaiting sign-off",
    S.CHANGES_REQUESTED: "changes were requested and it has not been resubmitted",
}

_ACTION_WORDS = {
    Action.SAVE: "edit this proposal",
    Action.SUBMIT: "submit this proposal",
    Action.WITHDRAW: "withdraw this proposal",
    Action.SIGN: "sign off this proposal",
    Action.APPROVE: "approve this proposal",
    Action.REQUEST_CHANGES: "request changes to this proposal",
    Action.DECLINE: "decline this proposal",
}


def allowed(state: S, action: Action) -> bool:
    return (state, action) in TRANSITIONS


def next_state(state: S, action: Action) -> S:
    """The state after ``action``, or ConflictError (HTTP 409) saying why not."""
    try:
        return TRANSITIONS[(state, action)]
    except KeyError:
        raise ConflictError(f"You cannot {_ACTION_WORDS[action]}: {_REFUSALS[state]}.") from None
