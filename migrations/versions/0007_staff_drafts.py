"""staff drafts: a case action's text posted after the session ended, kept through sign-in

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-01 11:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade():
    op.create_table('staff_drafts',
    sa.Column('id', sa.String(length=64), nullable=False),
    sa.Column('user_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('fields', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['suggestions.id'], name=op.f('fk_staff_drafts_case_id_suggestions'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_staff_drafts_user_id_users'),
                            ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_staff_drafts'))
    )
    with op.batch_alter_table('staff_drafts', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_staff_drafts_created_at'), ['created_at'], unique=False)


def downgrade():
    with op.batch_alter_table('staff_drafts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_staff_drafts_created_at'))
    op.drop_table('staff_drafts')
