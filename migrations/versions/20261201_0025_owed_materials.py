"""容缺 is supervised: when the applicant was reminded of an owed material's promised date, and
when the departments were told it passed

Revision ID: 0025
Revises: 0024
Create Date: 2026-12-01 08:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0025'
down_revision: str | None = '0024'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('stagematerial') as batch:
        batch.add_column(sa.Column('reminded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch.add_column(
            sa.Column('late_noticed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True)
        )


def downgrade() -> None:
    with op.batch_alter_table('stagematerial') as batch:
        batch.drop_column('late_noticed_at')
        batch.drop_column('reminded_at')
