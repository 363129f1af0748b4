"""second factor: a checked password waiting for its SMS code

Revision ID: 0020
Revises: 0019
Create Date: 2026-12-01 02:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0020'
down_revision: str | None = '0019'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('loginhandoff') as batch:
        batch.add_column(
            sa.Column('awaiting_code', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('loginhandoff') as batch:
        batch.drop_column('awaiting_code')
