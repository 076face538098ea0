"""uploads: one row per file attached to a case (citizens' photos, counter letters, reply files)

Revision ID: 0010
Revises: 0009
Create Date: 2026-12-01 14:50:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)


def upgrade():
    op.create_table('attachments',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=20), nullable=False),
    sa.Column('reply_id', sa.Integer(), nullable=True),
    sa.Column('key', sa.String(length=80), nullable=False),
    sa.Column('thumb_key', sa.String(length=80), nullable=True),
    sa.Column('media_type', sa.String(length=40), nullable=False),
    sa.Column('size', sa.Integer(), nullable=False),
    sa.Column('width', sa.Integer(), nullable=False),
    sa.Column('height', sa.Integer(), nullable=False),
    sa.Column('checksum', sa.String(length=64), nullable=False),
    sa.Column('added_at', AT, nullable=False),
    sa.Column('added_by_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("role IN ('photo', 'letter', 'reply')", name=op.f('ck_attachments_role')),
    sa.CheckConstraint("media_type IN ('image/jpeg', 'image/png', 'application/pdf')",
                       name=op.f('ck_attachments_media_type')),
    sa.CheckConstraint("(role = 'reply') = (reply_id IS NOT NULL)", name=op.f('ck_attachments_reply_iff_reply_role')),
    sa.CheckConstraint('size > 0', name=op.f('ck_attachments_size')),
    sa.ForeignKeyConstraint(['case_id'], ['suggestions.id'], name=op.f('fk_attachments_case_id_suggestions')),
    sa.ForeignKeyConstraint(['reply_id'], ['replies.id'], name=op.f('fk_attachments_reply_id_replies')),
    sa.ForeignKeyConstraint(['added_by_id'], ['users.id'], name=op.f('fk_attachments_added_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_attachments')),
    sa.UniqueConstraint('key', name=op.f('uq_attachments_key'))
    )
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_attachments_case_id'), ['case_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_attachments_reply_id'), ['reply_id'], unique=False)


def downgrade():
    with op.batch_alter_table('attachments', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_attachments_reply_id'))
        batch_op.drop_index(batch_op.f('ix_attachments_case_id'))
    op.drop_table('attachments')
