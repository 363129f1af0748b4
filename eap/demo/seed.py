"""The demo province (演示数据): every city, its departments, staff for every role, companies."""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from shapely.geometry import box, mapping
from sqlmodel import Session, col, select

from eap.config import get_settings
from eap.crypto import person_key
from eap.demo.planning import seed_plans
from eap.errors import DomainError
from eap.models import Agency, AreaAssessment, Company, Department, Region, User
from eap.models.accounts import UserCreate
from eap.services.admin import assessments, catalogue
from eap.services.admin.accounts import create_user, hash_password
from eap.services.approval import drawing_review, jurisdiction
from eap.services.core import geo
from eap.services.core.clock import now_or
from eap.services.core.identifiers import (
    USCC_CHARSET,
    id_check_char,
    mask_name,
    uscc_check_char,
)
from eap.services.core.principal import Principal

DEMO_PASSWORD = "Demo@2026"

CITY_SLUGS = {
    "360100": "nc",
    "360200": "jdz",
    "360300": "px",
    "360400": "jj",
    "360500": "xy",
    "360600": "yt",
    "360700": "gz",
    "360800": "ja",
    "360900": "yc",
    "361000": "fz",
    "361100": "sr",
    "369900": "gjxq",
}
APPROVING_KINDS = ("fgw", "zrzy", "zj", "sthj", "sl", "rf", "jt", "cg", "qx", "szgy")

_WORDS = [
    "恒信",
    "鑫源",
    "赣江",
    "洪都",
    "庐山",
    "井冈",
    "瑞丰",
    "华晟",
    "嘉禾",
    "锦程",
    "宏图",
    "景泰",
    "昌盛",
    "章贡",
    "滕王",
    "鄱湖",
    "青云",
    "翠湖",
    "白鹭",
    "红谷",
]
_TRADES = [
    "建设",
    "置业",
    "实业",
    "房地产开发",
    "工程",
    "城市建设投资",
    "产业园开发",
    "新材料",
    "电子科技",
    "物流",
]
_SURNAMES = list("王李张刘陈杨黄赵吴周徐孙胡朱高林何郭罗")
_GIVEN = [
    "伟",
    "芳",
    "娜",
    "敏",
    "静",
    "强",
    "磊",
    "军",
    "洋",
    "勇",
    "艳",
    "杰",
    "娟",
    "涛",
    "明",
    "超",
    "霞",
    "平",
    "刚",
    "桂英",
]


def _org_code(rng: random.Random) -> str:
    """A 9-character organisation code (GB 11714) with its own check character."""
    body = "".join(rng.choice("0123456789ABCDEFGHJKLMNPQRTUWXY") for _ in range(8))
    weights = (3, 7, 9, 10, 5, 8, 4, 2)
    total = sum(int(c, 36) * w for c, w in zip(body, weights, strict=True))
    check = 11 - total % 11
    return body + ("X" if check == 10 else "0" if check == 11 else str(check))


def make_uscc(rng: random.Random, region_code: str) -> str:
    first17 = "91" + region_code + _org_code(rng)
    assert all(c in USCC_CHARSET for c in first17)
    return first17 + uscc_check_char(first17)


def make_id_number(rng: random.Random, region_code: str) -> str:
    """A valid-looking 身份证号 of someone born 1960–1999 in that county (demo only)."""
    born = dt.date(1960, 1, 1) + dt.timedelta(days=rng.randrange(40 * 365))
    first17 = f"{region_code}{born:%Y%m%d}{rng.randrange(1000):03d}"
    return first17 + id_check_char(first17)


def _person(rng: random.Random) -> str:
    return rng.choice(_SURNAMES) + rng.choice(_GIVEN)


def _phone(rng: random.Random) -> str:
    return "1" + rng.choice("3589") + "".join(rng.choice("0123456789") for _ in range(9))


def seed_demo(session: Session, *, companies: int = 300, seed: int = 2026) -> dict[str, int]:
    """Create the demo province. Idempotent: existing accounts and companies are kept.
    Refused in production (EAP_ENV=production): its accounts share a published password."""
    if get_settings().env == "production":
        raise DomainError("demo.production")
    rng = random.Random(seed)
    counts = catalogue.load_all(session)
    pw = hash_password(DEMO_PASSWORD)
    existing = set(session.exec(select(User.username)))
    made = 0

    def add(username: str, name: str, role: str, **scope: Any) -> None:
        nonlocal made
        if username in existing:
            return
        data = UserCreate(
            username=username,
            display_name=name,
            role=role,
            password=DEMO_PASSWORD,
            phone=_phone(rng),
            **scope,
        )
        create_user(session, data=data, actor_id=None, hashed=pw, demo=True)
        existing.add(username)
        made += 1

    add("admin", "系统管理员", "admin", region_code="360000")
    add("auditor", "审计员", "auditor", region_code="360000")
    add("security", "安全员", "security", region_code="360000")
    add("leader", "省领导", "leader", region_code="360000")
    add("sheng_duban", "省级督查员", "supervisor", region_code="360000")
    depts = {(d.region_code, d.kind): d for d in session.exec(select(Department))}
    for code, slug in CITY_SLUGS.items():
        city = session.get(Region, code)
        assert city is not None
        add(
            f"{slug}_window",
            f"{city.name}综合窗口",
            "window",
            region_code=code,
            department_id=depts[(code, "window")].id,
        )
        add(f"{slug}_duban", f"{city.name}督查员", "supervisor", region_code=code)
        add(f"{slug}_leader", f"{city.name}领导", "leader", region_code=code)
        for kind in APPROVING_KINDS:
            dept = depts[(code, kind)]
            add(
                f"{slug}_{kind}",
                f"{dept.name}经办人",
                "approver",
                region_code=code,
                department_id=dept.id,
            )
            add(
                f"{slug}_{kind}_head",
                f"{dept.name}负责人",
                "approver",
                region_code=code,
                department_id=dept.id,
                is_head=True,
            )
    # The reform as two cities run it: 联合审图 in 赣州 (the drawing, fire and civil-air-
    # defence design reviews as one); 事权 of their own — 赣州 delegates the planning permit to
    # its counties and districts, 吉安 keeps the construction permit at the city.
    admin = Principal.of(session.exec(select(User).where(User.username == "admin")).one())
    if drawing_review.plan_for(session, city="360700") is None:
        drawing_review.set_plan(session, principal=admin, region_code="360700", enabled=True)
    for item, city_code, level, districts, basis in (
        ("S2-02", "360700", "county", True, "赣州市下放县级规划审批权限（演示）"),
        ("S3-04", "360800", "city", False, "吉安市住建局统一办理施工许可（演示）"),
    ):
        jurisdiction.set_rule(
            session,
            principal=admin,
            item_code=item,
            region_code=city_code,
            level=level,
            districts=districts,
            basis=basis,
        )
    _seed_area_assessment(session, admin)
    counties = list(session.exec(select(Region.code).where(Region.level == "county")))
    # 事权: the province's and the counties' offices handle what the rules send them, so they
    # are staffed too (sheng_fgw, 360121_window, 360121_zj, 360121_zj_head …).
    for region, slug in (("360000", "sheng"), *((c, c) for c in counties)):
        kinds = jurisdiction.kinds_handled_at(session, region_code=region)
        if kinds and region != "360000":
            kinds.add("window")
        for kind in sorted(kinds):
            dept = depts[(region, kind)]
            if kind == "window":
                add(
                    f"{slug}_window",
                    f"{dept.name}",
                    "window",
                    region_code=region,
                    department_id=dept.id,
                )
                continue
            add(
                f"{slug}_{kind}",
                f"{dept.name}经办人",
                "approver",
                region_code=region,
                department_id=dept.id,
            )
            add(
                f"{slug}_{kind}_head",
                f"{dept.name}负责人",
                "approver",
                region_code=region,
                department_id=dept.id,
                is_head=True,
            )
    builders = select(Company).where(
        Company.kind == "company", col(Company.id).not_in(select(Agency.company_id))
    )
    have = list(session.exec(builders).all())
    for i in range(len(have), companies):
        region = rng.choice(counties)
        city = session.get(Region, region[:4] + "00")
        assert city is not None
        name = f"{city.name.removesuffix('市')}{rng.choice(_WORDS)}{rng.choice(_TRADES)}有限公司"
        uscc = make_uscc(rng, region)
        company = Company(
            uscc=uscc,
            name=name if i else "南昌洪都建设有限公司",
            legal_rep=_person(rng),
            contact_phone=_phone(rng),
            region_code=region if i else "360102",
        )
        session.add(company)
        session.flush()
        have.append(company)
    # natural persons who build (e.g. a rural house): their ID numbers sealed, a pseudonym
    # as the party code (crypto.person_key)
    persons = list(session.exec(select(Company).where(Company.kind == "person")).all())
    for _ in range(len(persons), 3):
        region = rng.choice(counties)
        id_number, name = make_id_number(rng, region), _person(rng)
        person = Company(
            kind="person",
            uscc=person_key(id_number),
            id_number=id_number,
            name=mask_name(name),
            legal_rep=name,
            contact_phone=_phone(rng),
            region_code=region,
        )
        session.add(person)
        session.flush()
        persons.append(person)
    for n, person in enumerate(persons, start=1):
        add(
            f"geren{n:02d}",
            person.legal_rep,
            "applicant",
            region_code=person.region_code,
            company_id=person.id,
        )
    for n, company in enumerate(have[:20], start=1):
        add(
            f"qiye{n:03d}",
            company.legal_rep or "申报人",
            "applicant",
            region_code=company.region_code,
            company_id=company.id,
        )
    add("daiban01", "帮办代办员", "agent", region_code="360100")
    session.flush()
    counts["users"] = made
    # 中介超市: zhongjie01-30 and their agencies (purchases follow once projects exist)
    from eap.demo.market import seed_market

    seed_market(session, seed=seed, password=DEMO_PASSWORD, make_uscc=make_uscc)
    counts["companies"] = len(have)
    counts["plans"] = seed_plans(session, now=now_or(None))
    return counts


def _seed_area_assessment(session: Session, admin: Principal) -> None:
    """区域评估: 南昌县's development zone did its 环评 and 水土保持 once for the zone — a square
    of about 10 km around the county's middle, inside its boundary; projects sited there are
    not asked for those reports."""
    if session.exec(select(AreaAssessment.id)).first() is not None:
        return
    county = geo.region_shape("360121")
    if county is None:
        return
    middle = county.representative_point()
    zone = county.intersection(
        box(middle.x - 0.05, middle.y - 0.05, middle.x + 0.05, middle.y + 0.05)
    )
    assessments.add_assessment(
        session,
        principal=admin,
        name="小蓝经济技术开发区区域环评及水土保持评估（演示）",
        kind="env",
        region_code="360121",
        boundary=mapping(zone),
        exempts=["M038", "M039"],
        document_no="赣环评字〔2025〕18号（演示）",
        valid_until=dt.date(2030, 12, 31),
    )
