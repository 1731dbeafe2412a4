"""charters

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-25 10:10:54.228130

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('charter_sequence',
    sa.Column('year', sa.Integer(), autoincrement=False, nullable=False),
    sa.Column('last_number', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('year', name=op.f('pk_charter_sequence'))
    )
    op.create_table('charter',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sa.String(length=40), nullable=False),
    sa.Column('year', sa.Integer(), nullable=False),
    sa.Column('sequence', sa.Integer(), nullable=False),
    sa.Column('proposal_id', sa.Integer(), nullable=False),
    sa.Column('revision_number', sa.Integer(), nullable=False),
    sa.Column('content_sha256', sa.String(length=64), nullable=False),
    sa.Column('document_json', sa.Text(), nullable=False),
    sa.Column('pdf', sa.LargeBinary(), nullable=False),
    sa.Column('pdf_sha256', sa.String(length=64), nullable=False),
    sa.Column('pdf_size', sa.Integer(), nullable=False),
    sa.Column('issued_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['proposal_id'], ['proposal.id'], name=op.f('fk_charter_proposal_id_proposal')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_charter')),
    sa.UniqueConstraint('number', name=op.f('uq_charter_number')),
    sa.UniqueConstraint('proposal_id', name=op.f('uq_charter_proposal_id')),
    sa.UniqueConstraint('year', 'sequence', name=op.f('uq_charter_year'))
    )


def downgrade():
    op.drop_table('charter')
    op.drop_table('charter_sequence')
