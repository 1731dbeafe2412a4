"""channel name key for the public lookup

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-02 01:00:00.000000

"Is this account official?" compared a typed name with every channel's name in Python, so
each lookup read the whole channel table. ``channel.name_key`` holds the name as the lookup
compares it (``registry.policy.accounts.name_key``: case, macrons, punctuation and spacing
ignored, cut to 200 characters), indexed, so a lookup by name reads only the channels with
that name. The model keeps it in step from now on; this fills it for the channels already
there. The function is copied here, not imported, so this migration does the same thing
however the code changes later.
"""

import unicodedata

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def _name_key(text):
    decomposed = unicodedata.normalize("NFKD", text)
    kept = []
    for ch in decomposed:
        if unicodedata.category(ch) in ("Mn", "Cf"):
            continue
        kept.append(ch.casefold() if ch.isalnum() else " ")
    return " ".join("".join(kept).split())[:200]


def upgrade():
    op.add_column(
        "channel", sa.Column("name_key", sa.String(200), nullable=False, server_default="")
    )
    channel = sa.table(
        "channel",
        sa.column("id", sa.Integer),
        sa.column("name", sa.String),
        sa.column("name_key", sa.String),
    )
    bind = op.get_bind()
    rows = bind.execute(sa.select(channel.c.id, channel.c.name)).all()
    for start in range(0, len(rows), 1000):
        bind.execute(
            channel.update().where(channel.c.id == sa.bindparam("channel_id")),
            [
                {"channel_id": row.id, "name_key": _name_key(row.name or "")}
                for row in rows[start : start + 1000]
            ],
        )
    op.create_index("ix_channel_name_key", "channel", ["name_key"])


def downgrade():
    op.drop_index("ix_channel_name_key", table_name="channel")
    # Not batch mode: on SQLite it would copy the table and lose 0013's search triggers.
    op.execute("ALTER TABLE channel DROP COLUMN name_key")
