"""channel languages for the public register

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-02 16:00:00.000000

The public register says which languages each channel posts in, from the proposal it was
approved under (its Languages field). ``channel.languages`` holds them, one per line, set at
each approval from now on; this fills it for the channels already approved, from the latest
revision of the proposal each runs under (once approved a proposal takes no more revisions).
Imported channels have no proposal and stay "". The content is read as stored JSON, not
through the models, so this migration does the same thing however the code changes later.
"""

import json

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None


def _languages(content_json):
    try:
        content = json.loads(content_json)
    except ValueError:
        return ""
    languages = content.get("languages") if isinstance(content, dict) else None
    if not isinstance(languages, list):
        return ""
    return "\n".join(str(language) for language in languages if str(language).strip())


def upgrade():
    op.add_column("channel", sa.Column("languages", sa.Text(), nullable=False, server_default=""))
    channel = sa.table(
        "channel",
        sa.column("id", sa.Integer),
        sa.column("proposal_id", sa.Integer),
        sa.column("languages", sa.Text),
    )
    revision_table = sa.table(
        "proposal_revision",
        sa.column("proposal_id", sa.Integer),
        sa.column("number", sa.Integer),
        sa.column("content_json", sa.Text),
    )
    latest = (
        sa.select(revision_table.c.proposal_id, sa.func.max(revision_table.c.number).label("n"))
        .group_by(revision_table.c.proposal_id)
        .subquery()
    )
    bind = op.get_bind()
    rows = bind.execute(
        sa.select(channel.c.id, revision_table.c.content_json)
        .join(latest, latest.c.proposal_id == channel.c.proposal_id)
        .join(
            revision_table,
            sa.and_(
                revision_table.c.proposal_id == latest.c.proposal_id,
                revision_table.c.number == latest.c.n,
            ),
        )
    ).all()
    updates = [{"channel_id": row.id, "languages": _languages(row.content_json)} for row in rows]
    for start in range(0, len(updates), 1000):
        bind.execute(
            channel.update().where(channel.c.id == sa.bindparam("channel_id")),
            updates[start : start + 1000],
        )


def downgrade():
    # Not batch mode: on SQLite it would copy the table and lose 0013's search triggers.
    op.execute("ALTER TABLE channel DROP COLUMN languages")
