"""closing a channel: the closing state and its checklist

Revision ID: 0018
Revises: 0016
Create Date: 2026-12-03 10:30:00.000000

A channel now closes in two steps: from its closing date it is ``closing`` (no longer
official or monitored, still holding its handle) while the Communications team ticks the
items of its closing checklist, one ``closure_item`` row each; when the last is ticked it is
``decommissioned``. ``channel.state`` is a plain string column, so the new state needs no
change to it, and the live-handle unique index (``state != 'decommissioned'``) already keeps a
closing channel's handle taken.

Existing rows: none is changed. Channels already decommissioned stay decommissioned, with no
checklist rows (they closed before the checklist existed). Active channels with a closure
scheduled keep it; the daily run moves them to closing on their day, as for new ones.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0018"
down_revision = "0016"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "closure_item",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("item", sa.String(length=30), nullable=False),
        sa.Column("ticked_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ticked_by_id", sa.Integer(), nullable=True),
        sa.Column("ticked_by_label", sa.String(length=100), nullable=False),
        sa.Column("details_json", sa.Text(), nullable=False),
        sa.ForeignKeyConstraint(["channel_id"], ["channel.id"]),
        sa.ForeignKeyConstraint(["ticked_by_id"], ["user_account.id"]),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("channel_id", "item", name="uq_closure_item_channel_item"),
    )
    op.create_index("ix_closure_item_channel_id", "closure_item", ["channel_id"])


def downgrade():
    # Closing channels have no state to go back to without their checklist: they are taken
    # as decommissioned (closed on the same date), which is what they were before this step.
    op.execute("UPDATE channel SET state = 'decommissioned' WHERE state = 'closing'")
    op.drop_index("ix_closure_item_channel_id", table_name="closure_item")
    op.drop_table("closure_item")
