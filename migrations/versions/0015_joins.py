"""joins: a citizen joins (附议) a similar open case instead of filing a duplicate

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-01 15:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0015'
down_revision = '0014'
branch_labels = None
depends_on = None

JOINED = "joined_at IS NOT NULL"
DIMENSIONS = ['handled_by_id', 'unit_id', 'category_id', 'poster_id', 'channel', 'kind']


def upgrade():
    # A joined case is a merged one (merged_into_id is its master) that its citizen chose to join.
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joined_at', sa.DateTime(timezone=True), nullable=True))
        batch_op.create_check_constraint('joined_has_master', 'joined_at IS NULL OR merged_into_id IS NOT NULL')
    op.create_index('ix_suggestions_joined_master', 'suggestions', ['merged_into_id', 'joined_at'], unique=False,
                    postgresql_where=sa.text(JOINED), sqlite_where=sa.text(JOINED))
    op.create_index('ix_suggestions_joined', 'suggestions', ['joined_at'], unique=False,
                    postgresql_include=DIMENSIONS, postgresql_where=sa.text(JOINED), sqlite_where=sa.text(JOINED))
    # Stored months count them too; months stored before this revision hold none (there were none).
    with op.batch_alter_table('figure_months', schema=None) as batch_op:
        batch_op.add_column(sa.Column('joins', sa.Integer(), nullable=False, server_default='0'))


def downgrade():
    with op.batch_alter_table('figure_months', schema=None) as batch_op:
        batch_op.drop_column('joins')
    op.drop_index('ix_suggestions_joined', table_name='suggestions')
    op.drop_index('ix_suggestions_joined_master', table_name='suggestions')
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_suggestions_joined_has_master'), type_='check')
        batch_op.drop_column('joined_at')
