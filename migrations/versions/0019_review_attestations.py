"""review attestations, review reminders, and both attesters on a review

Revision ID: 0019
Revises: 0016
Create Date: 2026-12-03 10:30:00.000000

A recertification is now two attestations, the business unit's owner's and the liaison's,
by two different people, in one review cycle (``channel.review_cycle``, 0 for every channel
now): the two unique constraints on ``review_attestation`` keep one per role and one per
person in a cycle. ``review_reminder``
records each reminder sent (per cycle, audience and threshold) so the daily run sends each
once. ``channel_review`` gains the two attesters; reviews recorded before keep them empty.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "review_attestation",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel_id", sa.Integer(), sa.ForeignKey("channel.id"), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("cycle_due", sa.Date(), nullable=False),
        sa.Column("role", sa.String(10), nullable=False),
        sa.Column("attester_id", sa.Integer(), sa.ForeignKey("user_account.id"), nullable=False),
        sa.Column("capacity", sa.String(300), nullable=False),
        sa.Column("acting", sa.Boolean(), nullable=False),
        sa.Column("signed_name", sa.String(200), nullable=False),
        sa.Column("notes", sa.Text(), nullable=False),
        sa.Column("attested_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("channel_id", "cycle", "role", name="uq_review_attestation_role"),
        sa.UniqueConstraint(
            "channel_id", "cycle", "attester_id", name="uq_review_attestation_person"
        ),
    )
    op.create_index("ix_review_attestation_channel_id", "review_attestation", ["channel_id"])
    op.create_index("ix_review_attestation_attester_id", "review_attestation", ["attester_id"])
    op.create_table(
        "review_reminder",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("channel_id", sa.Integer(), sa.ForeignKey("channel.id"), nullable=False),
        sa.Column("cycle", sa.Integer(), nullable=False),
        sa.Column("cycle_due", sa.Date(), nullable=False),
        sa.Column("audience", sa.String(20), nullable=False),
        sa.Column("threshold", sa.Integer(), nullable=False),
        sa.Column("recipients", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint(
            "channel_id",
            "cycle",
            "cycle_due",
            "audience",
            "threshold",
            name="uq_review_reminder_once",
        ),
    )
    op.create_index("ix_review_reminder_channel_id", "review_reminder", ["channel_id"])
    # Every channel starts in cycle 0; recertifying (and approving a change) moves it on.
    op.add_column(
        "channel",
        sa.Column("review_cycle", sa.Integer(), nullable=False, server_default="0"),
    )
    # Plain ADD COLUMN, not batch mode: on SQLite batch mode copies the table. SQLite cannot
    # add a foreign key constraint with ALTER TABLE, so there it is a plain integer column.
    for column in ("owner_attester_id", "liaison_attester_id"):
        if op.get_bind().dialect.name == "sqlite":
            op.add_column("channel_review", sa.Column(column, sa.Integer(), nullable=True))
        else:
            op.add_column(
                "channel_review",
                sa.Column(column, sa.Integer(), sa.ForeignKey("user_account.id"), nullable=True),
            )


def downgrade():
    # Not batch mode: on SQLite it would copy the table and lose 0013's search triggers.
    op.execute("ALTER TABLE channel DROP COLUMN review_cycle")
    for column in ("liaison_attester_id", "owner_attester_id"):
        op.execute(f"ALTER TABLE channel_review DROP COLUMN {column}")
    op.drop_index("ix_review_reminder_channel_id", table_name="review_reminder")
    op.drop_table("review_reminder")
    op.drop_index("ix_review_attestation_attester_id", table_name="review_attestation")
    op.drop_index("ix_review_attestation_channel_id", table_name="review_attestation")
    op.drop_table("review_attestation")
