"""publication: the citizen's consent on the case, and the publications of the answers board

Revision ID: 0014
Revises: 0013
Create Date: 2026-12-01 16:00:00

"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None

STATES = "status IN ('proposed', 'published', 'declined', 'unpublished')"


def upgrade():
    # Cases filed before this revision never agreed: none of them is published.
    op.add_column('suggestions', sa.Column('publish_consent', sa.Boolean(), nullable=False,
                                           server_default=sa.false()))
    op.create_table('publications',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('case_id', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('question', sa.Text(), nullable=False),
    sa.Column('answer', sa.Text(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('category_id', sa.Integer(), nullable=True),
    sa.Column('poster_id', sa.Integer(), nullable=True),
    sa.Column('month', sa.Date(), nullable=False),
    sa.Column('replied_on', sa.Date(), nullable=False),
    sa.Column('reply_days', sa.Integer(), nullable=False),
    sa.Column('rating', sa.String(length=12), nullable=True),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('proposed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('approved_by_id', sa.Integer(), nullable=True),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('declined_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('unpublished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('changed_at', sa.DateTime(timezone=True), nullable=False),
    sa.CheckConstraint(STATES, name=op.f('ck_publications_status')),
    sa.CheckConstraint("status <> 'published' OR approved_at IS NOT NULL",
                       name=op.f('ck_publications_published_is_approved')),
    sa.CheckConstraint('reply_days >= 0', name=op.f('ck_publications_reply_days')),
    sa.ForeignKeyConstraint(['case_id'], ['suggestions.id'], name=op.f('fk_publications_case_id_suggestions'),
                            ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['unit_id'], ['org_units.id'], name=op.f('fk_publications_unit_id_org_units')),
    sa.ForeignKeyConstraint(['category_id'], ['categories.id'], name=op.f('fk_publications_category_id_categories')),
    sa.ForeignKeyConstraint(['poster_id'], ['posters.id'], name=op.f('fk_publications_poster_id_posters')),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['users.id'], name=op.f('fk_publications_proposed_by_id_users')),
    sa.ForeignKeyConstraint(['approved_by_id'], ['users.id'], name=op.f('fk_publications_approved_by_id_users')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_publications')),
    sa.UniqueConstraint('case_id', name=op.f('uq_publications_case_id'))
    )
    op.create_index('ix_publications_changed_at', 'publications', ['changed_at'], unique=False)
    op.create_index('ix_publications_status_approved', 'publications', ['status', 'approved_at'], unique=False)
    op.create_index('ix_publications_unit_status', 'publications', ['unit_id', 'status'], unique=False)


def downgrade():
    op.drop_table('publications')
    with op.batch_alter_table('suggestions') as batch:
        batch.drop_column('publish_consent')
