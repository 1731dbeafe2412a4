"""Looking people up by id reads each person once per request, and never serves a stale one."""

from __future__ import annotations

from registry.auth.people import people_by_id
from registry.extensions import db as _db
from tests.app.test_pages_at_scale import counting_statements


def test_people_are_read_once_a_request_and_again_after_a_commit(app, people, db):
    ids = [people.comms.id, people.dce_policy.id, 999_999, None]
    with app.test_request_context("/"):
        with counting_statements() as first:
            found = people_by_id(ids)
        assert set(found) == {people.comms.id, people.dce_policy.id}  # unknown ids left out
        assert len(first) == 1
        with counting_statements() as again:
            assert people_by_id(ids[:2]) == found
        assert again == []

        found[people.comms.id].display_name = "Renamed Person"
        _db.session.commit()  # expires what was read: the next lookup reads it afresh
        renamed = people_by_id([people.comms.id])[people.comms.id]
        assert renamed.display_name == "Renamed Person"
        assert renamed in _db.session  # never a copy left over from before the commit
        _db.session.rollback()

    with app.test_request_context("/"):  # a new request remembers nothing
        with counting_statements() as fresh:
            people_by_id([people.dce_policy.id])
        assert sum("FROM user_account" in statement for statement in fresh) == 1
