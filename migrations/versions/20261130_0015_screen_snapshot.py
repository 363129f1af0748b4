"""the big screen's snapshot, one row per scope, refreshed by the scheduler; case events by time

Revision ID: 0015
Revises: 0014
Create Date: 2026-11-30 18:45:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0015'
down_revision: str | None = '0014'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'screensnapshot',
        sa.Column('scope', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column('computed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('data', sa.JSON(), nullable=True),
        sa.PrimaryKeyConstraint('scope'),
    )
    # the screen's live feed reads the latest events by time
    with op.batch_alter_table('caseevent', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_caseevent_at'), ['at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('caseevent', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_caseevent_at'))
    op.drop_table('screensnapshot')
