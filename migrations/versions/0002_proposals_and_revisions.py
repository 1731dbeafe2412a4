"""proposals and revisions

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25 09:59:21.998730

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('form_stash',
    sa.Column('token', sa.String(length=64), nullable=False),
    sa.Column('path', sa.String(length=300), nullable=False),
    sa.Column('body_json', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('token', name=op.f('pk_form_stash'))
    )
    op.create_table('proposal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('business_unit_id', sa.Integer(), nullable=False),
    sa.Column('proposer_id', sa.Integer(), nullable=False),
    sa.Column('state', sa.String(length=30), nullable=False),
    sa.Column('channel_name', sa.String(length=200), nullable=False),
    sa.Column('platform', sa.String(length=40), nullable=False),
    sa.Column('handle', sa.String(length=200), nullable=False),
    sa.Column('handle_key', sa.String(length=200), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['business_unit_id'], ['business_unit.id'], name=op.f('fk_proposal_business_unit_id_business_unit')),
    sa.ForeignKeyConstraint(['proposer_id'], ['user_account.id'], name=op.f('fk_proposal_proposer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal'))
    )
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_business_unit_id'), ['business_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_proposer_id'), ['proposer_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_proposal_state'), ['state'], unique=False)
        batch_op.create_index('uq_proposal_live_handle', ['platform', 'handle_key'], unique=True, sqlite_where=sa.text("handle_key != '' AND state IN ('draft', 'awaiting-signoff', 'changes-requested', 'approved')"), postgresql_where=sa.text("handle_key != '' AND state IN ('draft', 'awaiting-signoff', 'changes-requested', 'approved')"))

    op.create_table('proposal_revision',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('number', sa.Integer(), nullable=False),
    sa.Column('content_json', sa.Text(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('submitted', sa.Boolean(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('submitted_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_proposal_revision_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_proposal_revision_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_proposal_revision')),
    sa.UniqueConstraint('proposal_id', 'number', name=op.f('uq_proposal_revision_proposal_id'))
    )
    with op.batch_alter_table('proposal_revision', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_proposal_revision_proposal_id'), ['proposal_id'], unique=False)



def downgrade():
    with op.batch_alter_table('proposal_revision', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_proposal_revision_proposal_id'))

    op.drop_table('proposal_revision')
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index('uq_proposal_live_handle', sqlite_where=sa.text("handle_key != '' AND state IN ('draft', 'awaiting-signoff', 'changes-requested', 'approved')"), postgresql_where=sa.text("handle_key != '' AND state IN ('draft', 'awaiting-signoff', 'changes-requested', 'approved')"))
        batch_op.drop_index(batch_op.f('ix_proposal_state'))
        batch_op.drop_index(batch_op.f('ix_proposal_proposer_id'))
        batch_op.drop_index(batch_op.f('ix_proposal_business_unit_id'))

    op.drop_table('proposal')
    op.drop_table('form_stash')
