"""Read models for the approver workbench (审批工作台): the window's intake queue, a
department's inbox, and case views. Everything is scoped by region and department here."""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import asdict, dataclass, replace
from typing import Generic, TypeVar

from sqlmodel import Session, col, func, or_, select

from eap.errors import DomainError, PermissionDenied
from eap.models import (
    CaseEvent,
    Company,
    Department,
    Item,
    ItemCase,
    ItemMaterial,
    Material,
    Project,
    StageCase,
    StageDef,
    StageMaterial,
    StoredFile,
    SupplementNotice,
)
from eap.models.cases import ACTIVE, TERMINAL, Blzt
from eap.services.approval import case_clock, generation
from eap.services.approval.rows import (
    BadGradeRow,
    DeliveryRow,
    HistoryRow,
    InboxRow,
    ItemRow,
    LeadStageRow,
    MaterialRow,
    NoticeRow,
    OpenItem,
    PostCheckRow,
    QueueRow,
    StageHeader,
    StageView,
)
from eap.services.approval.step_chains import chain_for
from eap.services.core.authz import can_view_stage_case
from eap.services.core.clock import CHINA_TZ, WorkCalendar, local_date, now_or
from eap.services.core.personal import party_card
from eap.services.core.principal import Principal
from eap.services.exchange.adapters.credit import enabled as credit_enabled

R = TypeVar("R")
QUEUE_STATES = ("submitted", "received", "supplement")
INBOX_STATES = [
    Blzt.ACCEPTED,
    Blzt.HANDLING,
    Blzt.SUPPLEMENT_REQUESTED,
    Blzt.SUPPLEMENT_SUPPLIED,
    Blzt.SPECIAL_START,
    Blzt.SPECIAL_END,
]


def _ts(value: dt.datetime | None) -> str:
    return value.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M") if value else ""


@dataclass(frozen=True)
class Page(Generic[R]):
    rows: list[R]
    page: int
    pages: int
    total: int


def window_queue(
    session: Session, *, principal: Principal, page: int = 1, size: int = 20
) -> Page[QueueRow]:
    """The window's queue: applications waiting, received, or back from a supplement."""
    if principal.role != "window" or not principal.region_code:
        raise PermissionDenied()
    base = (
        select(StageCase, Project.name, Project.project_code)
        .join(Project, col(Project.id) == col(StageCase.project_id))
        .where(
            StageCase.window_region_code == principal.region_code,
            col(StageCase.status).in_(QUEUE_STATES),
        )
    )
    total = int(session.exec(select(func.count()).select_from(base.subquery())).one())
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    rows = session.exec(
        base.order_by(col(StageCase.submitted_at), col(StageCase.id))
        .offset((page - 1) * size)
        .limit(size)
    ).all()
    answered = set(
        session.exec(
            select(SupplementNotice.stage_case_id).where(
                col(SupplementNotice.stage_case_id).in_([sc.id for sc, *_ in rows]),
                col(SupplementNotice.answered_at).is_not(None),
                col(SupplementNotice.item_case_id).is_(None),
            )
        )
    )
    return Page(
        [
            QueueRow(
                id=sc.id or 0,
                case_no=sc.case_no,
                project=name,
                project_code=code,
                stage=sc.stage_code,
                status=sc.status,
                returned=sc.id in answered and sc.status == "received",
                submitted=_ts(sc.submitted_at),
            )
            for sc, name, code in rows
        ],
        page,
        pages,
        total,
    )


def department_inbox(
    session: Session,
    *,
    principal: Principal,
    stage: int | None = None,
    process_type: int | None = None,
    status: int | None = None,
    text: str = "",
    page: int = 1,
    size: int = 20,
    now: dt.datetime | None = None,
) -> Page[InboxRow]:
    """The department's item cases in hand, earliest deadline first, with each clock's state."""
    if principal.role != "approver" or principal.department_id is None:
        raise PermissionDenied()
    now = now_or(now)
    cal = WorkCalendar.load(session)
    base = (
        select(ItemCase, StageCase.stage_code, Project.name, Project.process_type, Item)
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .join(Project, col(Project.id) == col(ItemCase.project_id))
        .join(Item, col(Item.id) == col(ItemCase.item_id))
        .where(
            ItemCase.department_id == principal.department_id,
            col(ItemCase.status).in_(INBOX_STATES),
        )
    )
    if stage:
        base = base.where(StageCase.stage_code == stage)
    if process_type:
        base = base.where(Project.process_type == process_type)
    if status:
        base = base.where(ItemCase.status == status)
    if text.strip():
        like = f"%{text.strip()}%"
        base = base.where(
            or_(
                col(ItemCase.case_no).like(like),
                col(Project.name).like(like),
                col(Item.name_zh).like(like),
            )
        )
    total = int(session.exec(select(func.count()).select_from(base.subquery())).one())
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    rows = session.exec(
        base.order_by(col(ItemCase.due_date).is_(None), col(ItemCase.due_date), col(ItemCase.id))
        .offset((page - 1) * size)
        .limit(size)
    ).all()
    out = []
    for case, stage_code, pname, ptype, item in rows:
        view = case_clock.clock_view(case, now=now, cal=cal)
        out.append(
            InboxRow(
                id=case.id or 0,
                case_no=case.case_no,
                project=pname,
                item_zh=item.name_zh,
                item_en=item.name_en,
                stage=stage_code,
                ptype=ptype,
                status=case.status,
                due=view.due_date.isoformat() if view.due_date else "",
                left=view.left,
                clock=view.state,
                waiting=case.waiting_on,
            )
        )
    return Page(out, page, pages, total)


def _materials(session: Session, stage_case_id: int) -> list[MaterialRow]:
    rows = session.exec(
        select(StageMaterial, Material, StoredFile)
        .join(Material, col(Material.id) == col(StageMaterial.material_id))
        .join(StoredFile, col(StoredFile.id) == col(StageMaterial.file_id), isouter=True)
        .where(StageMaterial.stage_case_id == stage_case_id)
        .order_by(col(Material.code))
    ).all()
    keys = {
        m: k
        for m, k in session.exec(
            select(ItemMaterial.material_id, ItemMaterial.is_key)
            .join(ItemCase, col(ItemCase.item_id) == col(ItemMaterial.item_id))
            .where(ItemCase.stage_case_id == stage_case_id, col(ItemMaterial.is_key))
        )
    }
    return [
        MaterialRow(
            code=mat.code,
            name_zh=mat.name_zh,
            name_en=mat.name_en,
            key=sm.material_id in keys,
            source=sm.source,
            file_id=sm.file_id,
            filename=f.filename if f else "",
            size=f.size if f else None,
            owed=sm.owed_until.isoformat() if sm.owed and sm.owed_until else "",
            present=bool(sm.file_id or sm.certificate_id or sm.source == "assessment"),
        )
        for sm, mat, f in rows
    ]


def stage_case_view(
    session: Session, *, principal: Principal, stage_case_id: int, now: dt.datetime | None = None
) -> StageView:
    """The whole application: project, answers, materials side by side with the checklist,
    every item with its department and clock, notices."""
    now = now_or(now)
    sc = session.get(StageCase, stage_case_id)
    project = session.get(Project, sc.project_id) if sc else None
    if sc is None or project is None or not can_view_stage_case(session, principal, sc, project):
        raise PermissionDenied("error.not_found")
    company = session.get(Company, project.company_id)
    party = party_card(company)
    cal = WorkCalendar.load(session)
    stage = session.get(StageDef, sc.stage_code)
    items = []
    for case, item, dept in session.exec(
        select(ItemCase, Item, Department)
        .join(Item, col(Item.id) == col(ItemCase.item_id))
        .join(Department, col(Department.id) == col(ItemCase.department_id))
        .where(ItemCase.stage_case_id == stage_case_id)
        .order_by(col(ItemCase.id))
    ):
        view = case_clock.clock_view(case, now=now, cal=cal)
        items.append(
            ItemRow(
                id=case.id or 0,
                case_no=case.case_no,
                item_zh=item.name_zh,
                item_en=item.name_en,
                department=dept.name,
                status=case.status,
                active=case.status in ACTIVE,
                finished=case.status in TERMINAL,
                paused=case.paused_since is not None,
                clock=view.state,
                due=view.due_date.isoformat() if view.due_date else "",
                used_days=view.used,
                paused_days=view.paused,
                left=view.left,
                waiting=case.waiting_on,
                blocked=case.blocked_reason,
            )
        )
    notices = [
        NoticeRow(
            id=n.id or 0,
            issued=_ts(n.issued_at),
            answered=_ts(n.answered_at),
            materials=", ".join(m["code"] + " " + m["name_zh"] for m in n.materials),
            remarks=n.remarks,
        )
        for n in session.exec(
            select(SupplementNotice)
            .where(SupplementNotice.stage_case_id == stage_case_id)
            .order_by(col(SupplementNotice.id))
        )
    ]
    return StageView(
        case=StageHeader(
            id=sc.id or 0,
            case_no=sc.case_no,
            status=sc.status,
            stage=sc.stage_code,
            stage_zh=stage.name_zh if stage else "",
            stage_en=stage.name_en if stage else "",
            submitted=_ts(sc.submitted_at),
            accepted=_ts(sc.accepted_at),
            due=sc.due_date.isoformat() if sc.due_date else "",
            lead_department_id=sc.lead_department_id,
            project=project.name,
            project_code=project.project_code,
            location=project.location,
            investment=project.total_investment,
            floor_area=project.floor_area,
            ptype=project.process_type,
            applicant=party.name,
            contact=party.contact,
            phone=party.phone,
            id_number=party.id_number,
            credit=company.credit_status if company else 0,
            credit_checked=credit_enabled(),
            code_check=project.source_state,
        ),
        materials=_materials(session, stage_case_id),
        item_cases=items,
        notices=notices,
        conditions=generation.conditions_for(session, project_id=project.id or 0)
        if sc.stage_code == 1
        else [],
    )


def item_case_view(
    session: Session, *, principal: Principal, item_case_id: int, now: dt.datetime | None = None
) -> StageView:
    """One item case for its department: the application around it and its whole history."""
    case = session.get(ItemCase, item_case_id)
    if case is None:
        raise DomainError("error.not_found")
    if principal.role == "approver" and principal.department_id != case.department_id:
        sc = session.get(StageCase, case.stage_case_id)
        if sc is None or sc.lead_department_id != principal.department_id:
            raise PermissionDenied("error.not_found")
    view = stage_case_view(session, principal=principal, stage_case_id=case.stage_case_id, now=now)
    item = session.get(Item, case.item_id)
    row = next(i for i in view.item_cases if i.id == case.id)
    chain = chain_for(session, case=case)
    history = case_history(session, item_case_id=item_case_id)
    open_item = OpenItem(
        **asdict(row),
        promise_allowed=bool(item and item.promise_allowed),
        limit=case.limit_days,
        chain_len=len(chain),
        step_name=chain[min(case.step, len(chain) - 1)],
        proposal=case.proposal.get("outcome", "") if case.proposal else "",
    )
    return replace(view, item=open_item, history=history)


def case_history(session: Session, *, item_case_id: int) -> list[HistoryRow]:
    """An item case's immutable history (办理过程), oldest first."""
    return [
        HistoryRow(
            at=_ts(e.at),
            status=e.status,
            action=e.action,
            office=e.office,
            handler=e.handler_name,
            opinion=e.opinion,
        )
        for e in session.exec(
            select(CaseEvent)
            .where(CaseEvent.item_case_id == item_case_id)
            .order_by(col(CaseEvent.id))
        )
    ]


def awaiting_delivery(
    session: Session, *, principal: Principal, page: int = 1, size: int = 10
) -> Page[DeliveryRow]:
    """Closed stage cases of the window's region whose results are not yet handed over (出件),
    newest first, with project and company names."""
    if principal.role != "window" or not principal.region_code:
        raise PermissionDenied()
    delivered = select(CaseEvent.stage_case_id).where(CaseEvent.action == "deliver")
    base = (
        select(StageCase, Project.name, Company.name)
        .join(Project, col(Project.id) == col(StageCase.project_id))
        .join(Company, col(Company.id) == col(Project.company_id))
        .where(
            StageCase.window_region_code == principal.region_code,
            StageCase.status == "closed",
            col(StageCase.id).not_in(delivered),
        )
    )
    total = int(session.exec(select(func.count()).select_from(base.subquery())).one())
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    rows = session.exec(
        base.order_by(col(StageCase.closed_at).desc(), col(StageCase.id).desc())
        .offset((page - 1) * size)
        .limit(size)
    ).all()
    return Page(
        [
            DeliveryRow(
                id=sc.id or 0,
                case_no=sc.case_no,
                stage=sc.stage_code,
                project=pname,
                company=cname,
                closed=_ts(sc.closed_at),
            )
            for sc, pname, cname in rows
        ],
        page,
        pages,
        total,
    )


def lead_stage_cases(
    session: Session, *, principal: Principal, page: int = 1, size: int = 20
) -> Page[LeadStageRow]:
    """Stage cases this department leads that are still open, with how many items are done."""
    if principal.role not in ("approver", "window") or principal.department_id is None:
        raise PermissionDenied()
    base = (
        select(StageCase, Project.name)
        .join(Project, col(Project.id) == col(StageCase.project_id))
        .where(
            StageCase.lead_department_id == principal.department_id, StageCase.status == "accepted"
        )
    )
    total = int(session.exec(select(func.count()).select_from(base.subquery())).one())
    pages = max(1, math.ceil(total / size))
    page = min(max(1, page), pages)
    open_items = (
        select(func.count())
        .select_from(ItemCase)
        .where(
            col(ItemCase.stage_case_id) == col(StageCase.id),
            col(ItemCase.status).not_in(list(TERMINAL)),
        )
        .scalar_subquery()
    )
    # Stages ready to close come first, then by deadline.
    rows = session.exec(
        base.order_by(open_items > 0, col(StageCase.due_date), col(StageCase.id))
        .offset((page - 1) * size)
        .limit(size)
    ).all()
    counts: dict[int, tuple[int, int]] = {}
    ids = [sc.id for sc, _ in rows]
    for sid, status in session.exec(
        select(ItemCase.stage_case_id, ItemCase.status).where(col(ItemCase.stage_case_id).in_(ids))
    ):
        done, total_items = counts.get(sid, (0, 0))
        counts[sid] = (done + int(status in TERMINAL), total_items + 1)
    return Page(
        [
            LeadStageRow(
                id=sc.id or 0,
                case_no=sc.case_no,
                project=name,
                stage=sc.stage_code,
                due=sc.due_date.isoformat() if sc.due_date else "",
                paused=sc.paused_since is not None,
                done=counts.get(sc.id or 0, (0, 0))[0],
                total_items=counts.get(sc.id or 0, (0, 0))[1],
            )
            for sc, name in rows
        ],
        page,
        pages,
        total,
    )


def post_check_tasks(
    session: Session, *, principal: Principal, status: str = "open", limit: int = 100
) -> list[PostCheckRow]:
    """告知承诺 post-check tasks of the principal's department, earliest due first."""
    from eap.models import PostCheckTask

    if principal.role != "approver" or principal.department_id is None:
        raise PermissionDenied()
    rows = session.exec(
        select(PostCheckTask, ItemCase.case_no, Item.name_zh, Item.name_en, Project.name)
        .join(ItemCase, col(ItemCase.id) == col(PostCheckTask.item_case_id))
        .join(Item, col(Item.id) == col(ItemCase.item_id))
        .join(Project, col(Project.id) == col(ItemCase.project_id))
        .where(
            PostCheckTask.department_id == principal.department_id, PostCheckTask.status == status
        )
        .order_by(col(PostCheckTask.due_date), col(PostCheckTask.id))
        .limit(limit)
    ).all()
    return [
        PostCheckRow(
            id=t.id or 0,
            item_case_id=t.item_case_id,
            case_no=case_no,
            item_zh=zh,
            item_en=en,
            project=pname,
            due=t.due_date.isoformat(),
            status=t.status,
            note=t.note,
        )
        for t, case_no, zh, en, pname in rows
    ]


def bad_grades(
    session: Session, *, principal: Principal, now: dt.datetime | None = None, limit: int = 50
) -> list[BadGradeRow]:
    """差评 on this department's item cases that still await rectification, the latest due
    first in line; those past their date are marked overdue."""
    from eap.models import Evaluation

    if principal.role != "approver" or principal.department_id is None:
        raise PermissionDenied()
    today = local_date(now_or(now))
    rows = session.exec(
        select(Evaluation, ItemCase.case_no, Project.name)
        .join(ItemCase, col(ItemCase.id) == col(Evaluation.item_case_id))
        .join(Project, col(Project.id) == col(ItemCase.project_id))
        .where(
            Evaluation.department_id == principal.department_id,
            Evaluation.grade <= 2,
            col(Evaluation.rectified_at).is_(None),
        )
        .order_by(col(Evaluation.rectify_by), col(Evaluation.id))
        .limit(limit)
    ).all()
    return [
        BadGradeRow(
            id=e.id or 0,
            case_no=case_no,
            project=pname,
            grade=e.grade,
            comment=e.comment,
            rectify_by=e.rectify_by.isoformat() if e.rectify_by else "",
            overdue=e.rectify_by is not None and e.rectify_by < today,
        )
        for e, case_no, pname in rows
    ]
