"""通知公告: administrators publish notices; everyone can read them."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass

from sqlmodel import Session, col, func, select

from eap.errors import DomainError
from eap.models import Notice
from eap.models.common import utcnow
from eap.services.core.audit import record
from eap.services.core.clock import CHINA_TZ
from eap.services.core.principal import Principal


@dataclass(frozen=True)
class NoticeRow:
    """A published notice (通知公告)."""

    id: int = 0
    title: str = ""
    body: str = ""
    excerpt: str = ""
    at: str = ""


def publish_notice(
    session: Session, *, principal: Principal, title: str, body: str, now: dt.datetime | None = None
) -> Notice:
    principal.require_role("admin")
    if not title.strip():
        raise DomainError("notice.title_required", field="title")
    if not body.strip():
        raise DomainError("notice.body_required", field="body")
    notice = Notice(
        title=title.strip()[:200],
        body=body.strip()[:20000],
        published_by=principal.user_id,
        published_at=now or utcnow(),
    )
    session.add(notice)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="notice.publish",
        entity="notice",
        entity_id=notice.id or 0,
    )
    return notice


def withdraw_notice(session: Session, *, principal: Principal, notice_id: int) -> Notice:
    principal.require_role("admin")
    notice = session.get(Notice, notice_id)
    if notice is None:
        raise DomainError("error.not_found")
    notice.active = False
    session.add(notice)
    record(
        session,
        actor_id=principal.user_id,
        action="notice.withdraw",
        entity="notice",
        entity_id=notice_id,
    )
    session.flush()
    return notice


def list_notices(session: Session, *, page: int = 1, size: int = 10) -> tuple[list[NoticeRow], int]:
    base = select(Notice).where(col(Notice.active))
    total = int(session.exec(select(func.count()).select_from(base.subquery())).one())
    pages = max(1, math.ceil(total / size))
    rows = session.exec(
        base.order_by(col(Notice.published_at).desc(), col(Notice.id).desc())
        .offset((min(max(1, page), pages) - 1) * size)
        .limit(size)
    ).all()
    return [
        NoticeRow(
            id=n.id or 0,
            title=n.title,
            body=n.body,
            excerpt=n.body if len(n.body) <= 120 else n.body[:120] + "…",
            at=n.published_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d"),
        )
        for n in rows
    ], pages


def get_notice(session: Session, *, notice_id: int) -> NoticeRow:
    """One published notice for its detail page; withdrawn ones are gone for the public."""
    notice = session.get(Notice, notice_id)
    if notice is None or not notice.active:
        raise DomainError("error.not_found")
    return NoticeRow(
        id=notice.id or 0,
        title=notice.title,
        body=notice.body,
        at=notice.published_at.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M"),
    )
