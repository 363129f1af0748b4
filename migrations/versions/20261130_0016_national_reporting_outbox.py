"""national reporting: the SPGL outbox and serial counters, 实施清单 item codes, department
organisation codes and the project's reported fields

Revision ID: 0016
Revises: 0015
Create Date: 2026-11-30 21:16:25
"""

from collections.abc import Sequence

import sqlalchemy as sa
import sqlmodel
from alembic import op


revision: str = '0016'
down_revision: str | None = '0015'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The tables reported at the time of this revision; a later table adds its counter row in
# the migration that introduces it.
TABLES = (
    'SPGL_DFXMSPLCXXB',
    'SPGL_DFXMSPLCJDXXB',
    'SPGL_DFXMSPLCJDSXXXB',
    'SPGL_XMJBXXB',
    'SPGL_XMDWXXB',
    'SPGL_XMSPSXPFWJXXB',
    'SPGL_XMSPSXBLXXB',
    'SPGL_XMSPSXBLXXXXB',
    'SPGL_XMSPSXBLTBCXXXB',
    'SPGL_ZJFWSXBLXXB',
    'SPGL_ZJFWSXBLGCXXB',
)


def upgrade() -> None:
    sequence = op.create_table(
        'spglsequence',
        sa.Column('table_name', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('last_lsh', sa.BigInteger(), nullable=False),
        sa.PrimaryKeyConstraint('table_name'),
    )
    op.bulk_insert(sequence, [{'table_name': t, 'last_lsh': 0} for t in TABLES])
    op.create_table(
        'spglversion',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('table_name', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
        sa.Column('lsh', sa.BigInteger(), nullable=False),
        sa.Column('record_key', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column('anchor_id', sa.Integer(), nullable=False),
        sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column('valid', sa.Boolean(), nullable=False),
        sa.Column('payload', sa.JSON(), nullable=True),
        sa.Column('payload_hash', sqlmodel.sql.sqltypes.AutoString(length=64), nullable=False),
        sa.Column('state', sa.Integer(), nullable=False),
        sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column('sent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('answered_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('attempts', sa.Integer(), nullable=False),
        sa.Column('next_attempt_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column('claimed_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
        sa.Column('claimed_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('table_name', 'lsh'),
    )
    with op.batch_alter_table('spglversion', schema=None) as batch_op:
        batch_op.create_index(
            'ix_spglversion_state_table_lsh', ['state', 'table_name', 'lsh'], unique=False
        )
        batch_op.create_index(
            'ix_spglversion_table_anchor', ['table_name', 'anchor_id'], unique=False
        )
        batch_op.create_index('ix_spglversion_table_key', ['table_name', 'record_key'], unique=False)
    op.create_table(
        'itemcode',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('item_code', sqlmodel.sql.sqltypes.AutoString(length=32), nullable=False),
        sa.Column('region_code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
        sa.Column('listed_code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.ForeignKeyConstraint(['region_code'], ['region.code']),
        sa.PrimaryKeyConstraint('id'),
        sa.UniqueConstraint('item_code', 'region_code'),
    )
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.add_column(
            sa.Column(
                'org_code',
                sqlmodel.sql.sqltypes.AutoString(length=18),
                nullable=False,
                server_default='',
            )
        )
    with op.batch_alter_table('project', schema=None) as batch_op:
        for name, default in (
            ('approval_type', '3'),
            ('construction_nature', '1'),
            ('engineering_category', '1'),
            ('land_acquisition', '3'),
        ):
            batch_op.add_column(
                sa.Column(name, sa.Integer(), nullable=False, server_default=default)
            )
        batch_op.add_column(
            sa.Column(
                'regional_assessment', sa.Boolean(), nullable=False, server_default=sa.false()
            )
        )
        batch_op.add_column(
            sa.Column(
                'industry_code',
                sqlmodel.sql.sqltypes.AutoString(length=5),
                nullable=False,
                server_default='E4790',
            )
        )
        batch_op.add_column(
            sa.Column(
                'scale',
                sqlmodel.sql.sqltypes.AutoString(length=500),
                nullable=False,
                server_default='',
            )
        )
    # government-invested process types (1, 2) were approved (审批), the rest filed (备案)
    op.execute('UPDATE project SET approval_type = 1 WHERE process_type IN (1, 2)')


def downgrade() -> None:
    with op.batch_alter_table('project', schema=None) as batch_op:
        for name in (
            'scale',
            'industry_code',
            'regional_assessment',
            'land_acquisition',
            'engineering_category',
            'construction_nature',
            'approval_type',
        ):
            batch_op.drop_column(name)
    with op.batch_alter_table('department', schema=None) as batch_op:
        batch_op.drop_column('org_code')
    op.drop_table('itemcode')
    with op.batch_alter_table('spglversion', schema=None) as batch_op:
        batch_op.drop_index('ix_spglversion_table_key')
        batch_op.drop_index('ix_spglversion_table_anchor')
        batch_op.drop_index('ix_spglversion_state_table_lsh')
    op.drop_table('spglversion')
    op.drop_table('spglsequence')
