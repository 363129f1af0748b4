"""The demo province's intermediary market (演示中介超市): about thirty agencies across service
types and cities, and announcements in every state, all made through the market's own
services at past instants (registrations, the draw at the deadline, publicity, contracts,
clocks, results, ratings, an upheld objection, a blacklisting)."""

from __future__ import annotations

import datetime as dt
import random

from sqlalchemy import case
from sqlmodel import Session, col, select

from eap.models import Agency, Company, Project, Purchase, Region, ServiceType, User
from eap.models.accounts import UserCreate
from eap.models.market import SelectionMethod
from eap.services.admin.accounts import create_user, hash_password
from eap.services.agency import (
    admission,
    evaluation,
    publicity,
    purchases,
    selection,
    service_clock,
)
from eap.services.core import files
from eap.services.core.clock import CHINA_TZ, WorkCalendar, local_date, now_or
from eap.services.core.principal import Principal

AGENCIES = 30
WORDS = (
    "赣鄱",
    "洪城",
    "庐山",
    "井冈",
    "滕王",
    "瓷都",
    "赣江",
    "鄱湖",
    "豫章",
    "红土",
    "青原",
    "三清",
)
KINDS = ("工程咨询", "环境科技", "测绘地理信息", "规划设计", "安全技术", "水利水电勘测")


def _pdf(label: str) -> bytes:
    return b"%PDF-1.4\n% " + label.encode() + b"\n%%EOF\n"


def _at(day: dt.date, hour: int = 10) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), tzinfo=CHINA_TZ)


def _user_for(session: Session, company: Company, username: str, password_hash: str) -> Principal:
    user = session.exec(select(User).where(User.username == username)).first()
    if user is None:
        user = create_user(
            session,
            data=UserCreate(
                username=username,
                display_name=f"{company.name}经办人",
                role="agency",
                password="-",
                region_code=company.region_code,
                company_id=company.id,
            ),
            actor_id=None,
            hashed=password_hash,
            demo=True,
        )
    return Principal.of(user)


def seed_market(
    session: Session,
    *,
    seed: int = 2026,
    password: str,
    make_uscc,  # noqa: ANN001 - the seed's USCC maker, shared so numbers stay valid
    now: dt.datetime | None = None,
) -> dict[str, int]:
    """Idempotent: the agencies are made once, the purchases once there are projects to buy
    for (the demo seed calls it before and after simulating its history)."""
    if session.exec(select(Purchase.id)).first() is not None:
        return {}
    rng = random.Random(seed + 13)
    now = now_or(now)
    cal = WorkCalendar.load(session)
    today = local_date(now)
    reviewer = Principal.of(session.exec(select(User).where(User.username == "admin")).one())
    if session.exec(select(Agency.id)).first() is None:
        _make_agencies(session, rng, reviewer, make_uscc, hash_password(password), now)
    wanted = [f"zhongjie{n:02d}" for n in range(1, 9)]
    users = {
        u.username: u for u in session.exec(select(User).where(col(User.username).in_(wanted)))
    }
    nanchang = [Principal.of(users[name]) for name in wanted if name in users]
    owners = _owners(session)
    if not owners or len(nanchang) < 6:
        return {"agencies": AGENCIES, "purchases": 0}
    start = today
    for _ in range(35):  # history begins about seven working weeks back
        start = _previous(cal, start)
    made = 0

    def post(
        owner: Principal,
        pid: int,
        day: dt.date,
        *,
        service: str = "ZJ03",
        scope: str = "编制项目环境影响报告表，协助办理环评审批",
        budget: float | None | str = "random",
        limit_days: int = 10,
        method: int = SelectionMethod.RANDOM,
        weights: dict[str, int] | None = None,
    ) -> Purchase:
        nonlocal made
        made += 1
        amount = float(rng.choice([30000, 45000, 60000, 80000])) if budget == "random" else budget
        return purchases.post_purchase(
            session,
            principal=owner,
            project_id=pid,
            service_code=service,
            scope=scope,
            budget=amount if not isinstance(amount, str) else None,
            limit_days=limit_days,
            method=method,
            register_days=3,
            weights=weights,
            now=min(_at(day), now - dt.timedelta(minutes=5)),
        )

    def register(
        p: Purchase, who: list[Principal], day: dt.date, quotes: bool, low: float = 0.7
    ) -> None:
        for a in who:
            share = rng.uniform(low, 0.98) if low < 0.96 else rng.uniform(low, 0.999)
            quote = round(share * (p.budget or 50000), -1) if quotes else None
            purchases.register(
                session, principal=a, purchase_id=p.id or 0, quote=quote, now=_at(day, 11)
            )

    def close(p: Purchase) -> None:
        selection.close_registration(session, purchase=p, now=p.deadline + dt.timedelta(hours=1))
        session.refresh(p)

    def winner(p: Purchase) -> Principal:
        return next(
            a
            for a in nanchang
            if (admission.my_agency(session, a) or Agency(company_id=0)).id == p.winner_id
        )

    def run_service(p: Purchase, owner: Principal, stop: str) -> None:
        """Carry a selected purchase's service on to ``stop``."""
        from eap.models import AgencyService

        svc = session.exec(select(AgencyService).where(AgencyService.purchase_id == p.id)).one()
        assert p.publicity_until is not None
        day = cal.add_working_days(p.publicity_until, 1).day
        agent = winner(p)
        contract = files.store_file(
            session, principal=agent, filename="中介服务合同.pdf", content=_pdf(p.number)
        )
        service_clock.upload_contract(
            session, principal=agent, service_id=svc.id or 0, file_id=contract.id, now=_at(day)
        )
        service_clock.confirm_contract(
            session, principal=owner, service_id=svc.id or 0, now=_at(day, 15)
        )
        if stop == "in_progress":
            return
        day = cal.add_working_days(day, 2).day
        if stop == "paused":
            service_clock.pause(
                session,
                principal=agent,
                service_id=svc.id or 0,
                reason="等待业主提供地形图和地勘资料",
                now=_at(day),
            )
            return
        day = cal.add_working_days(day, 4).day
        report = files.store_file(
            session, principal=agent, filename="服务成果.pdf", content=_pdf(p.number + "-result")
        )
        service_clock.submit_result(
            session, principal=agent, service_id=svc.id or 0, file_id=report.id, now=_at(day)
        )
        if stop == "submitted":
            return
        service_clock.accept_result(
            session, principal=owner, service_id=svc.id or 0, now=_at(day, 16)
        )
        evaluation.rate_service(
            session,
            principal=owner,
            service_id=svc.id or 0,
            rating=rng.choice([4, 5, 5]),
            comment="按时交付，质量较好",
        )

    plan = [
        ("accepted", SelectionMethod.RANDOM),
        ("accepted", SelectionMethod.LOWEST_PRICE),
        ("accepted", SelectionMethod.SCORED),
        ("submitted", SelectionMethod.RANDOM),
        ("paused", SelectionMethod.RANDOM),
        ("in_progress", SelectionMethod.LOWEST_PRICE),
        ("in_progress", SelectionMethod.RANDOM),
    ]
    for n, (stop, method) in enumerate(plan):
        # the two services still running (overdue by now) are 南昌's first owners', whom the
        # city's supervisor watches; the others go round the owners in turn
        owner, pid = owners[(n - 5 if stop == "in_progress" else n) % len(owners)]
        day = cal.add_working_days(start, n).day
        p = post(
            owner,
            pid,
            day,
            method=method,
            service=["ZJ03", "ZJ04", "ZJ05"][n % 3],
            weights={"price": 40, "credit": 40, "experience": 20}
            if method == SelectionMethod.SCORED
            else None,
        )
        register(
            p,
            rng.sample(nanchang, 4),
            cal.add_working_days(day, 1).day,
            quotes=method != SelectionMethod.RANDOM,
            # one price competition where every quote hugs the budget: a pattern to look into
            low=0.97 if n == 1 else 0.7,
        )
        close(p)
        run_service(p, owner, stop)
    # selected lately: in publicity now, with a contract to sign
    owner, pid = owners[-1]
    day = _back(cal, today, 5)
    p = post(owner, pid, day, service="ZJ09", limit_days=5, scope="竣工测量（多测合一）")
    register(p, rng.sample(nanchang, 3), cal.add_working_days(day, 1).day, quotes=False)
    close(p)
    # direct selection waiting for the owner; no eligible registrant (流标); withdrawn
    day = _back(cal, today, 4)
    owner, pid = owners[0]
    p = post(
        owner,
        pid,
        day,
        method=SelectionMethod.DIRECT,
        budget=20000.0,
        service="ZJ06",
        scope="编制防洪影响评价报告",
        limit_days=5,
    )
    register(p, nanchang[:2], cal.add_working_days(day, 1).day, quotes=True)
    close(p)
    owner, pid = owners[1 % len(owners)]
    p = post(owner, pid, _back(cal, today, 6), service="ZJ11", scope="地质灾害危险性评估")
    close(p)
    p = post(owner, pid, _back(cal, today, 2), service="ZJ12", scope="安全预评价")
    purchases.cancel_purchase(
        session, principal=owner, purchase_id=p.id or 0, reason="项目方案调整，暂缓采购"
    )
    # an objection upheld during publicity, in 南昌 (whose supervisor the demo shows it to)
    local = [o for o in owners if _project_city(session, o[1]) == "360100"] or owners
    owner, pid = local[2 % len(local)]
    day = _back(cal, today, 8)
    p = post(owner, pid, day, service="ZJ04", scope="编制水土保持方案报告表")
    register(p, nanchang[2:6], cal.add_working_days(day, 1).day, quotes=False)
    close(p)
    loser = next(a for a in nanchang[2:6] if a is not winner(p))
    objection = publicity.raise_objection(
        session,
        principal=loser,
        purchase_id=p.id or 0,
        body="中选机构的项目负责人同时在本项目设计单位任职，存在利益冲突。",
        now=p.deadline + dt.timedelta(days=1),
    )
    publicity.answer_objection(
        session,
        principal=reviewer,
        objection_id=objection.id or 0,
        upheld=True,
        answer="经核查属实，中选结果作废，请业主重新发布采购公告。",
        now=p.deadline + dt.timedelta(days=2),
    )
    # open now: opportunities for zhongjie01 and the public list
    for n in range(6):
        owner, pid = owners[n % len(owners)]
        p = post(
            owner,
            pid,
            _back(cal, today, n % 2),
            service=["ZJ03", "ZJ04", "ZJ05", "ZJ09", "ZJ01", "ZJ02"][n],
            limit_days=5 if n == 3 else 10,
            method=[SelectionMethod.RANDOM, SelectionMethod.LOWEST_PRICE, SelectionMethod.SCORED][
                n % 3
            ],
            weights={"price": 50, "credit": 30, "experience": 20} if n % 3 == 2 else None,
            budget=None if n == 4 else float(rng.choice([40000, 60000])),
        )
        if n < 3:
            register(p, nanchang[3:5], local_date(p.published_at), quotes=n % 3 != 0)
    return {"agencies": AGENCIES, "purchases": made}


def _make_agencies(
    session: Session,
    rng: random.Random,
    reviewer: Principal,
    make_uscc,  # noqa: ANN001
    pw: str,
    now: dt.datetime,
) -> None:
    """Thirty agencies: zhongjie01-08 serve 南昌 with 环评, 水保, 节能 and surveying; the rest
    one to three services in their own city and up to two others. zhongjie29 waits for
    review, zhongjie30 was refused with its legal reason, zhongjie28 is blacklisted."""
    today = local_date(now)
    cities = [c for c in session.exec(select(Region.code).where(Region.level == "city"))]
    codes = [s.code for s in session.exec(select(ServiceType).order_by(col(ServiceType.code)))]
    quals = {s.code: s.qualification for s in session.exec(select(ServiceType))}
    for n in range(1, AGENCIES + 1):
        city = "360100" if n <= 8 else rng.choice(cities)
        name = f"江西{rng.choice(WORDS)}{rng.choice(KINDS)}有限公司"
        while session.exec(select(Company.id).where(Company.name == name)).first():
            name = name.replace("有限公司", f"{n}有限公司")
        company = Company(
            uscc=make_uscc(rng, city),
            name=name,
            legal_rep=f"中介{n:02d}号法人",
            contact_phone=f"1370000{n:04d}",
            region_code=city,
        )
        session.add(company)
        session.flush()
        user = _user_for(session, company, f"zhongjie{n:02d}", pw)
        services = (
            ["ZJ03", "ZJ04", "ZJ05", "ZJ06", "ZJ09"]
            if n <= 8
            else rng.sample(codes, rng.randint(1, 3))
        )
        area = sorted({city, "360100"} | set(rng.sample(cities, rng.randint(0, 2))))
        row = admission.apply_for_admission(
            session,
            principal=user,
            service_codes=services,
            city_codes=area,
            intro="从事工程建设领域中介服务十余年，提供咨询、评估与技术服务。",
            now=now,
        )
        for code in services:
            if quals.get(code):
                admission.add_qualification(
                    session,
                    principal=user,
                    category=quals[code],
                    grade=rng.choice(["甲级", "乙级"]),
                    certificate_no=f"{code}-{n:04d}",
                    valid_until=today.replace(year=today.year + 2),
                    now=now,
                )
        admission.add_staff(session, principal=user, name=f"技术负责人{n}", title="高级工程师")
        if n == 29:
            continue  # left waiting for review
        admission.review_agency(
            session,
            principal=reviewer,
            agency_id=row.id or 0,
            admit=n != 30,
            reason="" if n != 30 else "依据《测绘法》第二十七条，未取得测绘资质证书",
            now=now,
        )
        if n == 28:
            admission.blacklist(
                session,
                principal=reviewer,
                agency_id=row.id or 0,
                until=today + dt.timedelta(days=180),
                reason="在服务中提供虚假检测数据",
                now=now,
            )


def _owners(session: Session) -> list[tuple[Principal, int]]:
    """Applicants with projects, those in 南昌 (the city the demo's agencies serve first) first."""
    in_nanchang = col(Project.region_code).startswith("3601")
    rows = session.exec(
        select(User, Project.id)
        .join(Project, col(Project.company_id) == col(User.company_id))
        .where(
            User.role == "applicant",
            col(User.company_id).not_in(select(Agency.company_id)),
        )
        .order_by(case((in_nanchang, 0), else_=1), col(Project.id))
        .limit(8)
    ).all()
    return [(Principal.of(u), pid or 0) for u, pid in rows]


def _project_city(session: Session, project_id: int) -> str:
    project = session.get(Project, project_id)
    return (project.region_code or "")[:4] + "00" if project else ""


def _previous(cal: WorkCalendar, day: dt.date) -> dt.date:
    day -= dt.timedelta(days=1)
    while not cal.is_working_day(day):
        day -= dt.timedelta(days=1)
    return day


def _back(cal: WorkCalendar, day: dt.date, n: int) -> dt.date:
    for _ in range(n):
        day = _previous(cal, day)
    return day
