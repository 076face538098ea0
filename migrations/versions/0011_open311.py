"""open311: partners' API keys, the cases they filed, and the open311 channel

Revision ID: 0011
Revises: 0009
Create Date: 2026-12-01 15:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

AT = sa.DateTime(timezone=True)
OLD_CHANNELS = ('poster', 'web', 'counter', 'hotline')
NEW_CHANNELS = OLD_CHANNELS + ('open311',)


def _channels(table: str, values: tuple) -> None:
    """Guard `table`.channel with the CHECK of `values`, as the model's Enum writes it (SQLite
    recreates the table)."""
    check = "channel IN ('" + "', '".join(values) + "')"
    with op.batch_alter_table(table, schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f(f'ck_{table}_channel'), type_='check')
        batch_op.create_check_constraint('channel', check)


def upgrade():
    _channels('suggestions', NEW_CHANNELS)
    _channels('replies', NEW_CHANNELS)
    op.create_table('open311_keys',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('key_hash', sa.String(length=64), nullable=False),
    sa.Column('created_at', AT, nullable=False),
    sa.Column('revoked_at', AT, nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_open311_keys')),
    sa.UniqueConstraint('name', name=op.f('uq_open311_keys_name')),
    sa.UniqueConstraint('key_hash', name=op.f('uq_open311_keys_key_hash'))
    )
    op.create_table('open311_requests',
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('token_hash', sa.String(length=64), nullable=False),
    sa.Column('lat', sa.Float(), nullable=True),
    sa.Column('long', sa.Float(), nullable=True),
    sa.Column('media_url', sa.String(length=500), nullable=False),
    sa.Column('created_at', AT, nullable=False),
    sa.ForeignKeyConstraint(['case_id'], ['suggestions.id'], name=op.f('fk_open311_requests_case_id_suggestions'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['key_id'], ['open311_keys.id'], name=op.f('fk_open311_requests_key_id_open311_keys')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_open311_requests')),
    sa.UniqueConstraint('token_hash', name=op.f('uq_open311_requests_token_hash'))
    )
    with op.batch_alter_table('open311_requests', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_open311_requests_key_id'), ['key_id'], unique=False)


def downgrade():
    with op.batch_alter_table('open311_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_open311_requests_key_id'))
    op.drop_table('open311_requests')
    op.drop_table('open311_keys')
    # The old channels know no partner: its cases are counted as the website's.
    op.execute("UPDATE replies SET channel = 'web' WHERE channel = 'open311'")
    op.execute("UPDATE suggestions SET channel = 'web' WHERE channel = 'open311'")
    _channels('replies', OLD_CHANNELS)
    _channels('suggestions', OLD_CHANNELS)
