"""The intermediary tables of the national exchange standard (DOMAIN §10): one row per
intermediary service (SPGL_ZJFWSXBLXXB) and its milestones (SPGL_ZJFWSXBLGCXXB). Field names
follow the standard's pattern as far as it is known here; codes: XZFS 1 直接选取, 2 随机抽取,
3 竞价选取, 4 综合评分 (our ``SelectionMethod`` values); FWZT our ``ServiceStatus`` values."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from eap.models import Agency, AgencyService, Company, Project, Purchase, ServiceType
from eap.services.exchange.fields import common, day, ts

_AGENCY = aliased(Company)


def _services(session: Session):  # noqa: ANN202 - a row iterator of a long select
    return session.exec(
        select(AgencyService, Purchase, Project, ServiceType, _AGENCY)
        .join(Purchase, col(Purchase.id) == col(AgencyService.purchase_id))
        .join(Project, col(Project.id) == col(AgencyService.project_id))
        .join(ServiceType, col(ServiceType.code) == col(Purchase.service_code))
        .join(Agency, col(Agency.id) == col(AgencyService.agency_id))
        .join(_AGENCY, col(_AGENCY.id) == col(Agency.company_id))
        .order_by(col(AgencyService.id))
    )


def service_rows(session: Session) -> Iterator[dict[str, Any]]:
    for svc, p, project, stype, agency in _services(session):
        yield {
            **common(f"ZJ{svc.id:010d}", project.region_code),
            "XMDM": project.project_code,
            "ZJFWSXBM": stype.code,
            "ZJFWSXMC": stype.name_zh,
            "GLSPSXBM": stype.item_code,
            "CGGGBH": p.number,
            "XZFS": p.method,
            "ZXJGMC": agency.name,
            "ZXJGTYSHXYDM": agency.uscc,
            "ZXJE": p.winner_quote,
            "FWSX": svc.limit_days,
            "HTQDSJ": ts(
                max(filter(None, (svc.owner_confirmed_at, svc.agency_confirmed_at)), default=None)
            ),
            "FWKSRQ": day(svc.started_on),
            "FWJZRQ": day(svc.due_date),
            "ZTTS": svc.paused_days,
            "CGTJSJ": ts(svc.result_submitted_at),
            "CGQRSJ": ts(svc.accepted_at),
            "SFAQWC": None if svc.on_time is None else int(svc.on_time),
            "FWZT": svc.status,
            "YZPJ": svc.owner_rating,
        }


def milestone_rows(session: Session) -> Iterator[dict[str, Any]]:
    """选取, 合同确认, 成果提交, 成果确认 — each a row with its time, in order."""
    for svc, p, project, _stype, _agency in _services(session):
        steps = [
            ("1", "中选", p.selected_at),
            (
                "2",
                "合同确认",
                max(filter(None, (svc.owner_confirmed_at, svc.agency_confirmed_at)), default=None)
                if svc.started_on
                else None,
            ),
            ("3", "成果提交", svc.result_submitted_at),
            ("4", "成果确认", svc.accepted_at),
        ]
        for n, (code, name, at) in enumerate((s for s in steps if s[2] is not None), start=1):
            yield {
                **common(f"ZJGC{svc.id:010d}{n:02d}", project.region_code),
                "XMDM": project.project_code,
                "CGGGBH": p.number,
                "BLCS": n,
                "HJDM": code,
                "HJMC": name,
                "BLSJ": ts(at),
            }
