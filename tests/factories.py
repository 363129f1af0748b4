"""Builders for tests: real rows through the real services. Tests import builders from here,
never from one another."""

from __future__ import annotations

import datetime as dt
import os
import random
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

from sqlmodel import Session, col, select

from eap.demo.seed import make_uscc
from eap.models import Company, Department, Item, ItemCase, StageCase, User
from eap.models.accounts import UserCreate
from eap.models.cases import TERMINAL, Blzt
from eap.models.projects import ProjectCreate
from eap.services.admin import accounts
from eap.services.approval import filing, handling, intake, results
from eap.services.core import files
from eap.services.core.clock import CHINA_TZ, WorkCalendar
from eap.services.core.principal import Principal
from eap.services.hall import guide, projects

ROOT = Path(__file__).resolve().parents[1]
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


def next_code(region: str = "360102") -> str:
    """A well-formed 项目代码 no test has used yet."""
    return f"2026-{region}-47-01-{next(_seq):06d}"


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
    sc = file_stage(session, owner, project_id, stage, day=day)
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id, now=at(day, 10))
    intake.accept_case(session, principal=city.window, stage_case_id=sc.id, now=at(day, 11))
    return sc


CAL = WorkCalendar()


def next_wd(day: dt.date, n: int = 1) -> dt.date:
    return CAL.add_working_days(day, n).day


def cases_by_code(session: Session, stage_case_id: int) -> dict[str, ItemCase]:
    rows = session.exec(
        select(ItemCase, Item.code)
        .join(Item, col(Item.id) == col(ItemCase.item_id))
        .where(ItemCase.stage_case_id == stage_case_id)
    ).all()
    return {code: case for case, code in rows}


def approve_all(session: Session, city: City, stage_case_id: int, day: dt.date) -> dt.date:
    """Start (12:00, after the 11:00 acceptance) and approve (15:00) every open item,
    prerequisites first, a working day apart."""
    for _ in range(10):
        open_cases = [
            c for c in cases_by_code(session, stage_case_id).values() if c.status not in TERMINAL
        ]
        if not open_cases:
            return day
        for case in open_cases:
            if case.waiting_on:
                continue
            kind = kind_of(session, case)
            who = city.approvers[kind]
            if case.status == Blzt.ACCEPTED:
                handling.start_handling(
                    session, principal=who, item_case_id=case.id, now=at(day, 12)
                )
            handling.decide(
                session,
                principal=who,
                item_case_id=case.id,
                outcome="approve",
                opinion="符合要求，同意",
                now=at(day, 15),
            )
        day = next_wd(day)
    raise AssertionError("items never finished")


def kind_of(session: Session, case: ItemCase) -> str:
    dept = session.get(Department, case.department_id)
    assert dept is not None
    return dept.kind


def run_stage(
    session: Session,
    city: City,
    owner: Principal,
    project_id: int,
    stage: int,
    day: dt.date,
    answers: dict | None = None,
) -> tuple[StageCase, dt.date]:
    uploads = upload_missing(session, owner, project_id, stage, answers=answers)
    sc = filing.submit_stage_application(
        session,
        principal=owner,
        project_id=project_id,
        stage_code=stage,
        answers=answers,
        uploads=uploads,
        now=at(day, 9),
    )
    intake.receive_case(session, principal=city.window, stage_case_id=sc.id, now=at(day, 10))
    intake.accept_case(session, principal=city.window, stage_case_id=sc.id, now=at(day, 11))
    day = approve_all(session, city, sc.id, next_wd(day))
    lead_kind = {1: "fgw", 2: "zrzy", 3: "zj", 4: "zj", 5: "window"}[stage]
    lead = city.approvers.get(lead_kind) or _lead_for(session, sc)
    results.close_stage(session, principal=lead, stage_case_id=sc.id, now=at(day, 16))
    return sc, next_wd(day)


def _lead_for(session: Session, sc: StageCase) -> Principal:
    user = session.exec(select(User).where(User.department_id == sc.lead_department_id)).first()
    if user is None:
        return _user(
            session, "approver", region_code=sc.region_code, department_id=sc.lead_department_id
        )
    return Principal.of(user)


def everyone(session: Session, nc: City, gz: City, owner: Principal) -> dict[str, Principal]:
    """One principal of every role, in and out of Nanchang's (nc) and Ganzhou's (gz) scope."""
    return {
        "owner": owner,
        "other_applicant": applicant(session),
        "nc_window": nc.window,
        "gz_window": gz.window,
        "nc_zrzy": nc.approvers["zrzy"],
        "nc_zrzy_head": nc.heads["zrzy"],
        "nc_fgw": nc.approvers["fgw"],
        "nc_jt": nc.approvers["jt"],
        "gz_zrzy": gz.approvers["zrzy"],
        "gz_fgw": gz.approvers["fgw"],
        "supervisor": _user(session, "supervisor", region_code="360100"),
        "province_supervisor": _user(session, "supervisor", region_code="360000"),
        "leader": _user(session, "leader", region_code="360000"),
        "admin": _user(session, "admin", region_code="360000"),
        "auditor": _user(session, "auditor", region_code="360000"),
        "security": _user(session, "security", region_code="360000"),
    }


def run_cli(
    *args: str, db: str, lang: str = "zh", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``python -m eap ARGS`` against the database ``db``, as an operator runs it."""
    env = {**os.environ, "EAP_DATABASE_URL": db, "EAP_LOCALE": lang, **(env or {})}
    return subprocess.run(
        [sys.executable, "-m", "eap", *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=300,
    )


# --- the intermediary market (中介超市) ---------------------------------------------------


def reviewer(session: Session) -> Principal:
    return _user(session, "admin", region_code="360000")


def agency(
    session: Session,
    *,
    services: tuple[str, ...] = ("ZJ03",),
    cities: tuple[str, ...] = ("360100",),
    admit: bool = True,
    region: str = "360102",
    qualification: tuple[str, dt.date] | None = None,
) -> Principal:
    """An agency company and its user, applied (and admitted unless ``admit`` is False)."""
    from eap.services.agency import admission

    n = next(_seq)
    company = Company(
        uscc=make_uscc(_rng, region),
        name=f"测试咨询有限公司{n}",
        legal_rep=f"中介法人{n}",
        contact_phone="13700000000",
        region_code=region,
    )
    session.add(company)
    session.flush()
    user = _user(session, "agency", region_code=region, company_id=company.id)
    agency_row = admission.apply_for_admission(
        session, principal=user, service_codes=list(services), city_codes=list(cities)
    )
    if qualification:
        admission.add_qualification(
            session,
            principal=user,
            category=qualification[0],
            certificate_no=f"ZZ{n:06d}",
            valid_until=qualification[1],
            now=at(dt.date(2026, 12, 1)),
        )
    if admit:
        admission.review_agency(
            session, principal=reviewer(session), agency_id=agency_row.id or 0, admit=True
        )
    return user


def purchase(
    session: Session,
    owner: Principal,
    project_id: int,
    *,
    now: dt.datetime,
    service: str = "ZJ03",
    method: int = 2,
    budget: float | None = 50_000,
    limit_days: int = 10,
    register_days: int = 3,
    weights: dict[str, int] | None = None,
) -> int:
    from eap.services.agency import purchases

    p = purchases.post_purchase(
        session,
        principal=owner,
        project_id=project_id,
        service_code=service,
        scope="编制本项目环境影响报告表并协助报批",
        budget=budget,
        limit_days=limit_days,
        method=method,
        register_days=register_days,
        weights=weights,
        now=now,
    )
    assert p.id is not None
    return p.id


def supervisor(session: Session, region: str = "360100") -> Principal:
    return _user(session, "supervisor", region_code=region)


def scratch_database(name: str, tmp_dir: Path) -> str:
    """An empty database of the run's dialect for tests whose subprocesses must see committed
    data: a SQLite file, or a fresh database beside the PostgreSQL test database."""
    base = os.environ["EAP_DATABASE_URL"]
    if not base.startswith("postgresql"):
        return f"sqlite:///{tmp_dir / f'{name}.db'}"
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    url = make_url(base)
    admin = create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return url.set(database=name).render_as_string(hide_password=False)


def sms_ids_to(session: Session, phone: str) -> list[int]:
    """The queued SMS to a phone. The phone is sealed (no SQL lookup by it): opened here, as
    only the gateway hand-off does in the system."""
    from eap.models import SmsOutbox

    # in the order queued: PostgreSQL returns rows in no particular order without one
    rows = session.exec(select(SmsOutbox).order_by(SmsOutbox.id)).all()  # type: ignore[arg-type]
    return [m.id for m in rows if m.phone == phone and m.id]
