"""other agencies' registers: subscriptions and the channels of their last verified documents

Revision ID: 0022
Revises: 0016
Create Date: 2026-12-03 10:30:00.000000

An administrator subscribes to another agency's signed channels document (its feed address
and public key); a fetch job verifies it and replaces that agency's rows in
``agency_channel`` in one transaction. Removing a subscription removes its channels
(ON DELETE CASCADE, and the service deletes them explicitly too). New tables only: nothing
existing changes, so upgrading a database with data in it only adds empty tables.
"""

import sqlalchemy as sa
from alembic import op


# revision identifiers, used by Alembic.
revision = "0022"
down_revision = "0021"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "agency_subscription",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("agency_name", sa.String(200), nullable=False),
        sa.Column("register_url", sa.String(500), nullable=False),
        sa.Column("feed_url", sa.String(500), nullable=False),
        sa.Column("public_key", sa.String(100), nullable=False),
        sa.Column("key_id", sa.String(64), nullable=False),
        sa.Column("paused", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("last_fetched_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("last_verified_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("channel_count", sa.Integer(), nullable=False, server_default="0"),
        sa.Column("last_refusal", sa.String(40), nullable=True),
        sa.Column("last_refusal_detail", sa.Text(), nullable=True),
        sa.Column("last_refused_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_subscription")),
    )
    op.create_table(
        "agency_channel",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column(
            "subscription_id",
            sa.Integer(),
            sa.ForeignKey(
                "agency_subscription.id",
                name=op.f("fk_agency_channel_subscription_id_agency_subscription"),
                ondelete="CASCADE",
            ),
            nullable=False,
        ),
        sa.Column("name", sa.String(300), nullable=False),
        sa.Column("platform", sa.String(40), nullable=False),
        sa.Column("platform_label", sa.String(200), nullable=False),
        sa.Column("handle", sa.String(300), nullable=False),
        sa.Column("channel_url", sa.Text(), nullable=False, server_default=""),
        sa.Column("handle_key", sa.String(200), nullable=False),
        sa.Column("name_key", sa.String(200), nullable=False),
        sa.Column("official", sa.Boolean(), nullable=False, server_default=sa.true()),
        sa.Column("closes_on", sa.Date(), nullable=True),
        sa.Column("register_url", sa.Text(), nullable=False, server_default=""),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_agency_channel")),
    )
    op.create_index("ix_agency_channel_subscription_id", "agency_channel", ["subscription_id"])
    op.create_index("ix_agency_channel_handle_key", "agency_channel", ["handle_key"])
    op.create_index("ix_agency_channel_name_key", "agency_channel", ["name_key"])


def downgrade():
    op.drop_table("agency_channel")
    op.drop_table("agency_subscription")
