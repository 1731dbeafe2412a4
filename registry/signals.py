"""Lifecycle signals: how a lower package tells a higher one that something happened.

Packages import downwards only (``pyproject.toml``, import-linter). When a lower package's
operation must have an effect that belongs to a higher one (approving a proposal creates a
channel in the inventory), the lower package sends one of the signals below and the higher
package's receiver does the work. Receivers are connected explicitly, in one place:
``registry/__init__.py::connect_receivers`` (called by ``create_app``), and
``tests/unit/test_signals.py`` asserts every signal here has the receivers it should.

Each signal's docstring says who sends it, with what arguments, whether it is sent inside the
sender's database transaction (a receiver's writes commit or roll back with the decision) or
after it, and what a receiver's return value means. A receiver *refuses* an operation by
raising a ``RegistryError`` (the sender's transaction is then rolled back by the one error
handler); ``values_from`` collects what receivers return.
"""

from __future__ import annotations

from typing import Any

from blinker import Namespace, Signal

_signals = Namespace()

person_deactivated = _signals.signal(
    "person-deactivated",
    doc="""An administrator deactivated a person's account (``auth.services.update_user``).

    Sender: the ``User`` deactivated. Keyword ``actor``: the administrator.
    Inside the transaction. Receivers revoke what the person could still use (API tokens) and
    flag the channels that name them; a receiver returns the list of channels it flagged (or
    None), which the administrator is shown.""",
)

office_ended = _signals.signal(
    "office-ended",
    doc="""An appointment to an office was given an end date (``auth.offices.end_appointment``).

    Sender: the ``Appointment``. Keyword ``actor``: who ended it.
    Inside the transaction. Receivers recheck what depended on the person holding the office
    (the people rules of channels that name a member of the Communications team). The return
    value is ignored.""",
)

appointment_ending = _signals.signal(
    "appointment-ending",
    doc="""An appointment is about to be given an end date (``auth.offices.end_appointment``).

    Sender: the ``Appointment``. Keyword ``ends_on``: the proposed last day.
    Inside the transaction, before anything changes. A receiver refuses the end date by
    raising ``RegistryError`` (an end before a sign-off given in the office would rewrite
    history). The return value is ignored.""",
)

revision_superseded = _signals.signal(
    "revision-superseded",
    doc="""A proposer saved an edit to a submitted proposal, so a new revision replaces the
    one the signatories saw (``proposals.services.save_proposal``).

    Sender: the ``Proposal``. Keywords ``old_number`` and ``new_number``: the revisions.
    Inside the transaction, before the audit entry is written. Receivers void what was given
    on the old revision and tell the people concerned; a receiver returns the list of
    ``Signoff`` rows it voided (or None), which the audit entry names.""",
)

proposal_submitting = _signals.signal(
    "proposal-submitting",
    doc="""A proposer asked to submit a proposal (``proposals.services.submit_proposal``).

    Sender: the ``Proposal``, locked, before its state changes.
    Inside the transaction. A receiver refuses the submission by raising a
    ``proposals.services.SubmitRefused`` (a signatory's open request for changes must be
    answered first). The return value is ignored.""",
)

proposal_submitted = _signals.signal(
    "proposal-submitted",
    doc="""A proposal was submitted for sign-off (``proposals.services.submit_proposal``).

    Sender: the ``Proposal``. Inside the transaction, after the audit entry: receivers tell
    the signatories (their emails commit with the submission). Return value ignored.""",
)

proposal_approved = _signals.signal(
    "proposal-approved",
    doc="""The last sign-off a proposal needed was given (``signoffs.services.decide``).

    Sender: the ``Proposal``, now approved. Inside the transaction: an approved proposal
    always has its channel (the inventory creates or updates it here) and its charter job.
    Return value ignored.""",
)

proposal_page = _signals.signal(
    "proposal-page",
    doc="""The proposal page is being shown (``proposals.views.proposal_page``).

    Sender: the ``Proposal``. Keywords ``actor`` (the signed-in ``User``) and ``reply_form``
    (a reply form being shown again with errors, or None).
    Read only: receivers must not write. Each receiver returns a dict of names for the
    page's template (the sign-offs, the charter...), so the page shows what the packages
    above proposals know without proposals importing them.""",
)

proposal_editing = _signals.signal(
    "proposal-editing",
    doc="""The proposer is about to edit a proposal: its task list or a section's page is being
    shown (``proposals.form_views``).

    Sender: the ``Proposal``. Read only: receivers must not write. Each receiver returns a
    list of ``(name, capacity)`` for the sign-offs a saved change would void (or None), so
    the page can warn before anything is saved without proposals importing the sign-offs.""",
)

proposals_listed = _signals.signal(
    "proposals-listed",
    doc="""A person's proposals are being listed (``proposals.views.mine``).

    Sender: the list of ``Proposal`` rows. Read only: receivers must not write. Each receiver
    returns a dict of names for the list's template (the charters issued for them), so "My
    proposals" can say how far each has got without proposals importing the packages above.""",
)

channel_page = _signals.signal(
    "channel-page",
    doc="""A channel's page is being shown (``inventory.views``).

    Sender: the ``Channel``. Keywords ``actor`` (the signed-in ``User``) and ``today`` (the
    agency's date). Read only: receivers must not write. Each receiver returns a dict of names
    for the page's template (the channel's information requests, the daily check's flags), so
    the page shows what the packages above the inventory know without the inventory importing
    them.""",
)

channel_closed = _signals.signal(
    "channel-closed",
    doc="""A channel became decommissioned: the last item of its closing checklist was ticked
    (``inventory.checklist.tick``). Not sent when it starts closing (it left the public
    register and lookup then, which read its state), nor for channels decommissioned before
    the checklist existed.

    Sender: the ``Channel``, now decommissioned (``decommissioned_on`` is its closing date).
    Keyword ``actor``: the ``User`` who ticked the last item.
    Inside the transaction, after the audit entry: a receiver's writes (a transparency
    statement's update) commit or roll back with the decommissioning; a receiver refuses by
    raising ``RegistryError``. The return value is ignored.""",
)

channel_went_live = _signals.signal(
    "channel-went-live",
    doc="""The Communications team marked an approved channel live
    (``inventory.lifecycle.go_live``).

    Sender: the ``Channel``, now active. Keyword ``actor``: who marked it live.
    Inside the transaction, after the audit entry: what receivers write (the transparency
    statement's new version) commits or rolls back with the go-live. Return value ignored.""",
)

channel_approved = _signals.signal(
    "channel-approved",
    doc="""A channel's approved content was set: a new channel approved, or a change to an
    existing one signed off (``inventory.lifecycle.on_approval``).

    Sender: the ``Channel``. Keyword ``proposal``: the approved ``Proposal``.
    Inside the final sign-off's transaction, after the channel is updated and audited.
    Receivers compare what they publish with what they published before (a change that leaves
    the public statement the same changes nothing there). Return value ignored.""",
)

channel_decommissioned = _signals.signal(
    "channel-decommissioned",
    doc="""A channel closed: it is ``closing`` from now, or from its scheduled day by ``flask
    registry remind`` (``inventory.closing.close_now``), and is no longer official; its closing
    checklist then ends in ``channel_closed``.

    Sender: the ``Channel``, now closing. Keywords ``actor`` (a ``User``, or None for
    the daily command) and ``on_date`` (the closing day).
    Inside the transaction, after the audit entry. Return value ignored.""",
)

channels_imported = _signals.signal(
    "channels-imported",
    doc="""The Manager Communications confirmed an import: the channels that existed before
    the registry were added (active) or changed (``inventory.import_batches.confirm_batch``).
    The operator's command-line import, which streams files of any size, sends nothing: its
    command brings the transparency statement up to date after it commits.

    Sender: the confirmed ``ImportBatch``. Keyword ``actor``: who confirmed it.
    Inside the transaction, after the audit entry. Return value ignored.""",
)

ALL: tuple[Signal, ...] = (
    person_deactivated,
    office_ended,
    appointment_ending,
    revision_superseded,
    proposal_submitting,
    proposal_submitted,
    proposal_approved,
    proposal_page,
    proposal_editing,
    proposals_listed,
    channel_page,
    channel_closed,
    channel_went_live,
    channel_approved,
    channel_decommissioned,
    channels_imported,
)


def values_from(signal: Signal, sender: Any, **kwargs: Any) -> list[Any]:
    """Send ``signal`` and return what its receivers returned, leaving out None."""
    return [value for _receiver, value in signal.send(sender, **kwargs) if value is not None]
