"""channel search index and the dashboard's covering indexes

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 15:00:00.000000

Searching the inventory for part of a name or handle was ``LIKE '%q%'``, which no B-tree
can answer: every search read the whole channel table. Now:

* SQLite: ``channel_search``, an FTS5 table with the trigram tokenizer (SQLite 3.34 or
  later) over ``channel.name`` and ``channel.handle_key``, kept in step by three triggers.
  It is an external-content table: it stores the index, not a second copy of the text.
* PostgreSQL: ``pg_trgm`` GIN indexes on ``lower(name)`` and ``handle_key``, which answer the
  same ``LIKE`` the queries already send. ``pg_trgm`` is a trusted extension, so the
  database's owner may create it without being a superuser.

The dashboard counts channels by state and unit, and by state and platform; an index on each
pair lets those counts read the index alone, not the table.
"""

from alembic import op


# revision identifiers, used by Alembic.
revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None


SQLITE_SEARCH = [
    "CREATE VIRTUAL TABLE channel_search USING fts5("
    "name, handle_key, content='channel', content_rowid='id', tokenize='trigram')",
    "CREATE TRIGGER channel_search_insert AFTER INSERT ON channel BEGIN "
    "INSERT INTO channel_search(rowid, name, handle_key) "
    "VALUES (new.id, new.name, new.handle_key); END",
    "CREATE TRIGGER channel_search_delete AFTER DELETE ON channel BEGIN "
    "INSERT INTO channel_search(channel_search, rowid, name, handle_key) "
    "VALUES ('delete', old.id, old.name, old.handle_key); END",
    "CREATE TRIGGER channel_search_update AFTER UPDATE OF name, handle_key ON channel BEGIN "
    "INSERT INTO channel_search(channel_search, rowid, name, handle_key) "
    "VALUES ('delete', old.id, old.name, old.handle_key); "
    "INSERT INTO channel_search(rowid, name, handle_key) "
    "VALUES (new.id, new.name, new.handle_key); END",
    # The channels already there.
    "INSERT INTO channel_search(channel_search) VALUES ('rebuild')",
]

POSTGRESQL_SEARCH = [
    "CREATE EXTENSION IF NOT EXISTS pg_trgm",
    "CREATE INDEX ix_channel_name_trgm ON channel USING gin (lower(name) gin_trgm_ops)",
    "CREATE INDEX ix_channel_handle_key_trgm ON channel USING gin (handle_key gin_trgm_ops)",
]


def upgrade():
    if op.get_bind().dialect.name == "postgresql":
        for statement in POSTGRESQL_SEARCH:
            op.execute(statement)
    else:
        for statement in SQLITE_SEARCH:
            op.execute(statement)
    op.create_index("ix_channel_state_unit", "channel", ["state", "business_unit_id"])
    op.create_index("ix_channel_state_platform", "channel", ["state", "platform"])


def downgrade():
    op.drop_index("ix_channel_state_platform", table_name="channel")
    op.drop_index("ix_channel_state_unit", table_name="channel")
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX ix_channel_handle_key_trgm")
        op.execute("DROP INDEX ix_channel_name_trgm")
        # pg_trgm stays: something else in this database may have come to rely on it.
    else:
        for trigger in ("channel_search_update", "channel_search_delete", "channel_search_insert"):
            op.execute(f"DROP TRIGGER {trigger}")
        op.execute("DROP TABLE channel_search")
