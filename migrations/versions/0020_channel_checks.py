"""the daily channel check: platform account ids, checks and flags

Revision ID: 0020
Revises: 0016
Create Date: 2026-12-03 10:30:00.000000

``channel.platform_account_id`` is the platform's own id for the account, typed by the
Communications team (optional: "" for every channel until someone types it), and
``channel.platform_page_name`` the name the channel's page showed when the daily check last
found it fine ("" until the first check). ``channel_check`` keeps each check's status, final
address and what it read; ``channel_flag`` each finding until it is closed, with at most one
open flag of a kind per channel (a partial unique index on both databases).
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0020"
down_revision = "0019"
branch_labels = None
depends_on = None


def upgrade():
    op.add_column(
        "channel",
        sa.Column("platform_account_id", sa.String(200), nullable=False, server_default=""),
    )
    op.add_column(
        "channel",
        sa.Column("platform_page_name", sa.String(300), nullable=False, server_default=""),
    )
    op.create_table(
        "channel_check",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel_id", sa.Integer(), sa.ForeignKey("channel.id"), nullable=False),
        sa.Column("checked_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("outcome", sa.String(30), nullable=False),
        sa.Column("http_status", sa.Integer(), nullable=True),
        sa.Column("final_url", sa.String(1000), nullable=False),
        sa.Column("read", sa.JSON(), nullable=False),
    )
    op.create_index(
        "ix_channel_check_channel_time", "channel_check", ["channel_id", "checked_at"]
    )
    op.create_table(
        "channel_flag",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel_id", sa.Integer(), sa.ForeignKey("channel.id"), nullable=False),
        sa.Column("kind", sa.String(30), nullable=False),
        sa.Column("fingerprint", sa.String(200), nullable=False),
        sa.Column("seen", sa.JSON(), nullable=False),
        sa.Column("opened_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "opened_by_check_id", sa.Integer(), sa.ForeignKey("channel_check.id"), nullable=True
        ),
        sa.Column("last_seen_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
        sa.Column(
            "closed_by_check_id", sa.Integer(), sa.ForeignKey("channel_check.id"), nullable=True
        ),
        sa.Column("resolution_note", sa.Text(), nullable=False),
    )
    op.create_index("ix_channel_flag_channel_id", "channel_flag", ["channel_id"])
    op.create_index("ix_channel_flag_open", "channel_flag", ["closed_at", "opened_at"])
    op.create_index(
        "uq_channel_flag_open",
        "channel_flag",
        ["channel_id", "kind"],
        unique=True,
        sqlite_where=sa.text("closed_at IS NULL"),
        postgresql_where=sa.text("closed_at IS NULL"),
    )


def downgrade():
    op.drop_table("channel_flag")
    op.drop_table("channel_check")
    # Not batch mode: on SQLite it would copy the table and lose 0013's search triggers.
    op.execute("ALTER TABLE channel DROP COLUMN platform_page_name")
    op.execute("ALTER TABLE channel DROP COLUMN platform_account_id")
