"""scale indexes: the figures' covering indexes carry is_report; open cases by deadline and pending
extensions are indexed apart; the figure watermark remembers the last event its refresh saw

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-01 15:00:00

Migration 0005 added is_report and the figures filter on it for most roles, but the covering
indexes of 0003/0004 did not hold it: PostgreSQL read every case of the period from the table
(a year's dashboard at 1 M cases: seconds of random heap reads). With is_report in the INCLUDE
list the figures are index-only scans again. SQLite ignores INCLUDE; the indexes stay as they were.
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None

DIMENSIONS = ['handled_by_id', 'unit_id', 'category_id', 'poster_id', 'channel', 'kind']
# (table, index, column, INCLUDE before this revision): the indexes the figures read.
COVERING = [
    ('suggestions', 'ix_suggestions_created', 'created_at', DIMENSIONS),
    ('suggestions', 'ix_suggestions_accepted', 'accepted_at', ['accept_due_at', 'received_at', *DIMENSIONS]),
    ('suggestions', 'ix_suggestions_closed', 'closed_at', ['status', 'stage', *DIMENSIONS]),
    ('suggestions', 'ix_suggestions_rated', 'rated_at', ['rating', *DIMENSIONS]),
    ('replies', 'ix_replies_at', 'at', ['unit_id', 'stage', 'due_at', 'started_at', 'category_id', 'poster_id',
                                       'channel', 'kind']),
]
PENDING = sa.text('extension_request_days IS NOT NULL')
OPEN = sa.text("status IN ('submitted', 'accepted', 'review', 're_review')")  # app/domain/workflow.py OPEN_STATES


def _covering(include_report: bool) -> None:
    for table, name, column, include in COVERING:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, [column], unique=False,
                        postgresql_include=include + (['is_report'] if include_report else []))


def upgrade():
    _covering(include_report=True)
    # The inbox counts the cases whose extension request waits, on every page: a partial
    # index holds only those few, instead of a scan of every case.
    op.create_index('ix_suggestions_extension_pending', 'suggestions', ['unit_id'], unique=False,
                    postgresql_where=PENDING, sqlite_where=PENDING)
    # The open cases by deadline, alone: the inbox's first pages and the overdue counts of
    # the dashboard read a few thousand entries, index only, not every case of that status.
    op.create_index('ix_suggestions_open_due', 'suggestions', ['due_at', 'id'], unique=False,
                    postgresql_where=OPEN, sqlite_where=OPEN, postgresql_include=['is_report', *DIMENSIONS])
    with op.batch_alter_table('figure_watermark', schema=None) as batch_op:
        batch_op.add_column(sa.Column('seen_event_id', sa.Integer(), nullable=False, server_default='0'))
        batch_op.add_column(sa.Column('seen_recent', sa.Integer(), nullable=False, server_default='0'))
    op.execute("DELETE FROM figure_watermark")  # no event seen yet: the next refresh recounts every month


def downgrade():
    with op.batch_alter_table('figure_watermark', schema=None) as batch_op:
        batch_op.drop_column('seen_recent')
        batch_op.drop_column('seen_event_id')
    op.drop_index('ix_suggestions_open_due', table_name='suggestions')
    op.drop_index('ix_suggestions_extension_pending', table_name='suggestions')
    _covering(include_report=False)
