"""a stage's clock follows its items' pauses (stagecase.paused_since / paused_days), and the
days whose KPI roll-up a moved deadline made stale

Revision ID: 0024
Revises: 0023
Create Date: 2026-12-01 08:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0024'
down_revision: str | None = '0023'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('stagecase') as batch:
        batch.add_column(sa.Column('paused_since', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column('paused_days', sa.Integer(), nullable=False, server_default='0')
        )
    op.create_table(
        'kpistaleday',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('day', sa.Date(), nullable=False),
        sa.Column('marked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_kpistaleday_day', 'kpistaleday', ['day'])


def downgrade() -> None:
    op.drop_index('ix_kpistaleday_day', table_name='kpistaleday')
    op.drop_table('kpistaleday')
    with op.batch_alter_table('stagecase') as batch:
        batch.drop_column('paused_days')
        batch.drop_column('paused_since')
