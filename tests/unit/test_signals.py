"""Every lifecycle signal has the receivers it should, connected by create_app; without them
a lower package's news would go nowhere (an approval with no channel, say)."""

from __future__ import annotations

import pytest
from flask import Flask

from registry import signals

# Which package answers each signal: a signal added without its receiver, or a receiver
# dropped, fails here before it fails in production.
EXPECTED = {
    signals.person_deactivated: {"registry.inventory.receivers", "registry.api.receivers"},
    signals.office_ended: {"registry.inventory.receivers"},
    signals.appointment_ending: {"registry.signoffs.receivers"},
    signals.revision_superseded: {"registry.signoffs.receivers"},
    signals.proposal_submitting: {"registry.signoffs.receivers"},
    signals.proposal_submitted: {"registry.signoffs.receivers"},
    signals.proposal_approved: {"registry.inventory.receivers", "registry.charters.receivers"},
    signals.proposal_page: {"registry.signoffs.receivers", "registry.charters.receivers"},
    signals.proposal_editing: {"registry.signoffs.receivers"},
    signals.proposals_listed: {"registry.charters.receivers"},
    signals.channel_page: {"registry.oia.receivers", "registry.checks.receivers"},
    signals.channel_closed: {"registry.transparency.receivers"},
    signals.channel_went_live: {"registry.transparency.receivers"},
    signals.channel_approved: {"registry.transparency.receivers"},
    signals.channel_decommissioned: {"registry.transparency.receivers"},
    signals.channels_imported: {"registry.transparency.receivers"},
}


def test_every_signal_is_listed_here() -> None:
    assert set(EXPECTED) == set(signals.ALL)


@pytest.mark.parametrize("signal", signals.ALL, ids=lambda s: s.name)
def test_each_signal_has_its_receivers(app: Flask, signal) -> None:  # noqa: ANN001
    modules = {receiver.__module__ for receiver in signal.receivers_for(object())}
    assert modules == EXPECTED[signal]


@pytest.mark.parametrize("signal", signals.ALL, ids=lambda s: s.name)
def test_each_signal_says_what_it_means(signal) -> None:  # noqa: ANN001
    doc = signal.__doc__ or ""
    assert "Sender" in doc and ("transaction" in doc or "Read only" in doc)
