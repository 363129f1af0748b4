"""first start without demo secrets: one-time passwords that must be changed, demo accounts
marked, and the sign-in step that waits for a new password

Revision ID: 0021
Revises: 0020
Create Date: 2026-12-01 03:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0021'
down_revision: str | None = '0020'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table('user') as batch:
        batch.add_column(
            sa.Column('must_change_password', sa.Boolean(), nullable=False, server_default=sa.false())
        )
        batch.add_column(sa.Column('is_demo', sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table('loginhandoff') as batch:
        batch.add_column(
            sa.Column('awaiting_password', sa.Boolean(), nullable=False, server_default=sa.false())
        )


def downgrade() -> None:
    with op.batch_alter_table('loginhandoff') as batch:
        batch.drop_column('awaiting_password')
    with op.batch_alter_table('user') as batch:
        batch.drop_column('is_demo')
        batch.drop_column('must_change_password')
