"""The applicant's view of their projects (网上办事大厅 · 我的项目): every stage, every item in
words, each clock, and the results (documents and e-certificates)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, func, select

from eap.db import reading
from eap.errors import PermissionDenied
from eap.models import (
    ApprovalDocument,
    Certificate,
    Department,
    Evaluation,
    Item,
    ItemCase,
    Project,
    StageCase,
    StageMaterial,
    SupplementNotice,
)
from eap.models.common import table_of
from eap.services.approval import case_clock
from eap.services.approval.case_clock import project_targets
from eap.services.core.clock import WorkCalendar, now_or
from eap.services.core.principal import Principal
from eap.services.hall import evaluation
from eap.services.hall.rows import (
    ApplyForm,
    FormItem,
    FormMaterial,
    HallItem,
    HallStage,
    Milestone,
    NoticeMaterial,
    OpenNotice,
    ProjectCard,
    ProjectChoice,
    Question,
)

OPEN_STAGE = ("submitted", "received", "supplement", "accepted")


def count_projects(session: Session, *, principal: Principal) -> int:
    if principal.company_id is None:
        return 0
    return session.exec(
        select(func.count()).select_from(Project).where(Project.company_id == principal.company_id)
    ).one()


def project_choices(session: Session, *, principal: Principal) -> list[ProjectChoice]:
    """The company's projects for the one form's chooser, newest first."""
    if principal.role not in ("applicant", "agent"):
        raise PermissionDenied()
    if principal.company_id is None:  # an agent not yet authorised by any company
        return []
    projects = table_of(Project)
    rows = reading(session).execute(
        select(projects.c.id, projects.c.name, projects.c.current_stage)
        .where(projects.c.company_id == principal.company_id)
        .order_by(projects.c.id.desc())
    )
    return [ProjectChoice(id=i, name=name, stage=stage) for i, name, stage in rows]


def timeline(project: Project, stage_status: dict[int, str]) -> list[Milestone]:
    """The four main-line stages as a timeline: done, current or still to come."""
    out = []
    for code in (1, 2, 3, 4):
        if project.completed_at is not None or code < project.current_stage:
            state = "done"
        elif code == project.current_stage:
            state = "current"
        else:
            state = "todo"
        out.append(Milestone(stage=code, state=state, status=stage_status.get(code, "")))
    return out


def my_projects(
    session: Session,
    *,
    principal: Principal,
    now: dt.datetime | None = None,
    page: int = 1,
    size: int = 10,
) -> list[ProjectCard]:
    """One page of the company's projects, newest first, each with every stage and item."""
    if principal.role not in ("applicant", "agent"):
        raise PermissionDenied()
    if principal.company_id is None:  # an agent not yet authorised by any company
        return []
    now = now_or(now)
    cal = WorkCalendar.load(session)
    out = []
    projects = session.exec(
        select(Project)
        .where(Project.company_id == principal.company_id)
        .order_by(col(Project.id).desc())
        .offset((max(page, 1) - 1) * size)
        .limit(size)
    ).all()
    # Every document and certificate of the page's projects in two reads; these and the
    # stages below are Core reads of the columns shown (no ORM objects to build: this page is
    # every applicant's home, loaded on each visit).
    project_ids = [p.id for p in projects]
    db = reading(session)
    documents, certificates = table_of(ApprovalDocument), table_of(Certificate)
    item_cases, stage_cases = table_of(ItemCase), table_of(StageCase)
    # several documents or certificates of one item case: the newest is shown
    docs = {
        row.item_case_id: row
        for row in db.execute(
            select(documents.c.item_case_id, documents.c.id, documents.c.doc_no, documents.c.title)
            .join(item_cases, item_cases.c.id == documents.c.item_case_id)
            .where(item_cases.c.project_id.in_(project_ids))
            .order_by(documents.c.id)
        )
    }
    certs = {
        row.item_case_id: row
        for row in db.execute(
            select(
                certificates.c.item_case_id,
                certificates.c.id,
                certificates.c.cert_no,
                certificates.c.name,
                certificates.c.status,
            )
            .where(certificates.c.project_id.in_(project_ids))
            .order_by(certificates.c.id)
        )
    }
    # The page's stages with their open notices and owed materials counted, then their item
    # cases: two reads, not three per stage.
    notices, owed = table_of(SupplementNotice), table_of(StageMaterial)
    open_notice_count = (
        select(func.count())
        .where(notices.c.stage_case_id == stage_cases.c.id, notices.c.answered_at.is_(None))
        .scalar_subquery()
    )
    owed_count = (
        select(func.count())
        .where(owed.c.stage_case_id == stage_cases.c.id, owed.c.owed)
        .scalar_subquery()
    )
    stage_rows = db.execute(
        select(
            stage_cases.c.id,
            stage_cases.c.case_no,
            stage_cases.c.project_id,
            stage_cases.c.stage_code,
            stage_cases.c.status,
            stage_cases.c.window_region_code,
            open_notice_count.label("open_notices"),
            owed_count.label("owed_materials"),
        )
        .where(stage_cases.c.project_id.in_(project_ids))
        .order_by(stage_cases.c.id)
    ).all()
    stage_ids = [sc.id for sc in stage_rows]
    # 事权: the window that takes each application (a county's or the city's), where to go
    departments = table_of(Department)
    windows = {
        code: f"{name} · {address}" if address else name
        for code, name, address in db.execute(
            select(departments.c.region_code, departments.c.name, departments.c.address).where(
                departments.c.kind == "window",
                departments.c.active,
                departments.c.region_code.in_({sc.window_region_code for sc in stage_rows}),
            )
        )
    }
    stages_of: dict[int, list[Any]] = {}
    for sc in stage_rows:
        stages_of.setdefault(sc.project_id, []).append(sc)
    # The item cases are ORM rows (their clocks and ratings are computed from them), each with
    # its item's name and its evaluation when rated (one at most: 一事一评).
    items_of: dict[int, list[tuple[ItemCase, Any]]] = {}
    for shown in session.exec(
        select(
            ItemCase,
            Item.name_zh,
            Item.name_en,
            col(Evaluation.id).label("evaluation_id"),
            Evaluation.grade,
            Evaluation.rectify_by,
            Evaluation.rectification,
            Evaluation.callback_note,
        )
        .join(Item, col(Item.id) == col(ItemCase.item_id))
        .outerjoin(Evaluation, col(Evaluation.item_case_id) == col(ItemCase.id))
        .where(col(ItemCase.stage_case_id).in_(stage_ids))
        .order_by(col(ItemCase.id))
    ):
        # the row itself: its item case first, then the labelled columns shown
        case = shown[0]
        items_of.setdefault(case.stage_case_id or 0, []).append((case, shown))
    targets = project_targets(session, projects=projects)
    for p in projects:
        stages = []
        for sc in stages_of.get(p.id or 0, []):
            items = []
            for case, shown in items_of.get(sc.id or 0, []):
                view = case_clock.clock_view(case, now=now, cal=cal)
                doc, cert = docs.get(case.id or 0), certs.get(case.id or 0)
                grade = shown if shown.evaluation_id is not None else None
                rateable = evaluation.can_rate(case, rated=grade is not None, now=now)
                items.append(
                    HallItem(
                        id=case.id or 0,
                        case_no=case.case_no,
                        item_zh=shown.name_zh,
                        item_en=shown.name_en,
                        status=case.status,
                        clock=view.state,
                        used_days=view.used,
                        paused_days=view.paused,
                        left=view.left,
                        due=view.due_date.isoformat() if view.due_date else "",
                        doc=doc.doc_no if doc else "",
                        doc_title=doc.title if doc else "",
                        doc_id=doc.id if doc else None,
                        cert=cert.cert_no if cert else "",
                        cert_name=cert.name if cert else "",
                        cert_id=cert.id if cert else None,
                        cert_status=cert.status if cert else "",
                        can_rate=rateable,
                        rate_until=evaluation.rating_closes(case).isoformat() if rateable else "",
                        rated=grade.grade if grade else 0,
                        bad_grade=bool(grade and grade.grade <= evaluation.BAD),
                        rectify_by=grade.rectify_by.isoformat()
                        if grade and grade.rectify_by
                        else "",
                        rectification=grade.rectification if grade else "",
                        callback=grade.callback_note if grade else "",
                    )
                )
            stages.append(
                HallStage(
                    id=sc.id or 0,
                    case_no=sc.case_no,
                    stage=sc.stage_code,
                    status=sc.status,
                    project_id=sc.project_id,
                    item_cases=items,
                    open_notices=sc.open_notices,
                    owed_materials=sc.owed_materials
                    if sc.status not in ("withdrawn", "refused")
                    else 0,
                    can_withdraw=sc.status in OPEN_STAGE,
                    window=windows.get(sc.window_region_code, ""),
                )
            )
        target = targets[p.process_type]
        out.append(
            ProjectCard(
                id=p.id or 0,
                code=p.project_code,
                name=p.name,
                current_stage=p.current_stage,
                used_days=p.used_days,
                target=target,
                completed=p.completed_at is not None,
                editable=not p.locked,
                stages=stages,
                timeline=timeline(p, {st.stage: st.status for st in stages}),
            )
        )
    return out


def apply_form(
    session: Session,
    *,
    principal: Principal,
    project_id: int,
    stage_code: int,
    answers: dict[str, Any] | None = None,
) -> ApplyForm:
    """The one form for a stage, as the applicant sees it: the questionnaire, what applies
    given its answers, and what is on file."""
    from eap.services.core.authz import require_applicant

    project = session.get(Project, project_id)
    if project is None:
        raise PermissionDenied("error.not_found")
    require_applicant(principal, project)
    return form_for_project(session, project=project, stage_code=stage_code, answers=answers)


def form_for_project(
    session: Session, *, project: Project, stage_code: int, answers: dict[str, Any] | None = None
) -> ApplyForm:
    """The one form once the caller has checked who asks: the applicant (``apply_form``) or
    the window at the counter (``counter.counter_form``)."""
    from eap.services.hall.guide import normalise_answers, stage_form, stage_questions
    from eap.services.hall.templates import has_template

    questions = stage_questions(session, project=project, stage_code=stage_code)
    given = {q["key"]: q["value"] for q in questions} | (answers or {})
    form = stage_form(
        session, project=project, stage_code=stage_code, answers=normalise_answers(given)
    )
    return ApplyForm(
        questions=[Question(key=q["key"], value=bool(given[q["key"]])) for q in questions],
        form_items=[
            FormItem(code=it.code, name_zh=it.name_zh, name_en=it.name_en, limit=it.limit_days)
            for it in form.items
        ],
        materials=[
            FormMaterial(
                code=n.code,
                name_zh=n.name_zh,
                name_en=n.name_en,
                key=n.is_key,
                deferrable=n.deferrable,
                satisfied_by=n.satisfied_by,
                template=f"/templates/{n.code}.pdf" if has_template(n.code) else "",
                valid_until=n.valid_until.isoformat() if n.valid_until else "",
                expired_on=n.expired_on.isoformat() if n.expired_on else "",
            )
            for n in form.materials
        ],
    )


def open_notices(session: Session, *, principal: Principal, project_id: int) -> list[OpenNotice]:
    """Supplement notices (一次性告知) of a project still waiting for the applicant."""
    from eap.services.core.authz import require_applicant

    project = session.get(Project, project_id)
    if project is None:
        raise PermissionDenied("error.not_found")
    require_applicant(principal, project)
    rows = session.exec(
        select(SupplementNotice, StageCase.stage_code)
        .join(StageCase, col(StageCase.id) == col(SupplementNotice.stage_case_id))
        .where(StageCase.project_id == project_id, col(SupplementNotice.answered_at).is_(None))
    ).all()
    return [
        OpenNotice(
            id=n.id or 0,
            remarks=n.remarks,
            stage=stage,
            materials=[
                NoticeMaterial(
                    code=m["code"],
                    name_zh=m["name_zh"],
                    name_en=m["name_en"],
                    remark=m.get("remark", ""),
                )
                for m in n.materials
            ],
        )
        for n, stage in rows
    ]
