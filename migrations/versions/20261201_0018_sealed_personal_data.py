"""personal data sealed at rest: phone numbers, contact names, ID numbers and SMS texts become
SM4-encrypted text (eap/crypto.py; existing values encrypted here under the current key); a
natural person's ID number moves out of the party code (which keeps a pseudonym); phone codes
keep the phone only as a blind index

Revision ID: 0018
Revises: 0017
Create Date: 2026-12-01 01:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

from eap.crypto import open_sealed, person_key, seal

revision: str = '0018'
down_revision: str | None = '0017'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

SEALED = {
    'company': ('legal_rep', 'contact_phone'),
    'user': ('display_name', 'phone'),
    'projectunit': ('contact', 'phone'),
    'smsoutbox': ('phone', 'text'),
}


def _seal_existing(table: str, columns: tuple[str, ...]) -> None:
    bind = op.get_bind()
    t = sa.table(table, sa.column('id'), *(sa.column(c, sa.Text) for c in columns))
    for row in bind.execute(sa.select(t)).all():
        values = {c: seal(getattr(row, c) or '') for c in columns}
        bind.execute(sa.update(t).where(t.c.id == row.id).values(**values))


def upgrade() -> None:
    for table, columns in SEALED.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(column, type_=sa.Text(), existing_nullable=False)
    with op.batch_alter_table('company') as batch:
        batch.add_column(sa.Column('id_number', sa.Text(), nullable=False, server_default=''))
    for table, columns in SEALED.items():
        _seal_existing(table, columns)
    bind = op.get_bind()
    company = sa.table(
        'company', sa.column('id'), sa.column('kind'), sa.column('uscc'),
        sa.column('id_number', sa.Text),
    )
    for row in bind.execute(sa.select(company).where(company.c.kind == 'person')).all():
        bind.execute(
            sa.update(company)
            .where(company.c.id == row.id)
            .values(uscc=person_key(row.uscc), id_number=seal(row.uscc))
        )
    # Codes live ten minutes and were hashed without a key: the ones pending are dropped
    # (asking again gives a new one) rather than carried over under a weaker hash.
    op.execute('DELETE FROM phonecode')
    with op.batch_alter_table('phonecode') as batch:
        batch.drop_index('ix_phonecode_phone')
        batch.drop_column('phone')
        batch.add_column(sa.Column('phone_index', sa.String(length=64), nullable=False))
        batch.create_index('ix_phonecode_phone_index', ['phone_index'], unique=False)


LENGTHS = {'legal_rep': 40, 'contact_phone': 20, 'display_name': 60, 'phone': 20,
           'contact': 40, 'text': 500}


def downgrade() -> None:
    bind = op.get_bind()
    for table, columns in SEALED.items():
        t = sa.table(table, sa.column('id'), *(sa.column(c, sa.Text) for c in columns))
        for row in bind.execute(sa.select(t)).all():
            clear = {c: open_sealed(getattr(row, c) or '') for c in columns}
            bind.execute(sa.update(t).where(t.c.id == row.id).values(**clear))
    company = sa.table('company', sa.column('id'), sa.column('uscc'), sa.column('id_number', sa.Text))
    for row in bind.execute(sa.select(company).where(company.c.id_number != '')).all():
        bind.execute(
            sa.update(company).where(company.c.id == row.id)
            .values(uscc=open_sealed(row.id_number))
        )
    op.execute('DELETE FROM phonecode')
    with op.batch_alter_table('phonecode') as batch:
        batch.drop_index('ix_phonecode_phone_index')
        batch.drop_column('phone_index')
        batch.add_column(sa.Column('phone', sa.String(length=20), nullable=False))
        batch.create_index('ix_phonecode_phone', ['phone'], unique=False)
    with op.batch_alter_table('company') as batch:
        batch.drop_column('id_number')
    for table, columns in SEALED.items():
        with op.batch_alter_table(table) as batch:
            for column in columns:
                batch.alter_column(
                    column, type_=sa.String(length=LENGTHS[column]), existing_nullable=False
                )
