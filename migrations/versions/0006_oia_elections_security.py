"""information requests, election periods, account security

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-25 10:34:01.604090

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('election_period',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=200), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.Column('created_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_election_period_created_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_election_period'))
    )
    op.create_table('account_security',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('admin_user_ids', sa.String(length=500), nullable=False),
    sa.Column('mfa_enabled', sa.Boolean(), nullable=False),
    sa.Column('recovery_email', sa.String(length=254), nullable=False),
    sa.Column('credentials_reference', sa.String(length=300), nullable=False),
    sa.Column('last_access_review', sa.Date(), nullable=True),
    sa.Column('updated_by_id', sa.Integer(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_account_security_channel_id_channel')),
    sa.ForeignKeyConstraint(['updated_by_id'], ['user_account.id'], name=op.f('fk_account_security_updated_by_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_account_security')),
    sa.UniqueConstraint('channel_id', name=op.f('uq_account_security_channel_id'))
    )
    op.create_table('information_request',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('channel_id', sa.Integer(), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('received_on', sa.Date(), nullable=False),
    sa.Column('requester', sa.String(length=300), nullable=False),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.Column('handler_id', sa.Integer(), nullable=True),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('extended_due_on', sa.Date(), nullable=True),
    sa.Column('extension_reason', sa.Text(), nullable=False),
    sa.Column('transferred_on', sa.Date(), nullable=True),
    sa.Column('transferred_to', sa.String(length=300), nullable=False),
    sa.Column('responded_on', sa.Date(), nullable=True),
    sa.Column('created_by_id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['channel_id'], ['channel.id'], name=op.f('fk_information_request_channel_id_channel')),
    sa.ForeignKeyConstraint(['created_by_id'], ['user_account.id'], name=op.f('fk_information_request_created_by_id_user_account')),
    sa.ForeignKeyConstraint(['handler_id'], ['user_account.id'], name=op.f('fk_information_request_handler_id_user_account')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_information_request'))
    )
    with op.batch_alter_table('information_request', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_information_request_channel_id'), ['channel_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_information_request_due_on'), ['due_on'], unique=False)
        batch_op.create_index(batch_op.f('ix_information_request_responded_on'), ['responded_on'], unique=False)

    with op.batch_alter_table('channel', schema=None) as batch_op:
        batch_op.add_column(sa.Column('people_ids', sa.String(length=1000), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('people_problem', sa.Text(), nullable=False, server_default=''))
        batch_op.add_column(sa.Column('security_complete', sa.Boolean(), nullable=False, server_default=sa.false()))
        batch_op.create_index(batch_op.f('ix_channel_security_complete'), ['security_complete'], unique=False)



def downgrade():
    with op.batch_alter_table('channel', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_channel_security_complete'))
        batch_op.drop_column('security_complete')
        batch_op.drop_column('people_problem')
        batch_op.drop_column('people_ids')

    with op.batch_alter_table('information_request', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_information_request_responded_on'))
        batch_op.drop_index(batch_op.f('ix_information_request_due_on'))
        batch_op.drop_index(batch_op.f('ix_information_request_channel_id'))

    op.drop_table('information_request')
    op.drop_table('account_security')
    op.drop_table('election_period')
