"""appointments: two-person rule (requested, confirmed, cancelled)

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 04:50:00.000000

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.add_column(sa.Column('requested_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('confirmed_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column('cancelled_by_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('cancelled_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_appointment_requested_by_id_user_account'), 'user_account', ['requested_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_appointment_confirmed_by_id_user_account'), 'user_account', ['confirmed_by_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_appointment_cancelled_by_id_user_account'), 'user_account', ['cancelled_by_id'], ['id'])

    # Every existing appointment was made under the old one-step rule, and people have been
    # acting on it: it stays in force, confirmed when it was made. Who made it is in the
    # audit log ("appointment-made"), not guessed here.
    op.execute("UPDATE appointment SET confirmed_at = created_at WHERE confirmed_at IS NULL")


def downgrade():
    # The old schema cannot tell a request from an appointment: a request that never took
    # effect (pending or cancelled) would come back as an appointment in force, and deleting
    # it would lose a record. Refuse instead; the operator decides what to do with them.
    requests = op.get_bind().execute(
        sa.text("SELECT COUNT(*) FROM appointment WHERE confirmed_at IS NULL OR cancelled_at IS NOT NULL")
    ).scalar()
    if requests:
        raise RuntimeError(
            f"{requests} appointment request(s) are pending or cancelled; the schema before "
            "0007 cannot keep them without putting them in force. Not downgrading."
        )
    with op.batch_alter_table('appointment', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('fk_appointment_cancelled_by_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_appointment_confirmed_by_id_user_account'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_appointment_requested_by_id_user_account'), type_='foreignkey')
        batch_op.drop_column('cancelled_at')
        batch_op.drop_column('cancelled_by_id')
        batch_op.drop_column('confirmed_at')
        batch_op.drop_column('confirmed_by_id')
        batch_op.drop_column('requested_by_id')
