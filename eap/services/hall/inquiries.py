"""Consultations (咨询) and complaints (投诉): the applicant asks about an item or complains
about a case; it is routed to the department that owns it, which replies in a thread."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, func, select

from eap.errors import DomainError, PermissionDenied
from eap.i18n import t
from eap.models import (
    Company,
    Department,
    Inquiry,
    InquiryMessage,
    Item,
    ItemCase,
    Notification,
    Project,
    SmsOutbox,
    User,
)
from eap.models.common import utcnow
from eap.services.core.audit import record
from eap.services.core.authz import city_of
from eap.services.core.clock import CHINA_TZ as CHINA
from eap.services.core.principal import Principal
from eap.services.hall.rows import CaseChoice, InquiryRow, ThreadMessage

KINDS = ("consult", "complaint")
STATUSES = ("open", "answered", "closed")


def _body(body: str) -> str:
    body = body.strip()
    if not body:
        raise DomainError("inquiry.body_required", field="body")
    if len(body) > 2000:
        raise DomainError("inquiry.body_too_long", field="body")
    return body


def ask(
    session: Session,
    *,
    principal: Principal,
    kind: str,
    subject: str,
    body: str,
    item_code: str = "",
    item_case_id: int | None = None,
    now: dt.datetime | None = None,
) -> Inquiry:
    """Route a consultation to the item's department in the company's city, a complaint to
    the department handling the case."""
    now = now or utcnow()
    if principal.role not in ("applicant", "agent") or principal.company_id is None:
        raise PermissionDenied()
    if kind not in KINDS:
        raise DomainError("inquiry.kind", field="kind")
    if not subject.strip():
        raise DomainError("inquiry.subject_required", field="subject")
    text = _body(body)
    item_id: int | None = None
    if kind == "complaint":
        case = session.get(ItemCase, item_case_id) if item_case_id else None
        project = session.get(Project, case.project_id) if case else None
        if case is None or project is None or project.company_id != principal.company_id:
            raise DomainError("inquiry.case_required", field="item_case_id")
        department_id, item_id = case.department_id, case.item_id
    else:
        item = session.exec(select(Item).where(Item.code == item_code.strip())).first()
        if item is None:
            raise DomainError("inquiry.item_required", field="item_code")
        company = session.get(Company, principal.company_id)
        assert company is not None
        city = city_of(session, company.region_code)
        dept = session.exec(
            select(Department).where(
                Department.region_code == city,
                Department.kind == item.dept_kind,
                col(Department.active).is_(True),
            )
        ).first()
        if dept is None:
            raise DomainError("inquiry.no_department")
        department_id, item_id = dept.id or 0, item.id
    inquiry = Inquiry(
        kind=kind,
        company_id=principal.company_id,
        user_id=principal.user_id,
        department_id=department_id,
        item_id=item_id,
        item_case_id=item_case_id if kind == "complaint" else None,
        subject=subject.strip()[:200],
        created_at=now,
        updated_at=now,
    )
    session.add(inquiry)
    session.flush()
    session.add(
        InquiryMessage(inquiry_id=inquiry.id or 0, author_id=principal.user_id, body=text, at=now)
    )
    record(
        session,
        actor_id=principal.user_id,
        action=f"inquiry.{kind}",
        entity="inquiry",
        entity_id=inquiry.id or "",
        detail={"department": department_id},
    )
    session.flush()
    return inquiry


def _load(session: Session, principal: Principal, inquiry_id: int) -> Inquiry:
    inquiry = session.get(Inquiry, inquiry_id)
    if inquiry is None or not _may_see(principal, inquiry):
        raise PermissionDenied("error.not_found")
    return inquiry


def _may_see(principal: Principal, inquiry: Inquiry) -> bool:
    if principal.role in ("applicant", "agent"):
        return principal.company_id == inquiry.company_id
    return principal.role in ("approver", "window") and (
        principal.department_id == inquiry.department_id
    )


def reply(
    session: Session,
    *,
    principal: Principal,
    inquiry_id: int,
    body: str,
    now: dt.datetime | None = None,
) -> InquiryMessage:
    """Add to the thread. A department reply marks it answered and tells the applicant (inbox
    and SMS); an applicant's follow-up reopens it."""
    now = now or utcnow()
    inquiry = _load(session, principal, inquiry_id)
    if inquiry.status == "closed":
        raise DomainError("inquiry.closed")
    text = _body(body)
    staff = principal.role in ("approver", "window")
    message = InquiryMessage(
        inquiry_id=inquiry_id, author_id=principal.user_id, from_staff=staff, body=text, at=now
    )
    session.add(message)
    inquiry.status, inquiry.updated_at = ("answered" if staff else "open"), now
    session.add(inquiry)
    if staff:
        params = {"subject": inquiry.subject}
        session.add(
            Notification(
                company_id=inquiry.company_id,
                key="inquiry.replied",
                params=params,
                created_at=now,
            )
        )
        asker = session.get(User, inquiry.user_id)
        if asker is not None and asker.phone:
            session.add(
                SmsOutbox(
                    phone=asker.phone, text=t("inquiry.replied", "zh", **params), created_at=now
                )
            )
    record(
        session,
        actor_id=principal.user_id,
        action="inquiry.reply",
        entity="inquiry",
        entity_id=inquiry_id,
    )
    session.flush()
    return message


def close(
    session: Session, *, principal: Principal, inquiry_id: int, now: dt.datetime | None = None
) -> Inquiry:
    """The applicant closes the matter once satisfied."""
    inquiry = _load(session, principal, inquiry_id)
    if principal.role not in ("applicant", "agent"):
        raise PermissionDenied()
    inquiry.status, inquiry.updated_at = "closed", now or utcnow()
    session.add(inquiry)
    record(
        session,
        actor_id=principal.user_id,
        action="inquiry.close",
        entity="inquiry",
        entity_id=inquiry_id,
    )
    session.flush()
    return inquiry


def list_inquiries(
    session: Session,
    *,
    principal: Principal,
    status: str = "",
    page: int = 1,
    size: int = 20,
) -> tuple[list[InquiryRow], int]:
    """The applicant's own, or the department's (open first), one page and the total."""
    query = select(Inquiry)
    if principal.role in ("applicant", "agent"):
        if principal.company_id is None:
            return [], 0
        query = query.where(Inquiry.company_id == principal.company_id)
    elif principal.role in ("approver", "window") and principal.department_id is not None:
        query = query.where(Inquiry.department_id == principal.department_id)
    else:
        raise PermissionDenied()
    if status in STATUSES:
        query = query.where(Inquiry.status == status)
    total = session.exec(select(func.count()).select_from(query.subquery())).one()
    rows = session.exec(
        query.order_by(col(Inquiry.updated_at).desc(), col(Inquiry.id).desc())
        .offset((max(page, 1) - 1) * size)
        .limit(size)
    ).all()
    depts = {
        d.id: d.name
        for d in session.exec(
            select(Department).where(col(Department.id).in_({r.department_id for r in rows}))
        )
    }
    return [
        InquiryRow(
            id=r.id or 0,
            kind=r.kind,
            subject=r.subject,
            status=r.status,
            department=depts.get(r.department_id, ""),
            updated=r.updated_at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M"),
        )
        for r in rows
    ], total


def thread(session: Session, *, principal: Principal, inquiry_id: int) -> list[ThreadMessage]:
    _load(session, principal, inquiry_id)
    rows = session.exec(
        select(InquiryMessage, User)
        .join(User, col(User.id) == col(InquiryMessage.author_id))
        .where(InquiryMessage.inquiry_id == inquiry_id)
        .order_by(col(InquiryMessage.at), col(InquiryMessage.id))
    ).all()
    return [
        ThreadMessage(
            author=u.display_name,
            staff=m.from_staff,
            body=m.body,
            at=m.at.astimezone(CHINA).strftime("%Y-%m-%d %H:%M"),
        )
        for m, u in rows
    ]


def complainable_cases(session: Session, *, principal: Principal) -> list[CaseChoice]:
    """The company's item cases, newest first, to choose the one complained about."""
    if principal.company_id is None:
        return []
    rows = session.exec(
        select(ItemCase, Item)
        .join(Item, col(Item.id) == col(ItemCase.item_id))
        .join(Project, col(Project.id) == col(ItemCase.project_id))
        .where(Project.company_id == principal.company_id, col(ItemCase.case_no) != "")
        .order_by(col(ItemCase.id).desc())
        .limit(100)
    ).all()
    return [
        CaseChoice(
            id=c.id or 0, label=f"{c.case_no} {i.name_zh}", label_en=f"{c.case_no} {i.name_en}"
        )
        for c, i in rows
    ]
