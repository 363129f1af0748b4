"""security (等保 level 3): the sign-in handoff, the audit trail's source address, terminal and
hash chain (existing entries sealed in id order), and on PostgreSQL a trigger that keeps the
audit table append-only

Revision ID: 0017
Revises: 0016
Create Date: 2026-12-01 00:40:00
"""

import datetime as dt
import json
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from cryptography.hazmat.primitives import hashes

revision: str = '0017'
down_revision: str | None = '0016'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

GENESIS = '0' * 64

TRIGGER = """
CREATE OR REPLACE FUNCTION auditlog_append_only() RETURNS trigger AS $$
BEGIN
  IF TG_OP = 'DELETE' THEN
    -- only the retention purge (python -m eap audit purge) may remove entries
    IF current_setting('eap.audit_purge', true) = 'on' THEN RETURN OLD; END IF;
    RAISE EXCEPTION 'auditlog is append-only';
  END IF;
  -- an entry not yet sealed belongs to the transaction writing it (sealing happens at its
  -- commit); a sealed one never changes (an unsealed one left over is flagged by verify)
  IF OLD.hash IS NULL THEN
    RETURN NEW;
  END IF;
  RAISE EXCEPTION 'auditlog is append-only';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER auditlog_append_only BEFORE UPDATE OR DELETE ON auditlog
  FOR EACH ROW EXECUTE FUNCTION auditlog_append_only();
CREATE OR REPLACE FUNCTION auditlog_no_truncate() RETURNS trigger AS $$
BEGIN
  RAISE EXCEPTION 'auditlog is append-only';
END $$ LANGUAGE plpgsql;
CREATE TRIGGER auditlog_no_truncate BEFORE TRUNCATE ON auditlog
  FOR EACH STATEMENT EXECUTE FUNCTION auditlog_no_truncate();
"""


def _sm3(text: str) -> str:
    digest = hashes.Hash(hashes.SM3())
    digest.update(text.encode())
    return digest.finalize().hex()


def _stamp(value: dt.datetime) -> str:
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat(timespec='microseconds')


def upgrade() -> None:
    op.create_table(
        'loginhandoff',
        sa.Column('code_hash', sa.String(length=64), nullable=False),
        sa.Column('user_id', sa.Integer(), nullable=False),
        sa.Column('created_at', sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(['user_id'], ['user.id']),
        sa.PrimaryKeyConstraint('code_hash'),
    )
    op.create_index('ix_loginhandoff_user_id', 'loginhandoff', ['user_id'])
    chain = op.create_table(
        'auditchain',
        sa.Column('id', sa.Integer(), nullable=False),
        sa.Column('seq', sa.Integer(), nullable=False),
        sa.Column('last_hash', sa.String(length=64), nullable=False),
        sa.Column('base_seq', sa.Integer(), nullable=False),
        sa.Column('base_hash', sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint('id'),
    )
    with op.batch_alter_table('auditlog') as batch:
        batch.add_column(sa.Column('ip', sa.String(length=45), nullable=False, server_default=''))
        batch.add_column(
            sa.Column('user_agent', sa.String(length=200), nullable=False, server_default='')
        )
        batch.add_column(sa.Column('seq', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('prev_hash', sa.String(length=64), nullable=True))
        batch.add_column(sa.Column('hash', sa.String(length=64), nullable=True))
        batch.create_unique_constraint('uq_auditlog_seq', ['seq'])
    # Seal what is already there, oldest first (the same hashing as services/core/audit,
    # frozen here as it was at this revision).
    bind = op.get_bind()
    log = sa.table(
        'auditlog',
        sa.column('id'),
        sa.column('at', sa.DateTime),
        *(sa.column(c) for c in ('actor_id', 'action', 'entity', 'entity_id')),
        sa.column('detail', sa.JSON),
        *(sa.column(c) for c in ('ip', 'user_agent', 'seq', 'prev_hash', 'hash')),
    )
    seq, prev = 0, GENESIS
    rows = bind.execute(sa.select(log).order_by(log.c.id)).all()
    for row in rows:
        seq += 1
        content = [
            seq, prev, _stamp(row.at), row.actor_id, row.action, row.entity, row.entity_id,
            row.detail or {}, row.ip, row.user_agent,
        ]
        digest = _sm3(json.dumps(content, sort_keys=True, ensure_ascii=False, default=str))
        bind.execute(
            sa.update(log).where(log.c.id == row.id).values(seq=seq, prev_hash=prev, hash=digest)
        )
        prev = digest
    op.bulk_insert(
        chain,
        [{'id': 1, 'seq': seq, 'last_hash': prev, 'base_seq': 0, 'base_hash': GENESIS}],
    )
    if bind.dialect.name == 'postgresql':
        op.execute(TRIGGER)


def downgrade() -> None:
    if op.get_bind().dialect.name == 'postgresql':
        op.execute('DROP TRIGGER IF EXISTS auditlog_no_truncate ON auditlog')
        op.execute('DROP TRIGGER IF EXISTS auditlog_append_only ON auditlog')
        op.execute('DROP FUNCTION IF EXISTS auditlog_no_truncate()')
        op.execute('DROP FUNCTION IF EXISTS auditlog_append_only()')
    with op.batch_alter_table('auditlog') as batch:
        batch.drop_constraint('uq_auditlog_seq', type_='unique')
        for name in ('hash', 'prev_hash', 'seq', 'user_agent', 'ip'):
            batch.drop_column(name)
    op.drop_table('auditchain')
    op.drop_index('ix_loginhandoff_user_id', table_name='loginhandoff')
    op.drop_table('loginhandoff')
