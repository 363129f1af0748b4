"""Which reported rows a transaction wrote (for the national reporting outbox).

The ORM's flushes are noticed by the outbox itself; code that writes with a Core statement
calls ``touch`` beside it. Kept in the kernel so every subsystem can say what it wrote without
depending on the exchange."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from sqlalchemy.orm import Session

KEY = "spgl_touched"


def touched(session: Session) -> dict[type, set[int]]:
    return session.info.setdefault(KEY, defaultdict(set))


def touch(session: Session, model: type, ids: Iterable[int | None]) -> None:
    """Note rows written by a Core statement, to be reported at commit. ``ids`` are the anchor
    ids the outbox names for the model (a history row's item case, a case's own id) or, for a
    model reported through its children (a stage case, a purchase), its own ids."""
    touched(session)[model].update(i for i in ids if i)
