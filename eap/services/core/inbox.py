"""The inbox (消息): every notification a user or their company received, newest first."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlalchemy import update
from sqlmodel import Session, col, func, or_, select

from eap.db import rowcount
from eap.i18n import t
from eap.models import Notification
from eap.models.common import utcnow
from eap.services.core.clock import CHINA_TZ
from eap.services.core.principal import Principal


@dataclass(frozen=True)
class Message:
    """A message in a user's inbox (站内消息), in the reader's language."""

    id: int = 0
    text: str = ""
    at: str = ""
    unread: bool = False


def _mine(principal: Principal):
    conds = [col(Notification.user_id) == principal.user_id]
    if principal.company_id is not None and principal.role in ("applicant", "agent"):
        conds.append(col(Notification.company_id) == principal.company_id)
    return or_(*conds)


def unread_count(session: Session, *, principal: Principal) -> int:
    """Unread messages, for the bell in the top bar."""
    return int(
        session.exec(
            select(func.count())
            .select_from(Notification)
            .where(_mine(principal), col(Notification.read_at).is_(None))
        ).one()
    )


def inbox_page(
    session: Session, *, principal: Principal, lang: str, page: int = 1, size: int = 20
) -> tuple[list[Message], int, int]:
    total = int(
        session.exec(select(func.count()).select_from(Notification).where(_mine(principal))).one()
    )
    unread = unread_count(session, principal=principal)
    pages = max(1, math.ceil(total / size))
    rows = session.exec(
        select(Notification)
        .where(_mine(principal))
        .order_by(col(Notification.id).desc())
        .offset((min(max(1, page), pages) - 1) * size)
        .limit(size)
    ).all()
    return (
        [
            Message(
                id=n.id or 0,
                text=t(n.key, lang, **n.params),
                at=n.created_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M"),
                unread=n.read_at is None,
            )
            for n in rows
        ],
        unread,
        pages,
    )


def mark_all_read(session: Session, *, principal: Principal, now: dt.datetime | None = None) -> int:
    res = session.execute(
        update(Notification)
        .where(_mine(principal), col(Notification.read_at).is_(None))
        .values(read_at=now or utcnow())
    )
    return rowcount(res)
