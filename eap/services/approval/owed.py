"""容缺受理 is supervised (owed materials): a material accepted as owed carries the date the
applicant promised it by (``StageMaterial.owed_until``).

- Before the date: the applicant is reminded once, ``REMIND_DAYS`` working days ahead.
- After the date: every department with an open item that lists the material is told once
  (each of its approvers gets the notice in the bell and by SMS).
- The decision: an item whose own material is still owed is not approved outright (办结 11).
  The department waits for the material, or approves 容缺 (``approve_owed``, 办结 12) naming
  it, which leaves the result conditional on its delivery; a refusal is always possible.
- The applicant hands an owed material in on the stage (``hand_in_owed``), with no new
  supplement notice and without touching the items' clocks: 容缺 is not a pause.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from eap.errors import DomainError
from eap.models import ItemCase, ItemMaterial, Material, Project, StageCase, StageMaterial, User
from eap.models.cases import TERMINAL
from eap.services.approval import case_store
from eap.services.approval.filing import check_files
from eap.services.core.audit import record
from eap.services.core.authz import require_applicant
from eap.services.core.clock import WorkCalendar, local_date, now_or
from eap.services.core.notify import notify_applicant, notify_user
from eap.services.core.principal import Principal
from eap.services.hall import library

REMIND_DAYS = 2  # working days before the promised date


@dataclass(frozen=True)
class OwedRow:
    code: str = ""
    name: str = ""
    owed_until: str = ""
    late: bool = False


def _owed(session: Session, stage_case_id: int) -> list[tuple[StageMaterial, Material]]:
    return list(
        session.exec(
            select(StageMaterial, Material)
            .join(Material, col(Material.id) == col(StageMaterial.material_id))
            .where(StageMaterial.stage_case_id == stage_case_id, col(StageMaterial.owed))
            .order_by(col(Material.code))
        ).all()
    )


def owed_for_item(session: Session, *, case: ItemCase) -> list[str]:
    """Codes of the item's own materials still owed on its stage."""
    mine = set(
        session.exec(select(ItemMaterial.material_id).where(ItemMaterial.item_id == case.item_id))
    )
    return [m.code for sm, m in _owed(session, case.stage_case_id) if sm.material_id in mine]


def owed_materials(
    session: Session, *, principal: Principal, stage_case_id: int, now: dt.datetime | None = None
) -> list[OwedRow]:
    """What the applicant still owes on a stage, with the promised dates."""
    stage, project = case_store.load_stage(session, stage_case_id)
    require_applicant(principal, project)
    today = local_date(now_or(now))
    return [
        OwedRow(
            m.code,
            m.name_zh,
            sm.owed_until.isoformat() if sm.owed_until else "",
            sm.owed_until is not None and sm.owed_until < today,
        )
        for sm, m in _owed(session, stage.id or 0)
    ]


@dataclass(frozen=True)
class CompanyOwedRow:
    """A material the company still owes on one of its applications (the hand-in page)."""

    stage_case_id: int = 0
    case_no: str = ""
    project: str = ""
    stage: int = 0
    code: str = ""
    name_zh: str = ""
    name_en: str = ""
    owed_until: str = ""
    late: bool = False


def owed_by_company(
    session: Session, *, principal: Principal, now: dt.datetime | None = None
) -> list[CompanyOwedRow]:
    """Everything the applicant's company owes under 容缺受理, the earliest promise first."""
    if principal.role not in ("applicant", "agent") or principal.company_id is None:
        return []
    today = local_date(now_or(now))
    rows = session.exec(
        select(StageMaterial, Material, StageCase, Project.name)
        .join(Material, col(Material.id) == col(StageMaterial.material_id))
        .join(StageCase, col(StageCase.id) == col(StageMaterial.stage_case_id))
        .join(Project, col(Project.id) == col(StageCase.project_id))
        .where(
            Project.company_id == principal.company_id,
            col(StageMaterial.owed),
            col(StageCase.status).not_in(("withdrawn", "refused")),
        )
        .order_by(col(StageMaterial.owed_until), col(StageCase.id), col(Material.code))
    ).all()
    return [
        CompanyOwedRow(
            stage_case_id=sc.id or 0,
            case_no=sc.case_no,
            project=name,
            stage=sc.stage_code,
            code=m.code,
            name_zh=m.name_zh,
            name_en=m.name_en,
            owed_until=sm.owed_until.isoformat() if sm.owed_until else "",
            late=sm.owed_until is not None and sm.owed_until < today,
        )
        for sm, m, sc, name in rows
    ]


def hand_in_owed(
    session: Session,
    *,
    principal: Principal,
    stage_case_id: int,
    uploads: dict[str, int],
    now: dt.datetime | None = None,
) -> list[str]:
    """The applicant hands in owed materials (any of them; each must be owed here)."""
    now = now_or(now)
    stage, project = case_store.load_stage(session, stage_case_id)
    require_applicant(principal, project)
    owed = {m.code: sm for sm, m in _owed(session, stage_case_id)}
    if not uploads:
        raise DomainError("owed.nothing", field="materials")
    if stray := sorted(set(uploads) - set(owed)):
        raise DomainError("owed.not_owed", field="materials", codes="、".join(stray))
    check_files(session, project=project, uploads=uploads)
    for code, file_id in uploads.items():
        sm = owed[code]
        sm.file_id, sm.source, sm.owed, sm.owed_until = file_id, "upload", False, None
        session.add(sm)
    library.keep_accepted_materials(session, stage_case=stage, project=project)
    case_store.write_event(
        session,
        stage_case_id=stage.id,
        item_case=None,
        action="owed_handed_in",
        principal=principal,
        opinion="、".join(sorted(uploads)),
        now=now,
        office="",
    )
    record(
        session,
        actor_id=principal.user_id,
        action="owed.hand_in",
        entity="stagecase",
        entity_id=stage_case_id,
        detail={"codes": sorted(uploads)},
    )
    session.flush()
    return sorted(uploads)


def sweep_owed(session: Session, *, now: dt.datetime | None = None) -> dict[str, int]:
    """The scheduler's: remind applicants ahead of promised dates, tell the departments once a
    date has passed. Each happens once per owed material."""
    now = now_or(now)
    today = local_date(now)
    cal = WorkCalendar.load(session)
    horizon = cal.add_working_days(today, REMIND_DAYS).day
    done = {"reminded": 0, "late": 0}
    rows = session.exec(
        select(StageMaterial, Material, StageCase, Project)
        .join(Material, col(Material.id) == col(StageMaterial.material_id))
        .join(StageCase, col(StageCase.id) == col(StageMaterial.stage_case_id))
        .join(Project, col(Project.id) == col(StageCase.project_id))
        .where(
            col(StageMaterial.owed),
            col(StageMaterial.owed_until).is_not(None),
            col(StageMaterial.owed_until) <= horizon,
            StageCase.status == "accepted",
        )
    ).all()
    for sm, material, stage, project in rows:
        assert sm.owed_until is not None  # the query asked for promised dates
        if sm.reminded_at is None and sm.owed_until >= today:
            notify_applicant(
                session,
                project=project,
                key="notify.owed_due",
                now=now,
                stage_case_id=stage.id,
                case_no=stage.case_no,
                material=material.name_zh,
                day=sm.owed_until.isoformat(),
            )
            sm.reminded_at = now
            done["reminded"] += 1
        elif sm.late_noticed_at is None and sm.owed_until < today:
            for user_id in _approvers_needing(session, stage.id or 0, sm.material_id):
                notify_user(
                    session,
                    user_id=user_id,
                    key="notify.owed_late",
                    now=now,
                    case_no=stage.case_no,
                    project=project.name,
                    material=material.name_zh,
                    day=sm.owed_until.isoformat(),
                )
            sm.late_noticed_at = now
            done["late"] += 1
        session.add(sm)
    session.flush()
    return done


def _approvers_needing(session: Session, stage_case_id: int, material_id: int) -> list[int]:
    """Active approvers of the departments whose open item of the stage lists the material."""
    departments = set(
        session.exec(
            select(ItemCase.department_id)
            .join(ItemMaterial, col(ItemMaterial.item_id) == col(ItemCase.item_id))
            .where(
                ItemCase.stage_case_id == stage_case_id,
                ItemMaterial.material_id == material_id,
                col(ItemCase.status).not_in(TERMINAL),
            )
        )
    )
    if not departments:
        return []
    return [
        uid
        for uid in session.exec(
            select(User.id).where(
                col(User.department_id).in_(departments),
                User.role == "approver",
                col(User.active),
            )
        )
        if uid is not None
    ]
