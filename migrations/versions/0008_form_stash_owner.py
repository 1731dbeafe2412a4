"""form stashes belong to the person whose session ended

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 05:00:00

"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade():
    # Stashes kept before now belong to nobody in particular and must not pre-fill anyone's
    # form; they were at most a day old and are dropped.
    op.execute("DELETE FROM form_stash")
    with op.batch_alter_table("form_stash", schema=None) as batch_op:
        batch_op.add_column(sa.Column("user_id", sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f("ix_form_stash_user_id"), ["user_id"], unique=False)
        batch_op.create_foreign_key(
            batch_op.f("fk_form_stash_user_id_user_account"), "user_account", ["user_id"], ["id"]
        )


def downgrade():
    with op.batch_alter_table("form_stash", schema=None) as batch_op:
        batch_op.drop_constraint(
            batch_op.f("fk_form_stash_user_id_user_account"), type_="foreignkey"
        )
        batch_op.drop_index(batch_op.f("ix_form_stash_user_id"))
        batch_op.drop_column("user_id")
