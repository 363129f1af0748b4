"""好差评 per item case (一事一评 per 办件): an evaluation belongs to an item case and its
department; each stage-level evaluation moves to the item case of the stage's lead department
(who owed its rectification)

Revision ID: 0027
Revises: 0026
Create Date: 2026-12-02 09:00:00
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0027'
down_revision: str | None = '0026'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

# The stage's lead item first, else its first item (plain SQL both databases run).
LEAD_ITEM = """
    SELECT ic.id FROM itemcase ic JOIN stagecase sc ON sc.id = ic.stage_case_id
    WHERE ic.stage_case_id = evaluation.stage_case_id
    ORDER BY CASE WHEN ic.department_id = sc.lead_department_id THEN 0 ELSE 1 END, ic.id
    LIMIT 1
"""


def _drop_stage_unique() -> None:
    # Unnamed on SQLite; a naming convention lets batch mode find it (as in 0012).
    old = next(
        u
        for u in sa.inspect(op.get_bind()).get_unique_constraints('evaluation')
        if u['column_names'] == ['stage_case_id']
    )
    if op.get_bind().dialect.name == 'sqlite':
        with op.batch_alter_table(
            'evaluation',
            recreate='always',
            naming_convention={'uq': 'uq_%(table_name)s_%(column_0_name)s'},
        ) as batch:
            batch.drop_constraint(old['name'] or 'uq_evaluation_stage_case_id', type_='unique')
    else:
        op.drop_constraint(old['name'], 'evaluation', type_='unique')


def upgrade() -> None:
    _drop_stage_unique()
    with op.batch_alter_table('evaluation') as batch:
        batch.add_column(sa.Column('item_case_id', sa.Integer(), nullable=True))
        batch.add_column(sa.Column('department_id', sa.Integer(), nullable=True))
    op.execute(sa.text(f'UPDATE evaluation SET item_case_id = ({LEAD_ITEM})'))
    op.execute(
        sa.text(
            'UPDATE evaluation SET department_id = '
            '(SELECT ic.department_id FROM itemcase ic WHERE ic.id = evaluation.item_case_id)'
        )
    )
    # A stage case always has item cases; an evaluation that found none cannot be attributed.
    op.execute(sa.text('DELETE FROM evaluation WHERE item_case_id IS NULL'))
    with op.batch_alter_table('evaluation') as batch:
        batch.alter_column('item_case_id', existing_type=sa.Integer(), nullable=False)
        batch.alter_column('department_id', existing_type=sa.Integer(), nullable=False)
        batch.create_foreign_key('fk_evaluation_item_case_id', 'itemcase', ['item_case_id'], ['id'])
        batch.create_foreign_key(
            'fk_evaluation_department_id', 'department', ['department_id'], ['id']
        )
        batch.create_index('uq_evaluation_item_case', ['item_case_id'], unique=True)
        batch.create_index('ix_evaluation_stage_case_id', ['stage_case_id'], unique=False)
        batch.create_index('ix_evaluation_department_id', ['department_id'], unique=False)


def downgrade() -> None:
    # The older schema holds one evaluation per stage case: the first given stays.
    op.execute(
        sa.text(
            'DELETE FROM evaluation WHERE EXISTS (SELECT 1 FROM evaluation o '
            'WHERE o.stage_case_id = evaluation.stage_case_id AND o.id < evaluation.id)'
        )
    )
    with op.batch_alter_table('evaluation') as batch:
        batch.drop_index('ix_evaluation_department_id')
        batch.drop_index('ix_evaluation_stage_case_id')
        batch.drop_index('uq_evaluation_item_case')
        batch.drop_constraint('fk_evaluation_department_id', type_='foreignkey')
        batch.drop_constraint('fk_evaluation_item_case_id', type_='foreignkey')
        batch.drop_column('department_id')
        batch.drop_column('item_case_id')
        batch.create_unique_constraint('evaluation_stage_case_id_key', ['stage_case_id'])
