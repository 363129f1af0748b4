"""Demo 策划生成: two of 南昌's planned projects — one agreed with the departments'
conditions, waiting for its builder (南昌洪都建设, qiye001) to register it; one still with the
departments (住建 and 水利 have not answered)."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from eap.models import Company, PlannedProject, User
from eap.services.approval import generation
from eap.services.core.principal import Principal

CONDITIONS = {
    "zrzy": "容积率不大于 2.0，建筑密度不大于 40%，建筑限高 45 米",
    "fgw": "",
    "sthj": "按园区规划环评要求配套污水预处理设施",
    "sl": "雨污分流，场地排水接入市政管网",
    "zj": "",
}


def _who(session: Session, username: str) -> Principal:
    return Principal.of(session.exec(select(User).where(User.username == username)).one())


def seed_plans(session: Session, *, now: dt.datetime) -> int:
    if session.exec(select(PlannedProject.id)).first() is not None:
        return 0
    builder = session.exec(select(Company).where(Company.name == "南昌洪都建设有限公司")).first()
    lead = _who(session, "nc_zrzy")
    agreed = generation.propose(
        session,
        principal=lead,
        name="南昌高新区智能制造产业园（一期）",
        region_code="360102",
        total_investment=28000,
        land_area=66000,
        location="东湖区规划产业用地 B-12 地块",
        description="标准厂房、研发楼及配套设施",
        builder_uscc=builder.uscc if builder else "",
        kinds=("fgw", "sthj", "sl", "zj"),
        now=now - dt.timedelta(days=20),
    )
    for row in generation.plans_for_department(session, principal=lead)[0].opinions:
        kind = {"自然资源": "zrzy", "发展和改革": "fgw", "生态环境": "sthj", "水利": "sl"}
        dept_kind = next((k for word, k in kind.items() if word in row.department), "zj")
        generation.record_opinion(
            session,
            principal=_who(session, f"nc_{dept_kind}"),
            opinion_id=row.id,
            agreed=True,
            opinion="符合国土空间规划，同意" if dept_kind == "zrzy" else "同意",
            conditions=CONDITIONS[dept_kind],
            now=now - dt.timedelta(days=15),
        )
    generation.conclude(
        session,
        principal=lead,
        planned_id=agreed.id or 0,
        conclusion="各部门同意，策划生成，建设单位可据此登记项目",
        now=now - dt.timedelta(days=14),
    )
    waiting = generation.propose(
        session,
        principal=lead,
        name="赣江之滨滨水公园配套服务中心",
        region_code="360104",
        total_investment=6800,
        land_area=21000,
        location="青云谱区滨江路东侧",
        description="游客服务中心及地下停车场",
        kinds=("fgw", "zj", "sl"),
        now=now - dt.timedelta(days=3),
    )
    for row in generation.plans_for_department(session, principal=lead)[0].opinions:
        if row.mine:  # the lead's own opinion is in; 住建, 发改 and 水利 have not answered yet
            generation.record_opinion(
                session,
                principal=lead,
                opinion_id=row.id,
                agreed=True,
                opinion="符合国土空间规划",
                conditions="绿地率不小于 35%",
                now=now - dt.timedelta(days=2),
            )
    assert waiting.id is not None
    return 2
