"""rules in one place: the extension asked and decided, report cases kept out of figures

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01 10:30:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None

OLD_ACTIONS = ['submit', 'accept', 'reject', 'forward', 'return', 'assign', 'note', 'reply', 'extend', 'merge', 'urge', 'mark_report', 'rate', 'request_review', 'follow_up', 'close', 'flag_overdue', 'reveal_phone']
NEW_ACTIONS = ['submit', 'accept', 'reject', 'forward', 'return', 'assign', 'note', 'reply', 'request_extension', 'extend', 'refuse_extension', 'merge', 'urge', 'mark_report', 'rate', 'request_review', 'follow_up', 'close', 'flag_overdue', 'reveal_phone']


def _in(column, values):
    return column + " IN (" + ", ".join("'" + v + "'" for v in values) + ")"


def upgrade():
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('extension_request_days', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('extension_request_reason', sa.String(length=5000), nullable=False,
                                      server_default=''))
        # The database guards shape; how long an extension may be is a setting (YIMA_MAX_EXTENSION_DAYS).
        batch_op.drop_constraint(batch_op.f('ck_suggestions_extension_days'), type_='check')
        batch_op.create_check_constraint('extension_days', 'extension_days >= 0')
        batch_op.create_check_constraint('extension_request_days',
                                         'extension_request_days IS NULL OR extension_request_days >= 1')
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_case_events_action'), type_='check')
        batch_op.create_check_constraint('action', _in('action', NEW_ACTIONS))
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_report', sa.Boolean(), nullable=False, server_default=sa.false()))
    op.execute("UPDATE replies SET is_report = (SELECT is_report FROM suggestions s WHERE s.id = replies.suggestion_id)")
    with op.batch_alter_table('figure_months', schema=None) as batch_op:
        batch_op.add_column(sa.Column('is_report', sa.Boolean(), nullable=False, server_default=sa.false()))
    # The stored months are recounted with the new dimension at the next sweep.
    op.execute("DELETE FROM figure_months")
    op.execute("DELETE FROM figure_watermark")


def downgrade():
    op.execute("DELETE FROM figure_months")
    op.execute("DELETE FROM figure_watermark")
    with op.batch_alter_table('figure_months', schema=None) as batch_op:
        batch_op.drop_column('is_report')
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.drop_column('is_report')
    op.execute("DELETE FROM case_events WHERE action IN ('request_extension', 'refuse_extension')")
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_case_events_action'), type_='check')
        batch_op.create_check_constraint('action', _in('action', OLD_ACTIONS))
    op.execute("UPDATE suggestions SET extension_days = 30 WHERE extension_days > 30")
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_suggestions_extension_request_days'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_suggestions_extension_days'), type_='check')
        batch_op.create_check_constraint('extension_days', 'extension_days BETWEEN 0 AND 30')
        batch_op.drop_column('extension_request_reason')
        batch_op.drop_column('extension_request_days')
