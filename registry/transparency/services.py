"""The transparency statement's versions: made when what it says changes, never changed after.

A version is recorded in the transaction of the decision that changes the statement (a
channel goes live, a change to its approved content is signed off, it closes; the
Communications team saves a new introduction), through the lifecycle signals
(``receivers``). A decision that leaves the statement's snapshot the same records nothing.
What changes it without a decision (a scheduled closing day arriving before the daily
command has run, a setting changed at a deploy) is recorded the next time the statement is
read (``current``) or by ``flask registry remind``, whichever comes first.
"""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from registry.audit.log import hold_chain_lock, record
from registry.auth.models import User
from registry.database import begin_write
from registry.errors import ConflictError, NotFoundError
from registry.extensions import db
from registry.transparency.models import StatementVersion
from registry.transparency.snapshot import canonical, live_snapshot


def latest() -> StatementVersion | None:
    return db.session.scalar(
        select(StatementVersion).order_by(StatementVersion.number.desc()).limit(1)
    )


def version(number: int) -> StatementVersion:
    found = db.session.scalar(select(StatementVersion).where(StatementVersion.number == number))
    if found is None:
        raise NotFoundError(_("There is no version %(number)d of the statement.", number=number))
    return found


def versions() -> list[StatementVersion]:
    """Every version, newest first."""
    return list(
        db.session.scalars(select(StatementVersion).order_by(StatementVersion.number.desc()))
    )


def hold_version_lock() -> None:
    """One writer of versions at a time: two go-lives committing together must not both
    become version N+1, nor one miss the other. The audit log's lock: every decision that
    records a version holds it already (its audit entry came first), and a version's own audit
    entry needs it anyway, so there is no second lock to take in another order. (SQLite's
    BEGIN IMMEDIATE already makes one writer at a time.)"""
    hold_chain_lock()


def record_if_changed(
    reason: str,
    actor: User | None = None,
    introduction: tuple[str, str] | None = None,
) -> StatementVersion | None:
    """In the caller's write transaction: a new version if the statement now differs from the
    latest one (with ``introduction``, else the latest one's), or None."""
    db.session.flush()  # the caller's change is what the snapshot reads
    hold_version_lock()
    last = latest()
    if introduction is None:
        introduction = (last.introduction_en, last.introduction_mi) if last else ("", "")
    snapshot_json, sha256 = canonical(live_snapshot(*introduction))
    if last is not None and last.snapshot_sha256 == sha256:
        return None
    new = StatementVersion(
        number=last.number + 1 if last else 1,
        reason=reason[:300],
        snapshot_json=snapshot_json,
        snapshot_sha256=sha256,
        introduction_en=introduction[0],
        introduction_mi=introduction[1],
    )
    db.session.add(new)
    db.session.flush()
    record(
        "statement-version-recorded",
        "transparency-statement",
        new.number,
        actor=actor,
        reason=reason[:300],
        sha256=sha256,
        previous=last.number if last else None,
    )
    return new


def current() -> StatementVersion:
    """The statement now: the latest version, recorded first if the register has moved on
    without a decision saying so (see the module)."""
    last = latest()
    if last is not None:
        _json, sha256 = canonical(live_snapshot(last.introduction_en, last.introduction_mi))
        if sha256 == last.snapshot_sha256:
            return last
    begin_write()
    record_if_changed("the register changed")
    db.session.commit()
    found = latest()
    assert found is not None  # just recorded, or recorded by whoever held the lock first
    return found


def refresh() -> StatementVersion | None:
    """For the daily command: record a version if the statement has changed."""
    begin_write()
    new = record_if_changed("the register changed")
    db.session.commit()
    return new


def save_introduction(actor: User, english: str, te_reo: str, based_on: int) -> StatementVersion:
    """The Communications team's introduction, in a new version. ``based_on`` is the version
    the form showed: if someone else saved an introduction since, nothing is saved."""
    begin_write()
    hold_version_lock()
    last = latest()
    seen = version(based_on) if based_on else None
    seen_text = (seen.introduction_en, seen.introduction_mi) if seen else ("", "")
    last_text = (last.introduction_en, last.introduction_mi) if last else ("", "")
    if seen_text != last_text:
        raise ConflictError(
            _(
                "Someone else saved a new introduction after you opened this page (version "
                "%(number)d). Your text is below: check the statement, then save again to keep it.",
                number=last.number if last else 0,
            )
        )
    english, te_reo = english.strip(), te_reo.strip()
    new = record_if_changed("introduction", actor, (english, te_reo))
    if new is None:
        raise ConflictError(_("The introduction is already exactly this: nothing was changed."))
    record(
        "statement-introduction-saved",
        "transparency-statement",
        new.number,
        actor=actor,
        before={"en": last_text[0][:500], "mi": last_text[1][:500]},
        after={"en": english[:500], "mi": te_reo[:500]},
    )
    db.session.commit()
    return new
