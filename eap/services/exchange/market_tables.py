"""The intermediary tables of the national exchange standard (DOMAIN §10): one row per
intermediary service (SPGL_ZJFWSXBLXXB) and its milestones (SPGL_ZJFWSXBLGCXXB), anchored on
the service. Codes: XZFS 1 直接选取, 2 随机抽取, 3 竞价选取, 4 综合评分 (``SelectionMethod``);
FWZT the ``ServiceStatus`` values."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from eap.models import Agency, AgencyService, Company, Project, Purchase, ServiceType
from eap.models.market import SelectionMethod, ServiceStatus
from eap.services.exchange.fields import Column, Row, SpglTable, chunks, day, fresh, ts

_AGENCY = aliased(Company)


def _services(session: Session, ids: Collection[int] | None) -> Iterator[Any]:
    for part in chunks(ids):
        q = (
            select(AgencyService, Purchase, Project, ServiceType, _AGENCY)
            .join(Purchase, col(Purchase.id) == col(AgencyService.purchase_id))
            .join(Project, col(Project.id) == col(AgencyService.project_id))
            .join(ServiceType, col(ServiceType.code) == col(Purchase.service_code))
            .join(Agency, col(Agency.id) == col(AgencyService.agency_id))
            .join(_AGENCY, col(_AGENCY.id) == col(Agency.company_id))
        )
        if part is not None:
            q = q.where(col(AgencyService.id).in_(part))
        yield from fresh(session, q.order_by(col(AgencyService.id))).all()


def _signed(svc: AgencyService) -> Any:
    return max(filter(None, (svc.owner_confirmed_at, svc.agency_confirmed_at)), default=None)


def service_rows(session: Session, ids: Collection[int] | None) -> Iterator[Row]:
    for svc, p, project, stype, agency in _services(session, ids):
        yield Row(
            f"ZJ{svc.id:010d}",
            svc.id,
            project.region_code,
            {
                "XZQHDM": project.region_code,
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
                "HTQDSJ": ts(_signed(svc)),
                "FWKSRQ": day(svc.started_on),
                "FWJZRQ": day(svc.due_date),
                "ZTTS": svc.paused_days,
                "CGTJSJ": ts(svc.result_submitted_at),
                "CGQRSJ": ts(svc.accepted_at),
                "SFAQWC": None if svc.on_time is None else int(svc.on_time),
                "FWZT": svc.status,
                "YZPJ": svc.owner_rating,
            },
        )


def milestone_rows(session: Session, ids: Collection[int] | None) -> Iterator[Row]:
    """选取, 合同确认, 成果提交, 成果确认 — each a row with its time, in order."""
    for svc, p, project, _stype, _agency in _services(session, ids):
        steps = [
            ("1", "中选", p.selected_at),
            ("2", "合同确认", _signed(svc) if svc.started_on else None),
            ("3", "成果提交", svc.result_submitted_at),
            ("4", "成果确认", svc.accepted_at),
        ]
        for n, (code, name, at) in enumerate((s for s in steps if s[2] is not None), start=1):
            yield Row(
                f"ZJGC{svc.id:010d}{code:0>2}",  # keyed by the step: stable if one is missing
                svc.id,
                project.region_code,
                {
                    "XZQHDM": project.region_code,
                    "XMDM": project.project_code,
                    "CGGGBH": p.number,
                    "BLCS": n,
                    "HJDM": code,
                    "HJMC": name,
                    "BLSJ": ts(at),
                },
            )


def _c(name: str, kind: str = "str", *, req: bool = False, codes: Any = None) -> Column:
    return Column(name, kind, req, frozenset(codes) if codes is not None else None)


TABLES = (
    SpglTable(
        "SPGL_ZJFWSXBLXXB",
        "中介服务事项办理信息表",
        (
            _c("XZQHDM", req=True),
            _c("XMDM", req=True),
            _c("ZJFWSXBM", req=True),
            _c("ZJFWSXMC", req=True),
            _c("GLSPSXBM"),
            _c("CGGGBH", req=True),
            _c("XZFS", "int", req=True, codes={int(m) for m in SelectionMethod}),
            _c("ZXJGMC", req=True),
            _c("ZXJGTYSHXYDM", req=True),
            _c("ZXJE", "float"),
            _c("FWSX", "int", req=True),
            _c("HTQDSJ", "datetime"),
            _c("FWKSRQ", "date"),
            _c("FWJZRQ", "date"),
            _c("ZTTS", "int"),
            _c("CGTJSJ", "datetime"),
            _c("CGQRSJ", "datetime"),
            _c("SFAQWC", "int", codes={0, 1}),
            _c("FWZT", "int", req=True, codes={int(s) for s in ServiceStatus}),
            _c("YZPJ", "int"),
        ),
        service_rows,
        "service",
        ("SPGL_XMJBXXB",),
    ),
    SpglTable(
        "SPGL_ZJFWSXBLGCXXB",
        "中介服务事项办理过程信息表",
        (
            _c("XZQHDM", req=True),
            _c("XMDM", req=True),
            _c("CGGGBH", req=True),
            _c("BLCS", "int", req=True),
            _c("HJDM", req=True, codes=None),
            _c("HJMC", req=True),
            _c("BLSJ", "datetime", req=True),
        ),
        milestone_rows,
        "service",
        ("SPGL_ZJFWSXBLXXB",),
    ),
)
