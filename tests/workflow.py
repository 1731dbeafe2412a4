"""Drive proposals through the workflow the way people do: HTTP posts as each person."""

from __future__ import annotations

import re

from registry.extensions import db
from registry.proposals.models import Proposal
from tests.proposal_data import good_form

SECTIONS = ("about", "terms", "profile", "people", "confirmation")


def proposal_id_of(response) -> int:  # noqa: ANN001
    """The proposal a redirect after a save or a submit goes to."""
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/proposals/(\d+)", response.headers["Location"]).group(1))


def current_version(proposal_id: int) -> str:
    """The version a page of the proposal, opened now, would post back."""
    db.session.expire_all()
    return str(db.session.get(Proposal, proposal_id).version)


def save_section(client, proposal_id: int, section: str, form: dict, **overrides):  # noqa: ANN001, ANN201
    """Post ``form`` to one section's page, as opened now (its current version) unless
    ``overrides`` say otherwise. A section's page reads only its own fields, so a whole
    ``good_form`` can be posted to any of them."""
    data = {**form, "version": current_version(proposal_id), **overrides}
    return client.post(f"/proposals/{proposal_id}/edit/{section}", data=data)


def fill_in(client, form: dict, proposal_id: int | None = None, sections=SECTIONS) -> int:  # noqa: ANN001
    """Fill in ``sections`` one page at a time, as a proposer does from the task list; without
    ``proposal_id`` the first is "About the channel" of a new proposal. Returns its id."""
    for section in sections:
        if proposal_id is None:
            assert section == "about", "a new proposal starts with About the channel"
            proposal_id = proposal_id_of(client.post("/proposals/new", data=form))
            continue
        response = save_section(client, proposal_id, section, form)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return proposal_id


def submit(client, proposal_id: int, **overrides):  # noqa: ANN001, ANN201
    """Press Submit for sign-off on the check-your-answers page, as opened now."""
    data = {"version": current_version(proposal_id), **overrides}
    return client.post(f"/proposals/{proposal_id}/submit", data=data)


def draft_proposal(client_as, people, **overrides) -> Proposal:  # noqa: ANN001
    """A draft by Tama (Policy staff), every section filled in from ``good_form``."""
    proposal_id = fill_in(client_as("staff_policy"), good_form(people, **overrides))
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id)


def submitted_proposal(client_as, people, **overrides) -> Proposal:  # noqa: ANN001
    """A proposal by Tama (Policy staff), passing every rule and submitted for sign-off."""
    client = client_as("staff_policy")
    proposal_id = fill_in(client, good_form(people, **overrides))
    response = submit(client, proposal_id)
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    assert response.headers["Location"].endswith(f"/proposals/{proposal_id}")
    db.session.expire_all()
    return db.session.get(Proposal, proposal_id)


def decision_form(proposal: Proposal, decision: str, **extra: str) -> dict[str, str]:
    db.session.expire_all()
    revision = db.session.get(Proposal, proposal.id).current_revision
    return {
        "decision": decision,
        "revision_number": str(revision.number),
        "content_sha256": revision.content_sha256,
        **extra,
    }


def decide(client, proposal: Proposal, decision: str = "approve", **extra: str):  # noqa: ANN001
    return client.post(
        f"/proposals/{proposal.id}/signoff", data=decision_form(proposal, decision, **extra)
    )


def approved_proposal(client_as, people, **overrides) -> Proposal:  # noqa: ANN001
    """Submitted, then signed by the Manager Communications, the Policy DCE and the CE."""
    proposal = submitted_proposal(client_as, people, **overrides)
    for role, office in (
        ("manager", "manager-communications"),
        ("dce_policy", "dce"),
        ("ce", "chief-executive"),
    ):
        response = decide(client_as(role), proposal, capacity=office)
        assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    return db.session.get(Proposal, proposal.id)


def secure_account(channel_id: int, people) -> None:  # noqa: ANN001
    """Record an account-security checklist that passes (two admins, MFA, agency recovery
    email, credentials reference, access reviewed today) — as the Communications team does."""
    from registry.auth.offices import agency_today
    from registry.inventory.security import save_security

    save_security(
        channel_id,
        people.comms,
        [people.comms.id, people.manager.id],
        True,
        "social@ethniccommunities.govt.nz",
        "Comms vault, item MEC Pasifika",
        agency_today(),
    )
    db.session.expire_all()


def live_channel(client_as, people, **overrides):  # noqa: ANN001, ANN201
    """An approved channel whose account security passes, marked live by the Communications
    team."""
    from sqlalchemy import select

    from registry.channels.models import Channel

    proposal = approved_proposal(client_as, people, **overrides)
    channel = db.session.scalar(select(Channel).where(Channel.proposal_id == proposal.id))
    secure_account(channel.id, people)
    handle = overrides.get("handle", "MECPasifika")
    response = client_as("comms").post(
        f"/channels/{channel.id}/live", data={"channel_url": f"https://www.facebook.com/{handle}"}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    db.session.expire_all()
    return db.session.get(Channel, channel.id)


def accept_security_risk(
    client_as, channel_id: int, reason: str = "Launch event is booked."
) -> None:  # noqa: ANN001
    """The Manager Communications accepts the failing account-security checklist for the
    channel's next go-live or recertification (someone else then does it)."""
    response = client_as("manager").post(
        f"/channels/{channel_id}/security-risk", data={"reason": reason}
    )
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]


def submit_import(client, sheet: str, file_name: str = "channels.csv") -> int:  # noqa: ANN001
    """Upload ``sheet`` (CSV text) as a Communications team member, check it, and submit it for
    the Manager Communications to confirm; returns the pending import batch's id."""
    import io

    preview = client.post(
        "/inventory/import",
        data={"channels_csv": (io.BytesIO(sheet.encode()), file_name)},
        content_type="multipart/form-data",
    ).get_data(as_text=True)
    token = re.search(r'name="token" value="([^"]+)"', preview)
    assert token, preview[:3000]
    response = client.post("/inventory/import/submit", data={"token": token.group(1)})
    assert response.status_code == 302, response.get_data(as_text=True)[:2000]
    return int(re.search(r"/inventory/imports/(\d+)", response.headers["Location"]).group(1))


def import_batch_sha256(client, batch_id: int) -> str:  # noqa: ANN001
    """The SHA-256 the import's page shows (and its forms send back)."""
    page = client.get(f"/inventory/imports/{batch_id}").get_data(as_text=True)
    return re.search(r'name="sha256" value="([0-9a-f]{64})"', page).group(1)


def confirm_import(client, batch_id: int, sha256: str | None = None):  # noqa: ANN001, ANN201
    """The Manager Communications (``client``) confirms the import as its page offers."""
    if sha256 is None:
        from registry.inventory.models import ImportBatch

        db.session.expire_all()
        sha256 = db.session.get(ImportBatch, batch_id).sha256
    return client.post(f"/inventory/imports/{batch_id}/confirm", data={"sha256": sha256})


def change_and_submit(client, proposal_id: int, form: dict, section: str = "about") -> None:  # noqa: ANN001
    """Save ``form`` on one section's page, then submit from check your answers (both must
    go through)."""
    saved = save_section(client, proposal_id, section, form)
    assert saved.status_code == 302, saved.get_data(as_text=True)[:2000]
    submitted = submit(client, proposal_id)
    assert submitted.status_code == 302, submitted.get_data(as_text=True)[:2000]
    assert submitted.headers["Location"].endswith(f"/proposals/{proposal_id}")
