"""The company's material library (材料库) is written: accepted materials go in (certificates
are read from their own table), company-wide materials are marked, entries know when they changed

Revision ID: 0026
Revises: 0025
Create Date: 2026-12-01 12:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision: str = '0026'
down_revision: str | None = '0025'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

COMPANY_WIDE = ('M002', 'M003')  # 营业执照, the legal representative's papers


def upgrade() -> None:
    with op.batch_alter_table('material') as batch:
        batch.add_column(
            sa.Column('company_wide', sa.Boolean(), nullable=False, server_default=sa.false())
        )
    op.execute(
        sa.text('UPDATE material SET company_wide = :yes WHERE code IN (:a, :b)').bindparams(
            yes=True, a=COMPANY_WIDE[0], b=COMPANY_WIDE[1]
        )
    )
    with op.batch_alter_table('librarymaterial') as batch:
        batch.add_column(
            sa.Column(
                'updated_at',
                sqlmodel.sql.sqltypes.UTCDateTime(),
                nullable=False,
                server_default=sa.func.now(),
            )
        )


def downgrade() -> None:
    with op.batch_alter_table('librarymaterial') as batch:
        batch.drop_column('updated_at')
    with op.batch_alter_table('material') as batch:
        batch.drop_column('company_wide')
