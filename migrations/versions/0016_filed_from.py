"""filed_from: the filing client's address, keyed, for a replay's PIN and joins per address

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-08 00:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0016'
down_revision = '0015'
branch_labels = None
depends_on = None

MARKED = "filed_from IS NOT NULL"


def upgrade():
    # Cases filed before this revision carry no mark: a replay of one shows no PIN, and its
    # joins count toward no address (nothing is known of where they came from).
    op.add_column('suggestions', sa.Column('filed_from', sa.String(length=32), nullable=True))
    op.create_index('ix_suggestions_filed_from', 'suggestions', ['created_at'], unique=False,
                    postgresql_where=sa.text(MARKED), sqlite_where=sa.text(MARKED))


def downgrade():
    op.drop_index('ix_suggestions_filed_from', table_name='suggestions')
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_column('filed_from')
