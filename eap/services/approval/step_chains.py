"""Which steps (经办 → 审核 → 签发) an item goes through inside its department: read by
handling (may the handler decide alone?) and by steps (whose turn is it?)."""

from __future__ import annotations

from sqlalchemy import bindparam
from sqlmodel import Session, select

from eap.db import reading
from eap.models import ItemCase, StepChain
from eap.models.common import table_of

STEP_NAMES = ("handle", "review", "sign")
DEFAULT_CHAIN = ["handle"]


_T_CHAIN = table_of(StepChain)
_CHAINS = select(_T_CHAIN.c.item_id, _T_CHAIN.c.steps).where(
    _T_CHAIN.c.department_id == bindparam("department_id"),
    (_T_CHAIN.c.item_id == bindparam("item_id")) | _T_CHAIN.c.item_id.is_(None),
)


def chain_for(session: Session, *, case: ItemCase) -> list[str]:
    """The department's steps for this item: its own chain, else the department's, else 承办."""
    rows = (
        reading(session)
        .execute(_CHAINS, {"department_id": case.department_id, "item_id": case.item_id})
        .all()
    )
    specific = [r for r in rows if r.item_id == case.item_id]
    chosen = specific or [r for r in rows if r.item_id is None]
    return list(chosen[0].steps) if chosen else list(DEFAULT_CHAIN)
