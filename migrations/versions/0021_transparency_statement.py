"""the social media transparency statement: its versions and their PDFs

Revision ID: 0021
Revises: 0016
Create Date: 2026-12-03 10:00:00.000000

``statement_version`` keeps every version of the public transparency statement: its number
(its public address), when it was recorded and why, the canonical JSON snapshot of what it
says with that text's SHA-256, and the introduction the Communications team wrote.
``statement_pdf`` keeps each version's PDF in each language once rendered. A version is never
changed: on PostgreSQL a trigger refuses UPDATE and DELETE of one, as for the audit log. No
rows are written here: the first version is recorded from the register the first time the
statement is read (or by ``flask registry remind``), by the application's own code.
"""

import sqlalchemy as sa
from alembic import op

# revision identifiers, used by Alembic.
revision = "0021"
down_revision = "0020"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "statement_version",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column("number", sa.Integer(), nullable=False),
        sa.Column("recorded_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("reason", sa.String(300), nullable=False, server_default=""),
        sa.Column("snapshot_json", sa.Text(), nullable=False),
        sa.Column("snapshot_sha256", sa.String(64), nullable=False),
        sa.Column("introduction_en", sa.Text(), nullable=False, server_default=""),
        sa.Column("introduction_mi", sa.Text(), nullable=False, server_default=""),
        sa.UniqueConstraint("number", name="uq_statement_version_number"),
    )
    op.create_table(
        "statement_pdf",
        sa.Column("id", sa.Integer(), primary_key=True),
        sa.Column(
            "version_id",
            sa.Integer(),
            sa.ForeignKey("statement_version.id", name="fk_statement_pdf_version"),
            nullable=False,
        ),
        sa.Column("language", sa.String(5), nullable=False),
        sa.Column("pdf", sa.LargeBinary(), nullable=False),
        sa.Column("pdf_sha256", sa.String(64), nullable=False),
        sa.Column("pdf_size", sa.Integer(), nullable=False),
        sa.Column("rendered_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("version_id", "language", name="uq_statement_pdf_version_language"),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            """
            CREATE FUNCTION statement_version_unchanging() RETURNS trigger AS $$
            BEGIN
                RAISE EXCEPTION 'a transparency statement version never changes: % refused',
                    TG_OP;
            END;
            $$ LANGUAGE plpgsql
            """
        )
        op.execute(
            "CREATE TRIGGER statement_version_no_change BEFORE UPDATE OR DELETE ON "
            "statement_version FOR EACH ROW EXECUTE FUNCTION statement_version_unchanging()"
        )


def downgrade():
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP TRIGGER IF EXISTS statement_version_no_change ON statement_version")
        op.execute("DROP FUNCTION IF EXISTS statement_version_unchanging()")
    op.drop_table("statement_pdf")
    op.drop_table("statement_version")
