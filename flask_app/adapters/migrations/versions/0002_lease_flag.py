"""a lease can be flagged: a change came in while its sync ran, so it runs once more

Revision ID: 0002
Revises: 0001
"""
from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('leases') as batch_op:
        batch_op.add_column(sa.Column('flagged', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))


def downgrade() -> None:
    with op.batch_alter_table('leases') as batch_op:
        batch_op.drop_column('flagged')
