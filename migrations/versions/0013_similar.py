"""similar cases: open cases by poster and by matter in two partial indexes; a signature per case

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None

# The open states of app/domain/workflow.py OPEN_STATES: only these cases are offered as similar,
# so only these are indexed (a few per cent of a county's cases).
OPEN = "status IN ('submitted', 'accepted', 'review', 're_review')"


def upgrade():
    # Cases filed before this revision have none: app/services/similar.py reads their text instead.
    op.create_table('case_signatures',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('place', sa.Text(), nullable=False),
    sa.Column('matter', sa.Text(), nullable=False),
    sa.Column('words', sa.Text(), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['suggestions.id'], name=op.f('fk_case_signatures_case_id_suggestions'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_case_signatures'))
    )
    for column in ('poster_id', 'category_id'):
        op.create_index(f'ix_suggestions_open_{column}', 'suggestions', [column, 'created_at'], unique=False,
                        postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade():
    for column in ('poster_id', 'category_id'):
        op.drop_index(f'ix_suggestions_open_{column}', table_name='suggestions')
    op.drop_table('case_signatures')
