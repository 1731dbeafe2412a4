"""A channel's history as people read it: audit rows in the order they caused one another,
each described in sentences ("Next review moved from … to …") rather than the log's keys."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import date, timedelta
from typing import Any

from flask_babel import gettext as _

from registry.audit.models import AuditEntry
from registry.policy.text import escape_invisible
from registry.timeutil import format_date

# Rows written by one request land within moments of each other; a gap this small between an
# approval and a sign-off means the one caused the other.
_SAME_MOMENT = timedelta(seconds=5)


def causal_order(entries: list[AuditEntry]) -> list[AuditEntry]:
    """``entries`` in append order (their ids), except that an approval recorded before the
    sign-off that caused it (rows written before the sign-off was logged first) follows that
    sign-off: a reader sees "Signed off" then "Approved", never the other way round."""
    ordered = sorted(entries, key=lambda e: e.id)
    result: list[AuditEntry] = []
    held: list[AuditEntry] = []  # approvals waiting for their sign-off
    for entry in ordered:
        for approval in list(held):
            if entry.occurred_at - approval.occurred_at > _SAME_MOMENT:
                held.remove(approval)
                result.append(approval)
        result.append(entry)
        if entry.action == "channel-approved" and _signoff_follows(entry, ordered):
            result.pop()
            held.append(entry)
        elif entry.action == "signoff-approve":
            for approval in [a for a in held if _proposal_of(a) == entry.object_id]:
                held.remove(approval)
                result.append(approval)
    return result + held


def summary_of(entry: AuditEntry) -> dict[str, Any]:
    return json.loads(entry.summary)


def _proposal_of(entry: AuditEntry) -> str | None:
    return summary_of(entry).get("proposal")


def _signoff_follows(approval: AuditEntry, ordered: list[AuditEntry]) -> bool:
    reference = _proposal_of(approval)
    return any(
        e.action == "signoff-approve"
        and e.object_id == reference
        and e.id > approval.id
        and e.occurred_at - approval.occurred_at <= _SAME_MOMENT
        for e in ordered
    )


def _day(value: Any) -> str:
    try:
        return format_date(date.fromisoformat(str(value)))
    except ValueError:
        return str(value)


def _text(value: Any) -> str:
    # Rows written before the log escaped bidirectional overrides keep them: shown escaped,
    # so no row can display as something other than what it holds.
    return escape_invisible(value) if isinstance(value, str) else str(value)


# One sentence per summary key a reader cares about; keys not here (hashes, states) stay out.
_SENTENCES: dict[str, Callable[[Any], str]] = {
    "capacity": lambda v: _("As %(capacity)s", capacity=_text(v)),
    "revision": lambda v: _("Revision %(number)s", number=v),
    "comment": lambda v: _("Comment: %(text)s", text=_text(v)),
    "reply": lambda v: _("Reply: %(text)s", text=_text(v)),
    "reason": lambda v: _("Reason: %(text)s", text=_text(v)),
    "notes": lambda v: _("Review notes: %(text)s", text=_text(v)),
    "url": lambda v: _("Channel address: %(url)s", url=_text(v)),
    "review_due": lambda v: _("Review due %(date)s", date=_day(v)),
    "on": lambda v: _("Closing on %(date)s", date=_day(v)),
    "request": lambda v: _("Information request %(reference)s", reference=_text(v)),
    "due_on": lambda v: _("Response due %(date)s", date=_day(v)),
    "to": lambda v: _("Transferred to %(agency)s", agency=_text(v)),
    "person": lambda v: _("%(person)s has left", person=_text(v)),
    "problem": lambda v: _("To reassign: %(problem)s", problem=_text(v)),
    # The closing checklist's items, and what was entered when one was ticked.
    "item": lambda v: _("Item: %(item)s", item=_item_title(v)),
    "post_url": lambda v: _("Final post: %(url)s", url=_text(v)),
    "points_to": lambda v: _("It points people to %(where)s", where=_text(v)),
    "outcome": lambda v: _("Handle: %(outcome)s", outcome=_text(v)),
    "release_reason": lambda v: _("Why released: %(text)s", text=_text(v)),
    "disposal_authority": lambda v: _("Disposal authority: %(reference)s", reference=_text(v)),
    "export_location": lambda v: _("Export kept at %(where)s", where=_text(v)),
    "note": lambda v: _("Note: %(text)s", text=_text(v)),
    "kind": lambda v: _("Finding: %(kind)s", kind=_text(v)),
    "accepted_name": lambda v: _("Name accepted: %(name)s", name=_text(v)),
    "name": lambda v: _("Name: %(name)s", name=_text(v)),
    "platform_account_id": lambda v: _("Platform account id: %(id)s", id=_text(v)),
    "failing": lambda v: _(
        "Checks not met: %(checks)s",
        checks=_text("; ".join(v) if isinstance(v, list) else v),
    ),
}


def _item_title(key: Any) -> str:
    from registry.inventory.checklist import KINDS

    kind = KINDS.get(str(key))
    return str(kind.title) if kind else _text(key)


def describe(entry: AuditEntry, started_on: date | None = None) -> list[str]:
    """What a row says, in sentences, for the channel page's history."""
    summary = summary_of(entry)
    lines: list[str] = []
    before, after = summary.get("before") or {}, summary.get("after") or {}
    if entry.action == "channel-recertified" and before.get("review_due"):
        lines.append(
            _(
                "Next review moved from %(before)s to %(after)s",
                before=_day(before["review_due"]),
                after=_day(after.get("review_due", "")),
            )
        )
    if entry.action == "channels-imported" and started_on:
        lines.append(_("Started on %(date)s", date=format_date(started_on)))
    if entry.action == "channel-account-id-set":
        lines.append(
            _(
                "Platform account id: %(before)s → %(after)s",
                before=_text(before.get("platform_account_id") or "—"),
                after=_text(after.get("platform_account_id") or "—"),
            )
        )
    if entry.object_type == "charter":
        lines.append(_("Charter %(number)s", number=_text(entry.object_id)))
    for key, sentence in _SENTENCES.items():
        value = summary.get(key)
        if value not in (None, "", []):
            lines.append(sentence(value))
    return lines
