"""abuse limits: fixed-window rate counters and CAPTCHA challenges

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-01 01:30:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0019'
down_revision: str | None = '0018'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        'ratecounter',
        sa.Column('name', sa.String(length=20), nullable=False),
        sa.Column('subject', sa.String(length=64), nullable=False),
        sa.Column('window_start', sa.DateTime(), nullable=False),
        sa.Column('count', sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint('name', 'subject', 'window_start'),
    )
    op.create_table(
        'captchachallenge',
        sa.Column('id', sa.String(length=32), nullable=False),
        sa.Column('answer_hash', sa.String(length=64), nullable=False),
        sa.Column('expires_at', sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    op.create_index('ix_captchachallenge_expires_at', 'captchachallenge', ['expires_at'])


def downgrade() -> None:
    op.drop_index('ix_captchachallenge_expires_at', table_name='captchachallenge')
    op.drop_table('captchachallenge')
    op.drop_table('ratecounter')
