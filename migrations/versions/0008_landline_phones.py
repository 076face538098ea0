"""landline phones: a citizen's number may be a landline with its area code

Revision ID: 0008
Revises: 0007
Create Date: 2026-12-01 11:00:00

"""
from alembic import op


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None

# Stored as digits only: an 11-digit mobile starting 1, or a 10- to 12-digit landline starting 0.
NEW_SHAPE = ("citizen_phone IS NULL"
             " OR (length(citizen_phone) = 11 AND substr(citizen_phone, 1, 1) = '1')"
             " OR (length(citizen_phone) BETWEEN 10 AND 12 AND substr(citizen_phone, 1, 1) = '0')")
OLD_SHAPE = "citizen_phone IS NULL OR length(citizen_phone) = 11"


def upgrade():
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_suggestions_phone_shape'), type_='check')
        batch_op.create_check_constraint('phone_shape', NEW_SHAPE)


def downgrade():
    # The old shape knows no landline: their numbers cannot be kept.
    op.execute("UPDATE suggestions SET citizen_phone = NULL WHERE substr(citizen_phone, 1, 1) = '0'")
    with op.batch_alter_table('suggestions', schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f('ck_suggestions_phone_shape'), type_='check')
        batch_op.create_check_constraint('phone_shape', OLD_SHAPE)
