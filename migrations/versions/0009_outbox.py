"""outbox: messages to citizens and units, the units' channels, the citizens' consent

Revision ID: 0009
Revises: 0008
Create Date: 2026-12-01 12:10:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade():
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('due_soon_told_for', AT, nullable=True))
    op.create_table('subscriptions',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('token_sealed', sa.String(length=200), nullable=False),
    sa.Column('consent_at', AT, nullable=False),
    sa.Column('recorded_by_id', sa.Integer(), nullable=True),
    sa.Column('stopped_at', AT, nullable=True),
    sa.ForeignKeyConstraint(['case_id'], ['suggestions.id'], name=op.f('fk_subscriptions_case_id_suggestions'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['recorded_by_id'], ['users.id'], name=op.f('fk_subscriptions_recorded_by_id_users')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_subscriptions'))
    )
    op.create_table('unit_channels',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=20), nullable=False),
    sa.Column('target', sa.String(length=500), nullable=False),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('digest', sa.Boolean(), nullable=False),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', AT, nullable=False),
    sa.CheckConstraint("kind IN ('dingtalk', 'wecom', 'email')", name=op.f('ck_unit_channels_kind')),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_unit_channels_unit_id_org_units')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_unit_channels'))
    )
    with op.batch_alter_table('unit_channels', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_unit_channels_unit_id'), ['unit_id'], unique=False)
    op.create_table('outbox',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key', sa.String(length=120), nullable=False),
    sa.Column('topic', sa.String(length=40), nullable=False),
    sa.Column('transport', sa.String(length=20), nullable=False),
    sa.Column('phone', sa.String(length=20), nullable=True),
    sa.Column('channel_id', sa.Integer(), nullable=True),
    sa.Column('case_id', sa.Integer(), nullable=True),
    sa.Column('language', sa.String(length=16), nullable=False),
    sa.Column('subject', sa.String(length=200), nullable=False),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('params', sa.Text(), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('not_before', AT, nullable=False),
    sa.Column('claimed_until', AT, nullable=True),
    sa.Column('claimed_by', sa.String(length=80), nullable=False),
    sa.Column('last_error', sa.String(length=500), nullable=False),
    sa.Column('created_at', AT, nullable=False),
    sa.Column('sent_at', AT, nullable=True),
    sa.CheckConstraint("status IN ('pending', 'sent', 'dead', 'skipped')", name=op.f('ck_outbox_status')),
    sa.CheckConstraint("transport IN ('sms', 'dingtalk', 'wecom', 'email')", name=op.f('ck_outbox_transport')),
    sa.CheckConstraint('attempts >= 0', name=op.f('ck_outbox_attempts')),
    sa.ForeignKeyConstraint(['case_id'], ['suggestions.id'], name=op.f('fk_outbox_case_id_suggestions'),
                            ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['channel_id'], ['unit_channels.id'], name=op.f('fk_outbox_channel_id_unit_channels'),
                            ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_outbox')),
    sa.UniqueConstraint('key', name=op.f('uq_outbox_key'))
    )
    with op.batch_alter_table('outbox', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_outbox_case_id'), ['case_id'], unique=False)
        batch_op.create_index('ix_outbox_due', ['status', 'not_before'], unique=False)
        batch_op.create_index('ix_outbox_phone_created', ['phone', 'created_at'], unique=False)


def downgrade():
    op.drop_table('outbox')
    with op.batch_alter_table('unit_channels', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_unit_channels_unit_id'))
    op.drop_table('unit_channels')
    op.drop_table('subscriptions')
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_column('due_soon_told_for')
