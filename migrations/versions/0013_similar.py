"""similar cases: open cases by poster and by matter, newest first, in two small partial indexes

Revision ID: 0013
Revises: 0009
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0009'
branch_labels = None
depends_on = None

# The open states of app/domain/workflow.py OPEN_STATES: only these cases are offered as similar,
# so only these are indexed (a few per cent of a county's cases).
OPEN = "status IN ('submitted', 'accepted', 'review', 're_review')"


def upgrade():
    for column in ('poster_id', 'category_id'):
        op.create_index(f'ix_suggestions_open_{column}', 'suggestions', [column, 'created_at'], unique=False,
                        postgresql_where=sa.text(OPEN), sqlite_where=sa.text(OPEN))


def downgrade():
    for column in ('poster_id', 'category_id'):
        op.drop_index(f'ix_suggestions_open_{column}', table_name='suggestions')
