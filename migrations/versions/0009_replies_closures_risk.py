"""workflow holes: replies to change requests, scheduled closures, security risk acceptances

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 04:55:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "change_reply",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("proposal_id", sa.Integer(), nullable=False),
        sa.Column("signoff_id", sa.Integer(), nullable=False),
        sa.Column("revision_number", sa.Integer(), nullable=False),
        sa.Column("author_id", sa.Integer(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["author_id"], ["user_account.id"], name=op.f("fk_change_reply_author_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["proposal_id"], ["proposal.id"], name=op.f("fk_change_reply_proposal_id_proposal")
        ),
        sa.ForeignKeyConstraint(
            ["signoff_id"], ["signoff.id"], name=op.f("fk_change_reply_signoff_id_signoff")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_change_reply")),
    )
    with op.batch_alter_table("change_reply", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_change_reply_proposal_id"), ["proposal_id"], unique=False
        )
        batch_op.create_index(
            batch_op.f("ix_change_reply_signoff_id"), ["signoff_id"], unique=False
        )

    op.create_table(
        "security_risk_acceptance",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("channel_id", sa.Integer(), nullable=False),
        sa.Column("action", sa.String(length=20), nullable=False),
        sa.Column("accepted_by_id", sa.Integer(), nullable=False),
        sa.Column("capacity", sa.String(length=300), nullable=False),
        sa.Column("acting", sa.Boolean(), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("failing_json", sa.Text(), nullable=False),
        sa.Column("accepted_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("used_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["accepted_by_id"],
            ["user_account.id"],
            name=op.f("fk_security_risk_acceptance_accepted_by_id_user_account"),
        ),
        sa.ForeignKeyConstraint(
            ["channel_id"],
            ["channel.id"],
            name=op.f("fk_security_risk_acceptance_channel_id_channel"),
        ),
        sa.ForeignKeyConstraint(
            ["used_by_id"],
            ["user_account.id"],
            name=op.f("fk_security_risk_acceptance_used_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_security_risk_acceptance")),
    )
    with op.batch_alter_table("security_risk_acceptance", schema=None) as batch_op:
        batch_op.create_index(
            batch_op.f("ix_security_risk_acceptance_channel_id"), ["channel_id"], unique=False
        )

    with op.batch_alter_table("channel", schema=None) as batch_op:
        batch_op.add_column(sa.Column("closure_scheduled_on", sa.Date(), nullable=True))
        batch_op.add_column(
            sa.Column("closure_reason", sa.Text(), nullable=False, server_default="")
        )
        batch_op.add_column(sa.Column("closure_scheduled_by_id", sa.Integer(), nullable=True))
        batch_op.create_index(
            batch_op.f("ix_channel_closure_scheduled_on"), ["closure_scheduled_on"], unique=False
        )
        batch_op.create_foreign_key(
            batch_op.f("fk_channel_closure_scheduled_by_id_user_account"),
            "user_account",
            ["closure_scheduled_by_id"],
            ["id"],
        )


def downgrade():
    with op.batch_alter_table("channel", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_channel_closure_scheduled_by_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_channel_closure_scheduled_on"))
        batch_op.drop_column("closure_scheduled_by_id")
        batch_op.drop_column("closure_reason")
        batch_op.drop_column("closure_scheduled_on")

    with op.batch_alter_table("security_risk_acceptance", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_security_risk_acceptance_channel_id"))
    op.drop_table("security_risk_acceptance")

    with op.batch_alter_table("change_reply", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_change_reply_signoff_id"))
        batch_op.drop_index(batch_op.f("ix_change_reply_proposal_id"))
    op.drop_table("change_reply")
