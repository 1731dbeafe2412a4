"""sign-offs bound to revisions

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-25 10:02:29.347110

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('signoff',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('decision', sa.String(length=20), nullable=False),
    sa.Column('office', sa.String(length=40), nullable=False),
    sa.Column('business_unit_id', sa.Integer(), nullable=True),
    sa.Column('acting', sa.Boolean(), nullable=False),
    sa.Column('capacity', sa.String(length=300), nullable=False),
    sa.Column('signer_id', sa.Integer(), nullable=False),
    sa.Column('comment', sa.Text(), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('void', sa.Boolean(), nullable=False),
    sa.Column('voided_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('void_reason', sa.String(length=300), nullable=False),
    sa.ForeignKeyConstraint(['business_unit_id'], ['business_unit.id'], name=op.f('fk_signoff_business_unit_id_business_unit')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_signoff_proposal_id_proposal')),
    sa.ForeignKeyConstraint(['signer_id'], ['user_account.id'], name=op.f('fk_signoff_signer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_signoff'))
    )
    with op.batch_alter_table('signoff', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_signoff_proposal_id'), ['proposal_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_signoff_signer_id'), ['signer_id'], unique=False)
        batch_op.create_index('uq_signoff_live_capacity', ['proposal_id', 'office'], unique=True, sqlite_where=sa.text("decision = 'approve' AND void = 0"), postgresql_where=sa.text("decision = 'approve' AND void = false"))
        batch_op.create_index('uq_signoff_live_signer', ['proposal_id', 'signer_id'], unique=True, sqlite_where=sa.text("decision = 'approve' AND void = 0"), postgresql_where=sa.text("decision = 'approve' AND void = false"))

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True))



def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_column('approved_at')

    with op.batch_alter_table('signoff', schema=None) as batch_op:
        batch_op.drop_index('uq_signoff_live_signer', sqlite_where=sa.text("decision = 'approve' AND void = 0"), postgresql_where=sa.text("decision = 'approve' AND void = false"))
        batch_op.drop_index('uq_signoff_live_capacity', sqlite_where=sa.text("decision = 'approve' AND void = 0"), postgresql_where=sa.text("decision = 'approve' AND void = false"))
        batch_op.drop_index(batch_op.f('ix_signoff_signer_id'))
        batch_op.drop_index(batch_op.f('ix_signoff_proposal_id'))

    op.drop_table('signoff')
