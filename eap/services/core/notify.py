"""Notifications (消息通知): the applicant's inbox and SMS through a pluggable gateway.

Messages are written in the same transaction as the decision (a transactional outbox); SMS are
delivered after commit by :func:`deliver_sms`, so a slow gateway never holds a case lock and a
rolled-back decision sends nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Protocol

import httpx
from sqlalchemy import bindparam, insert, literal, update
from sqlmodel import Session, col, select

from eap.config import get_settings
from eap.db import rowcount
from eap.i18n import t
from eap.models import Company, Notification, SmsOutbox, User
from eap.models.common import table_of, utcnow


class ProjectContact(Protocol):
    """What a notification reads of a project (a row or a plain facts record alike)."""

    @property
    def id(self) -> int | None: ...
    @property
    def name(self) -> str: ...
    @property
    def company_id(self) -> int: ...


MAX_ATTEMPTS = 5


_INSERT_NOTE = insert(table_of(Notification))
_T_COMPANY = table_of(Company)
_T_SMS = table_of(SmsOutbox)
# The SMS goes to the company's contact phone, if it has one: read and written in one statement.
_INSERT_SMS_TO_COMPANY = _T_SMS.insert().from_select(
    ["phone", "text", "status", "attempts", "created_at", "error"],
    select(
        _T_COMPANY.c.contact_phone,
        bindparam("text", type_=_T_SMS.c.text.type),
        literal("pending", type_=_T_SMS.c.status.type),
        literal(0, type_=_T_SMS.c.attempts.type),
        bindparam("created_at", type_=_T_SMS.c.created_at.type),
        literal("", type_=_T_SMS.c.error.type),
    ).where(
        _T_COMPANY.c.id == bindparam("company_id"),
        _T_COMPANY.c.contact_phone.is_not(None),
        _T_COMPANY.c.contact_phone != "",
    ),
)


def notify_applicant(
    session: Session,
    *,
    project: ProjectContact,
    key: str,
    now: dt.datetime,
    stage_case_id: int | None = None,
    item_case_id: int | None = None,
    **params: Any,
) -> None:
    """Tell the project's company: an inbox message, and an SMS to its contact phone.

    Append-only rows, written with prebuilt statements in the caller's transaction.
    """
    params = {"project": project.name, **params}
    conn = session.connection()
    conn.execute(
        _INSERT_NOTE,
        {
            "user_id": None,
            "company_id": project.company_id,
            "key": key,
            "params": params,
            "stage_case_id": stage_case_id,
            "item_case_id": item_case_id,
            "created_at": now,
            "read_at": None,
        },
    )
    conn.execute(
        _INSERT_SMS_TO_COMPANY,
        {
            "company_id": project.company_id,
            "text": t(key, "zh", **params)[:500],
            "created_at": now,
        },
    )


def notify_user(
    session: Session, *, user_id: int, key: str, now: dt.datetime, **params: Any
) -> Notification:
    note = Notification(user_id=user_id, key=key, params=params, created_at=now)
    session.add(note)
    user = session.get(User, user_id)
    if user and user.phone:
        session.add(SmsOutbox(phone=user.phone, text=t(key, "zh", **params)[:500], created_at=now))
    return note


def deliver_sms(
    session: Session,
    *,
    gateway_url: str | None = None,
    limit: int = 100,
    client: httpx.Client | None = None,
    ids: list[int] | None = None,
) -> dict[str, int]:
    """Send pending SMS. Without a gateway URL they are recorded as delivered locally.

    Each row is claimed with a guarded UPDATE so several workers never send one message twice.
    Commits per message: a message the gateway took is never sent again.
    """
    url = gateway_url if gateway_url is not None else get_settings().sms_gateway_url
    counts = {"sent": 0, "failed": 0}
    query = select(col(SmsOutbox.id)).where(col(SmsOutbox.status) == "pending")
    if ids is not None:  # just these (e.g. a verification code the user is waiting for)
        query = query.where(col(SmsOutbox.id).in_(ids))
    ids = [i for i in session.exec(query.order_by(col(SmsOutbox.id)).limit(limit)) if i]
    own_client = client is None and url is not None
    http = client or (httpx.Client(timeout=5) if url else None)
    try:
        for sms_id in ids:
            claimed = session.execute(
                update(SmsOutbox)
                .where(col(SmsOutbox.id) == sms_id, col(SmsOutbox.status) == "pending")
                .values(status="sending", attempts=SmsOutbox.attempts + 1)
            )
            session.commit()
            if rowcount(claimed) != 1:
                continue
            sms = session.get(SmsOutbox, sms_id)
            assert sms is not None
            session.refresh(sms)
            try:
                if http is not None and url:
                    resp = http.post(url, json={"id": sms.id, "phone": sms.phone, "text": sms.text})
                    resp.raise_for_status()
                sms.status, sms.sent_at, sms.error = "sent", utcnow(), ""
                counts["sent"] += 1
            except httpx.HTTPError as exc:
                sms.status = "failed" if sms.attempts >= MAX_ATTEMPTS else "pending"
                sms.error = str(exc)[:200]
                counts["failed"] += 1
            session.add(sms)
            session.commit()
    finally:
        if own_client and http is not None:
            http.close()
    return counts
