"""the security officer's password and session policy (one row; the settings are its defaults)

Revision ID: 0023
Revises: 0022
Create Date: 2026-12-01 07:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0023'
down_revision: str | None = '0022'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'securitypolicy',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('password_min_length', sa.Integer(), nullable=False),
        sa.Column('lockout_threshold', sa.Integer(), nullable=False),
        sa.Column('lockout_minutes', sa.Integer(), nullable=False),
        sa.Column('session_idle_minutes', sa.Integer(), nullable=False),
        sa.Column('session_max_hours', sa.Integer(), nullable=False),
        sa.Column('captcha_after_failures', sa.Integer(), nullable=False),
        sa.Column('updated_at', sa.DateTime(), nullable=False),
        sa.Column('updated_by', sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(['updated_by'], ['user.id']),
        sa.PrimaryKeyConstraint('id'),
    )


def downgrade() -> None:
    op.drop_table('securitypolicy')
