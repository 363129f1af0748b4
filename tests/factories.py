"""Builders for engine tests: real rows through the real services."""

from __future__ import annotations

import datetime as dt
import os
import random
from dataclasses import dataclass, field

from sqlmodel import Session, select

from eap.demo.seed import make_uscc
from eap.models import Company, Department, StageCase, User
from eap.models.accounts import UserCreate
from eap.models.projects import ProjectCreate
from eap.services.admin import accounts
from eap.services.approval import filing
from eap.services.core import files
from eap.services.core.clock import CHINA_TZ
from eap.services.core.principal import Principal
from eap.services.hall import guide, projects

KINDS = ("window", "fgw", "zrzy", "zj", "sthj", "sl", "rf", "jt", "cg", "qx", "szgy")
_rng = random.Random(1)
_seq = iter(range(1, 10**6))


def at(day: dt.date, hour: int = 10) -> dt.datetime:
    """An aware instant on a Beijing working-day morning."""
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CHINA_TZ)


def pdf() -> bytes:
    return b"%PDF-1.4\n" + os.urandom(64)


def _user(session: Session, role: str, **scope: object) -> Principal:
    n = next(_seq)
    user = accounts.create_user(
        session,
        data=UserCreate(
            username=f"t{role}{n}",
            display_name=f"{role}{n}",
            role=role,
            password="x",
            phone="13800138000",
            **scope,
        ),  # type: ignore[arg-type]
        actor_id=None,
        hashed="$argon2id$v=19$m=65536,t=3,p=4$c2FsdHNhbHQ$notarealhashbutunusedinthesetests",
    )
    return Principal.of(user)


@dataclass
class City:
    region: str
    window: Principal
    approvers: dict[str, Principal] = field(default_factory=dict)
    heads: dict[str, Principal] = field(default_factory=dict)


def city_staff(session: Session, region: str = "360100") -> City:
    depts = {
        d.kind: d for d in session.exec(select(Department).where(Department.region_code == region))
    }
    city = City(
        region, _user(session, "window", region_code=region, department_id=depts["window"].id)
    )
    for kind in KINDS[1:]:
        city.approvers[kind] = _user(
            session, "approver", region_code=region, department_id=depts[kind].id
        )
        city.heads[kind] = _user(
            session, "approver", region_code=region, department_id=depts[kind].id, is_head=True
        )
    return city


def applicant(session: Session, region: str = "360102") -> Principal:
    company = Company(
        uscc=make_uscc(_rng, region),
        name=f"测试建设有限公司{next(_seq)}",
        legal_rep="张三",
        contact_phone="13912345678",
        region_code=region,
    )
    session.add(company)
    session.flush()
    return _user(session, "applicant", region_code=region, company_id=company.id)


def project(
    session: Session,
    owner: Principal,
    *,
    ptype: int = 1,
    region: str = "360102",
    attributes: dict | None = None,
) -> int:
    n = next(_seq)
    data = ProjectCreate(
        project_code=f"2026-{region}-47-01-{n:06d}",
        name=f"测试项目{n}号楼",
        region_code=region,
        location="南昌市东湖区",
        total_investment=12000,
        land_area=20000,
        floor_area=45000,
        process_type=ptype,
        industry="房屋建筑",
        attributes=attributes or {},
    )
    p = projects.register_project(
        session,
        principal=owner,
        data=data,
        units=[
            {"role": "builder", "uscc": make_uscc(_rng, region), "name": "建设单位"},
        ],
    )
    assert p.id is not None
    return p.id


def upload_missing(
    session: Session,
    owner: Principal,
    project_id: int,
    stage: int,
    skip: set[str] | None = None,
    answers: dict | None = None,
) -> dict[str, int]:
    """Upload a file for every material of the form not already on file, except ``skip``."""
    from eap.models import Project

    proj = session.get(Project, project_id)
    assert proj is not None
    form = guide.stage_form(session, project=proj, stage_code=stage, answers=answers)
    out = {}
    for need in form.materials:
        if need.satisfied_by or need.code in (skip or set()):
            continue
        out[need.code] = (
            files.store_file(
                session, principal=owner, filename=f"{need.code}.pdf", content=pdf()
            ).id
            or 0
        )
    return out


def user_row(session: Session, p: Principal) -> User:
    user = session.get(User, p.user_id)
    assert user is not None
    return user


def file_stage(
    session: Session,
    owner: Principal,
    project_id: int,
    stage: int,
    *,
    day: dt.date,
    answers: dict | None = None,
) -> StageCase:
    """The applicant files a stage with every material uploaded, at 09:00 on ``day``."""

    return filing.submit_stage_application(
        session,
        principal=owner,
        project_id=project_id,
        stage_code=stage,
        answers=answers,
        uploads=upload_missing(session, owner, project_id, stage, answers=answers),
        now=at(day, 9),
    )


def file_and_accept(
    session: Session, city: City, owner: Principal, project_id: int, stage: int, *, day: dt.date
) -> StageCase:
    """File a stage, then the window receives (10:00) and accepts it (11:00) the same day."""
    from eap.services.approval import intake

    sc = file_stage(session, owner, project_id, stage, day=day)
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id, now=at(day, 10))
    intake.accept_case(session, principal=city.window, stage_case_id=sc.id, now=at(day, 11))
    return sc
