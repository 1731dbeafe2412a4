"""channels, reviews, api tokens

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-25 10:13:01.268301

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('channel',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('platform', sa.String(length=40), nullable=False),
    sa.Column('platform_other', sa.String(length=100), nullable=False),
    sa.Column('handle', sa.String(length=200), nullable=False),
    sa.Column('handle_key', sa.String(length=200), nullable=False),
    sa.Column('channel_url', sa.String(length=500), nullable=False),
    sa.Column('business_unit_id', sa.Integer(), nullable=False),
    sa.Column('liaison_id', sa.Integer(), nullable=True),
    sa.Column('state', sa.String(length=20), nullable=False),
    sa.Column('no_charter', sa.Boolean(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=True),
    sa.Column('started_on', sa.Date(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('went_live_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('review_due', sa.Date(), nullable=True),
    sa.Column('last_reviewed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decommissioned_on', sa.Date(), nullable=True),
    sa.Column('decommission_reason', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['business_unit_id'], ['business_unit.id'], name=op.f('fk_channel_business_unit_id_business_unit')),
    sa.ForeignKeyConstraint(['liaison_id'], ['user_account.id'], name=op.f('fk_channel_liaison_id_user_account')),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_channel_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel'))
    )
    with op.batch_alter_table('channel', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_approved_at'), ['approved_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_business_unit_id'), ['business_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_handle_key'), ['handle_key'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_no_charter'), ['no_charter'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_platform'), ['platform'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_review_due'), ['review_due'], unique=False)
        batch_op.create_index(batch_op.f('ix_channel_state'), ['state'], unique=False)
        batch_op.create_index('ix_channel_state_review_due', ['state', 'review_due'], unique=False)
        batch_op.create_index('uq_channel_live_handle', ['platform', 'handle_key'], unique=True, sqlite_where=sa.text("state != 'decommissioned'"), postgresql_where=sa.text("state != 'decommissioned'"))

    op.create_table('api_token',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('token_sha256', sa.String(length=64), nullable=False),
    sa.Column('prefix', sa.String(length=12), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('last_used_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.ForeignKeyConstraint(['user_id'], ['user_account.id'], name=op.f('fk_api_token_user_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_api_token')),
    sa.UniqueConstraint('token_sha256', name=op.f('uq_api_token_token_sha256'))
    )
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_api_token_user_id'), ['user_id'], unique=False)

    op.create_table('channel_review',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('reviewer_id', sa.Integer(), nullable=False),
    sa.Column('reviewed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('still_needed', sa.Boolean(), nullable=False),
    sa.Column('terms_accurate', sa.Boolean(), nullable=False),
    sa.Column('hours_kept', sa.Boolean(), nullable=False),
    sa.Column('spokespeople_right', sa.Boolean(), nullable=False),
    sa.Column('notes', sa.Text(), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=False),
    sa.Column('next_review_due', sa.Date(), nullable=True),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_channel_review_channel_id_channel')),
    sa.ForeignKeyConstraint(['reviewer_id'], ['user_account.id'], name=op.f('fk_channel_review_reviewer_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_channel_review'))
    )
    with op.batch_alter_table('channel_review', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_channel_review_channel_id'), ['channel_id'], unique=False)

    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.add_column(sa.Column('channel_id', sa.Integer(), nullable=True))
        batch_op.create_index(batch_op.f('ix_proposal_channel_id'), ['channel_id'], unique=False)
        batch_op.create_foreign_key(batch_op.f('fk_proposal_channel_id_channel'), 'channel', ['channel_id'], ['id'])
        # An approved proposal no longer claims its handle: the channel it created does.
        batch_op.drop_index('uq_proposal_live_handle')
        batch_op.create_index('uq_proposal_live_handle', ['platform', 'handle_key'], unique=True, sqlite_where=sa.text("handle_key != '' AND state IN ('draft', 'awaiting-signoff', 'changes-requested')"), postgresql_where=sa.text("handle_key != '' AND state IN ('draft', 'awaiting-signoff', 'changes-requested')"))



def downgrade():
    with op.batch_alter_table('proposal', schema=None) as batch_op:
        batch_op.drop_index('uq_proposal_live_handle')
        batch_op.create_index('uq_proposal_live_handle', ['platform', 'handle_key'], unique=True, sqlite_where=sa.text("handle_key != '' AND state IN ('draft', 'awaiting-signoff', 'changes-requested', 'approved')"), postgresql_where=sa.text("handle_key != '' AND state IN ('draft', 'awaiting-signoff', 'changes-requested', 'approved')"))
        batch_op.drop_constraint(batch_op.f('fk_proposal_channel_id_channel'), type_='foreignkey')
        batch_op.drop_index(batch_op.f('ix_proposal_channel_id'))
        batch_op.drop_column('channel_id')

    with op.batch_alter_table('channel_review', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_review_channel_id'))

    op.drop_table('channel_review')
    with op.batch_alter_table('api_token', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_api_token_user_id'))

    op.drop_table('api_token')
    with op.batch_alter_table('channel', schema=None) as batch_op:
        batch_op.drop_index('uq_channel_live_handle', sqlite_where=sa.text("state != 'decommissioned'"), postgresql_where=sa.text("state != 'decommissioned'"))
        batch_op.drop_index('ix_channel_state_review_due')
        batch_op.drop_index(batch_op.f('ix_channel_state'))
        batch_op.drop_index(batch_op.f('ix_channel_review_due'))
        batch_op.drop_index(batch_op.f('ix_channel_platform'))
        batch_op.drop_index(batch_op.f('ix_channel_no_charter'))
        batch_op.drop_index(batch_op.f('ix_channel_name'))
        batch_op.drop_index(batch_op.f('ix_channel_handle_key'))
        batch_op.drop_index(batch_op.f('ix_channel_business_unit_id'))
        batch_op.drop_index(batch_op.f('ix_channel_approved_at'))

    op.drop_table('channel')
