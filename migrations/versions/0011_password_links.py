"""invitations: people set their own passwords from one-time links

Revision ID: 0011
Revises: 0010
Create Date: 2026-12-01 05:40:00.000000

"""

from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

# Not an argon2 hash: verifying any password against it fails.
_NO_PASSWORD = "!"


def upgrade():
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.alter_column("password_hash", existing_type=sa.String(length=255), nullable=True)
        batch_op.add_column(sa.Column("password_set_at", sa.DateTime(timezone=True), nullable=True))
    # Everyone already registered chose (or was given) a password when their account was made.
    op.execute("UPDATE user_account SET password_set_at = created_at")

    op.create_table(
        "password_link",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("purpose", sa.String(length=20), nullable=False),
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("used_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("voided_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("sent_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(
            ["user_id"], ["user_account.id"], name=op.f("fk_password_link_user_id_user_account")
        ),
        sa.ForeignKeyConstraint(
            ["sent_by_id"],
            ["user_account.id"],
            name=op.f("fk_password_link_sent_by_id_user_account"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_password_link")),
        sa.UniqueConstraint("token_sha256", name=op.f("uq_password_link_token_sha256")),
    )
    with op.batch_alter_table("password_link", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_password_link_user_id"), ["user_id"], unique=False)


def downgrade():
    with op.batch_alter_table("password_link", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_password_link_user_id"))
    op.drop_table("password_link")
    # Someone still waiting for their link cannot sign in before the downgrade either.
    op.execute(
        sa.text(
            "UPDATE user_account SET password_hash = :none WHERE password_hash IS NULL"
        ).bindparams(none=_NO_PASSWORD)
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_column("password_set_at")
        batch_op.alter_column("password_hash", existing_type=sa.String(length=255), nullable=False)
