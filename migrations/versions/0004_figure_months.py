"""figure months

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 19:47:29.289404

"""
from alembic import op
import sqlalchemy as sa


# revision identifiers, used by Alembic.
revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


DIMENSIONS = ['handled_by_id', 'unit_id', 'category_id', 'poster_id', 'channel', 'kind']


def upgrade():
    op.create_table('figure_months',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('poster_id', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=20), nullable=True),
    sa.Column('kind', sa.String(length=20), nullable=True),
    *[sa.Column(name, sa.Integer(), nullable=False) for name in (
        'volume', 'closed', 'closed_first_time', 'rated', 'satisfied', 'accepted', 'accepted_on_time')],
    sa.Column('accept_days', sa.Double(), nullable=False),
    *[sa.Column(name, sa.Integer(), nullable=False) for name in ('replies', 'replies_on_time', 'first_replies')],
    sa.Column('reply_days', sa.Double(), nullable=False),
    sa.Column('reviews', sa.Integer(), nullable=False),
    sa.Column('re_reviews', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_months'))
    )
    with op.batch_alter_table('figure_months', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_figure_months_month'), ['month'], unique=False)

    op.create_table('figure_watermark',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('refreshed_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_figure_watermark'))
    )

    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.add_column(sa.Column('category_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('poster_id', sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column('channel', sa.Enum('poster', 'web', 'counter', 'hotline', name='channel', native_enum=False, create_constraint=True, length=20), nullable=True))
        batch_op.add_column(sa.Column('kind', sa.Enum('suggestion', 'complaint', 'consultation', 'praise', name='kind', native_enum=False, create_constraint=True, length=20), nullable=True))
        batch_op.create_foreign_key(batch_op.f('fk_replies_category_id_categories'), 'categories', ['category_id'], ['id'])
        batch_op.create_foreign_key(batch_op.f('fk_replies_poster_id_posters'), 'posters', ['poster_id'], ['id'])
    op.execute("UPDATE replies SET category_id = (SELECT category_id FROM suggestions s WHERE s.id = replies.suggestion_id),"
               " poster_id = (SELECT poster_id FROM suggestions s WHERE s.id = replies.suggestion_id),"
               " channel = (SELECT channel FROM suggestions s WHERE s.id = replies.suggestion_id),"
               " kind = (SELECT kind FROM suggestions s WHERE s.id = replies.suggestion_id)")
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.create_index('ix_replies_at', ['at'], unique=False, postgresql_include=[
            'unit_id', 'stage', 'due_at', 'started_at', 'category_id', 'poster_id', 'channel', 'kind'])

    # The figures read these indexes only (PostgreSQL INCLUDE): no trip to the wide rows.
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.create_index('ix_suggestions_accepted', ['accepted_at'], unique=False,
                              postgresql_include=['accept_due_at', 'received_at', *DIMENSIONS])
        batch_op.create_index('ix_suggestions_closed', ['closed_at'], unique=False,
                              postgresql_include=['status', 'stage', *DIMENSIONS])
        batch_op.create_index('ix_suggestions_rated', ['rated_at'], unique=False,
                              postgresql_include=['rating', *DIMENSIONS])
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.create_index('ix_case_events_at', ['at'], unique=False)


def downgrade():
    with op.batch_alter_table('case_events', schema=None) as batch_op:
        batch_op.drop_index('ix_case_events_at')
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_index('ix_suggestions_rated')
        batch_op.drop_index('ix_suggestions_closed')
        batch_op.drop_index('ix_suggestions_accepted')
    with op.batch_alter_table('replies', schema=None) as batch_op:
        batch_op.drop_index('ix_replies_at')
        batch_op.drop_constraint(batch_op.f('fk_replies_poster_id_posters'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('fk_replies_category_id_categories'), type_='foreignkey')
        batch_op.drop_constraint(batch_op.f('ck_replies_kind'), type_='check')
        batch_op.drop_constraint(batch_op.f('ck_replies_channel'), type_='check')
        batch_op.drop_column('kind')
        batch_op.drop_column('channel')
        batch_op.drop_column('poster_id')
        batch_op.drop_column('category_id')
    op.drop_table('figure_watermark')
    with op.batch_alter_table('figure_months', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_figure_months_month'))
    op.drop_table('figure_months')
