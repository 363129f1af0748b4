"""The national standard's approval tables (DOMAIN §10): the cities' process configuration,
projects, their units, item cases, their history, approval documents and special procedures.

Each renderer takes the anchor ids to render (None: all) and yields one ``Row`` per record.
Codes are the real ones: a department is reported by its organisation code (SPBMBM), an item
by the city's 实施清单 code (SPSXBM); GCDM is the project's own engineering code or empty."""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from sqlalchemy import bindparam, case
from sqlmodel import Session, col, select

from eap.models import (
    ApprovalDocument,
    CaseEvent,
    Department,
    Item,
    ItemCase,
    ItemCode,
    Process,
    Project,
    ProjectUnit,
    Region,
    SpecialProcedure,
    StageCase,
)
from eap.models.cases import Blzt
from eap.models.common import table_of
from eap.models.projects import (
    UNIT_ROLES,
    ApprovalType,
    ConstructionNature,
    EngineeringCategory,
    LandAcquisition,
)
from eap.services.exchange.fields import Column, Row, SpglTable, chunks, day, fresh, ts
from eap.services.exchange.process_tables import (
    process_item_rows,
    process_rows,
    process_stage_rows,
)

STAGES = frozenset(range(1, 6))
PROCESS_TYPES = frozenset(range(1, 11))
BLZT = frozenset(int(s) for s in Blzt if s != Blzt.SUBMITTED)
YES_NO = frozenset({0, 1})
# 单位类型: 1 建设 2 设计 3 施工 4 监理 5 勘察 (UNIT_ROLES in that order)
UNIT_TYPES = {role: n for n, role in enumerate(UNIT_ROLES, start=1)}
SPECIAL_KINDS = {
    "expert": (1, "专家评审"),
    "hearing": (2, "听证"),
    "survey": (3, "现场勘查"),
    "notice": (4, "公示"),
    "testing": (5, "检验检测"),
    "other": (9, "其他"),
}
# 项目投资来源 (XMTZLY): 1 政府投资 (process types 1, 2), 2 社会投资
GOVERNMENT_TYPES = (1, 2)


# --- projects and their units --------------------------------------------------------------


def project_rows(session: Session, ids: Collection[int] | None) -> Iterator[Row]:
    for part in chunks(ids):
        q = select(Project, Process).outerjoin(Process, col(Process.id) == col(Project.process_id))
        if part is not None:
            q = q.where(col(Project.id).in_(part))
        for p, process in fresh(session, q.order_by(col(Project.id))).all():
            assert p.id is not None
            yield Row(
                f"XM{p.id:010d}",
                p.id,
                p.region_code,
                {
                    "XZQHDM": p.region_code,
                    "XMDM": p.project_code,
                    "XMMC": p.name,
                    "GCDM": p.engineering_code or None,
                    "XMTZLY": 1 if p.process_type in GOVERNMENT_TYPES else 2,
                    "TDHQFS": p.land_acquisition,
                    "SFWCQYPG": int(p.regional_assessment),
                    "LXLX": p.approval_type,
                    "GCFL": p.engineering_category,
                    "JSXZ": p.construction_nature,
                    "GBHY": p.industry_code,
                    "SPLCLX": p.process_type,
                    "SPLCBM": process.code if process else None,
                    "SPLCBBH": process.version if process else None,
                    "ZTZE": p.total_investment,
                    "JSDDXZQH": p.region_code,
                    "JSDD": p.location,
                    "XMJSDDX": p.longitude,
                    "XMJSDDY": p.latitude,
                    "JSGMJNR": p.scale or None,
                    "YDMJ": p.land_area,
                    "JZMJ": p.floor_area,
                    "NKGSJ": day(p.planned_start),
                    "NJCSJ": day(p.planned_finish),
                    "SBSJ": ts(p.created_at),
                },
            )


def unit_rows(session: Session, ids: Collection[int] | None) -> Iterator[Row]:
    for part in chunks(ids):
        q = select(ProjectUnit, Project).join(Project, col(Project.id) == ProjectUnit.project_id)
        if part is not None:
            q = q.where(col(ProjectUnit.project_id).in_(part))
        for u, p in fresh(session, q.order_by(col(ProjectUnit.id))).all():
            yield Row(
                f"DW{u.id:010d}",
                u.project_id,
                p.region_code,
                {
                    "XZQHDM": p.region_code,
                    "XMDM": p.project_code,
                    "DWMC": u.name,
                    "DWTYSHXYDM": u.uscc,
                    "DWLX": UNIT_TYPES.get(u.role, 0),
                },
            )


# --- item cases and what hangs off them ----------------------------------------------------


def _item_case_query() -> Any:
    """The case rows' query, built once (it runs at every commit that moves a case)."""
    where_dept = table_of(Region).alias("dept_region")
    city = case((where_dept.c.level == "county", where_dept.c.parent_code), else_=where_dept.c.code)
    q = (
        select(
            ItemCase.id,
            ItemCase.case_no,
            ItemCase.limit_days,
            ItemCase.clock_started_at,
            ItemCase.status,
            ItemCase.promise,
            ItemCase.due_date,
            StageCase.region_code,
            StageCase.case_no,
            StageCase.stage_code,
            StageCase.channel,
            StageCase.accepted_at,
            Project.project_code,
            Item.version,
            Item.name_zh,
            Department.org_code,
            Department.name,
            ItemCode.listed_code,
        )
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .join(Project, col(Project.id) == col(ItemCase.project_id))
        .join(Item, col(Item.id) == col(ItemCase.item_id))
        .join(Department, col(Department.id) == col(ItemCase.department_id))
        .join(where_dept, where_dept.c.code == col(Department.region_code))
        .outerjoin(
            ItemCode,
            (col(ItemCode.item_code) == col(Item.code)) & (col(ItemCode.region_code) == city),
        )
        .where(col(ItemCase.status) > Blzt.SUBMITTED)
        .order_by(col(ItemCase.id))
    )
    return q


_ITEM_CASES = _item_case_query()
_ITEM_CASES_BY_ID = _ITEM_CASES.where(col(ItemCase.id).in_(bindparam("ids", expanding=True)))


def item_case_rows(session: Session, ids: Collection[int] | None) -> Iterator[Row]:
    """Plain columns, one query with the item's 实施清单 code joined (the row is rendered at
    every commit that moves a case: no ORM objects, no reference tables loaded whole)."""
    conn = session.connection()
    for part in chunks(ids):
        if part is None:
            rows = conn.execute(_ITEM_CASES).all()
        else:
            rows = conn.execute(_ITEM_CASES_BY_ID, {"ids": part}).all()
        for (
            case_id,
            case_no,
            limit_days,
            started,
            status,
            promise,
            due,
            region,
            stage_no,
            stage,
            channel,
            accepted,
            project_code,
            version,
            item_name,
            org_code,
            dept_name,
            listed,
        ) in rows:
            assert case_id is not None
            yield Row(
                f"SX{case_id:010d}",
                case_id,
                region,
                {
                    "XZQHDM": region,
                    "XMDM": project_code,
                    "SPSXBM": _implemented_by(listed or "", org_code),
                    "SPSXBBH": version,
                    "SPSXMC": item_name,
                    "SPSXSLBM": case_no,
                    "BLSPSLBM": stage_no,
                    "SPJDXH": stage,
                    "SPBMBM": org_code,
                    "SPBMMC": dept_name,
                    "SLFS": channel,
                    "SXBLSX": limit_days,
                    "SLSJ": ts(started or accepted),
                    "BLZT": status,
                    "SFGZCN": int(promise),
                    "BLJZRQ": day(due),
                },
            )


def _implemented_by(listed: str, org_code: str) -> str:
    """The 实施清单 code as the handling department implements it: a county's (or the
    province's) department implements the city's listed item under its own organisation code,
    the code's first 18 characters (事权; the national check compares them with SPBMBM)."""
    if listed and len(org_code) == 18 and listed[:18] != org_code:
        return org_code + listed[18:]
    return listed


def _case_numbers(
    session: Session, part: list[int] | None
) -> dict[int, tuple[str, str]]:  # item case id -> (SPSXSLBM, region)
    q = select(ItemCase.id, ItemCase.case_no, StageCase.region_code).join(
        StageCase, col(StageCase.id) == col(ItemCase.stage_case_id)
    )
    if part is not None:
        q = q.where(col(ItemCase.id).in_(part))
    return {i: (no, region) for i, no, region in fresh(session, q).all() if i is not None}


def _of_cases(
    session: Session, model: Any, ids: Collection[int] | None
) -> Iterator[tuple[Any, str, str]]:
    """Each row of ``model`` (documents, special procedures) under these item cases, with
    its case's number (SPSXSLBM) and region."""
    for part in chunks(ids):
        cases = _case_numbers(session, part)
        q = select(model)
        if part is not None:
            q = q.where(col(model.item_case_id).in_(part))
        for obj in fresh(session, q.order_by(col(model.id))).all():
            yield (obj, *cases[obj.item_case_id])


def history_rows(session: Session, ids: Collection[int] | None) -> Iterator[Row]:
    """One query of plain columns: rendered at every commit that moves a case."""
    q = (
        select(
            CaseEvent.id,
            CaseEvent.item_case_id,
            CaseEvent.office,
            CaseEvent.handler_name,
            CaseEvent.status,
            CaseEvent.opinion,
            CaseEvent.at,
            ItemCase.case_no,
            StageCase.region_code,
        )
        .join(ItemCase, col(ItemCase.id) == col(CaseEvent.item_case_id))
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .where(col(CaseEvent.status) > Blzt.SUBMITTED)
        .order_by(col(CaseEvent.id))
    )
    for part in chunks(ids):
        rows = session.exec(
            q if part is None else q.where(col(CaseEvent.item_case_id).in_(part))
        ).all()
        for event_id, case_id, office, handler, status, opinion, at, case_no, region in rows:
            yield Row(
                f"LS{event_id:010d}",
                case_id or 0,
                region,
                {
                    "XZQHDM": region,
                    "SPSXSLBM": case_no,
                    "BLCS": office,
                    "BLR": handler,
                    "BLZT": status,
                    "BLYJ": opinion or None,
                    "BLSJ": ts(at),
                },
            )


def document_rows(session: Session, ids: Collection[int] | None) -> Iterator[Row]:
    for doc, case_no, region in _of_cases(session, ApprovalDocument, ids):
        yield Row(
            f"PF{doc.id:010d}",
            doc.item_case_id,
            region,
            {
                "XZQHDM": region,
                "SPSXSLBM": case_no,
                "PFRQ": day(doc.issued_on),
                "PFWH": doc.doc_no,
                "PFWJBT": doc.title,
                "PFWJYXQX": day(doc.valid_until),
                # the document is rendered as a PDF from this row whenever it is read
                "FJMC": f"{doc.doc_no}.pdf",
                "FJLX": "pdf",
            },
        )


def special_rows(session: Session, ids: Collection[int] | None) -> Iterator[Row]:
    for proc, case_no, region in _of_cases(session, SpecialProcedure, ids):
        code, name = SPECIAL_KINDS.get(proc.kind, SPECIAL_KINDS["other"])
        yield Row(
            f"TB{proc.id:010d}",
            proc.item_case_id,
            region,
            {
                "XZQHDM": region,
                "SPSXSLBM": case_no,
                "TBCX": code,
                "TBCXMC": name,
                "TBCXKSSJ": ts(proc.started_at),
                "TBCXSXLX": 1,  # 时限类型: 1 工作日
                "TBCXSX": proc.limit_days,
                "TBCXJSSJ": ts(proc.ended_at),
                "TBCXQDYY": proc.reason,
                "TBCXJG": proc.result or None,
            },
        )


def _c(name: str, kind: str = "str", *, req: bool = False, codes: Any = None) -> Column:
    return Column(name, kind, req, frozenset(codes) if codes is not None else None)


_REGION = _c("XZQHDM", req=True)
_PROCESS = (_REGION, _c("SPLCBM", req=True), _c("SPLCBBH", "int", req=True))

TABLES = (
    SpglTable(
        "SPGL_DFXMSPLCXXB",
        "地方项目审批流程信息表",
        (
            *_PROCESS,
            _c("SPLCMC", req=True),
            _c("SPLCLX", "int", req=True, codes=PROCESS_TYPES),
            _c("SFYX", "int", req=True, codes=YES_NO),
            _c("FBSJ", "datetime", req=True),
        ),
        process_rows,
        "process",
    ),
    SpglTable(
        "SPGL_DFXMSPLCJDXXB",
        "地方项目审批流程阶段信息表",
        (
            *_PROCESS,
            _c("SPJDXH", "int", req=True, codes=STAGES),
            _c("SPJDMC", req=True),
            _c("SPJDSX", "int", req=True),
        ),
        process_stage_rows,
        "process",
        ("SPGL_DFXMSPLCXXB",),
    ),
    SpglTable(
        "SPGL_DFXMSPLCJDSXXXB",
        "地方项目审批流程阶段事项信息表",
        (
            *_PROCESS,
            _c("SPJDXH", "int", req=True, codes=STAGES),
            _c("SPSXBM", req=True),
            _c("SPSXBBH", "int", req=True),
            _c("SPSXMC", req=True),
            _c("SXBLSX", "int", req=True),
            _c("SFBX", "int", req=True, codes=YES_NO),
        ),
        process_item_rows,
        "process",
        ("SPGL_DFXMSPLCXXB",),
    ),
    SpglTable(
        "SPGL_XMJBXXB",
        "项目基本信息表",
        (
            _REGION,
            _c("XMDM", req=True),
            _c("XMMC", req=True),
            _c("GCDM"),
            _c("XMTZLY", "int", req=True, codes={1, 2}),
            _c("TDHQFS", "int", req=True, codes={int(v) for v in LandAcquisition}),
            _c("SFWCQYPG", "int", req=True, codes=YES_NO),
            _c("LXLX", "int", req=True, codes={int(v) for v in ApprovalType}),
            _c("GCFL", "int", req=True, codes={int(v) for v in EngineeringCategory}),
            _c("JSXZ", "int", req=True, codes={int(v) for v in ConstructionNature}),
            _c("GBHY", req=True),
            _c("SPLCLX", "int", req=True, codes=PROCESS_TYPES),
            _c("SPLCBM"),
            _c("SPLCBBH", "int"),
            _c("ZTZE", "float", req=True),
            _c("JSDDXZQH", req=True),
            _c("JSDD", req=True),
            _c("XMJSDDX", "float"),
            _c("XMJSDDY", "float"),
            _c("JSGMJNR"),
            _c("YDMJ", "float"),
            _c("JZMJ", "float"),
            _c("NKGSJ", "date"),
            _c("NJCSJ", "date"),
            _c("SBSJ", "datetime", req=True),
        ),
        project_rows,
        "project",
    ),
    SpglTable(
        "SPGL_XMDWXXB",
        "项目单位信息表",
        (
            _REGION,
            _c("XMDM", req=True),
            _c("DWMC", req=True),
            _c("DWTYSHXYDM", req=True),
            _c("DWLX", "int", req=True, codes=set(UNIT_TYPES.values())),
        ),
        unit_rows,
        "project",
        ("SPGL_XMJBXXB",),
    ),
    SpglTable(
        "SPGL_XMSPSXPFWJXXB",
        "项目审批事项批复文件信息表",
        (
            _REGION,
            _c("SPSXSLBM", req=True),
            _c("PFRQ", "date", req=True),
            _c("PFWH", req=True),
            _c("PFWJBT", req=True),
            _c("PFWJYXQX", "date"),
            _c("FJMC", req=True),
            _c("FJLX", req=True),
        ),
        document_rows,
        "item case",
    ),
    SpglTable(
        "SPGL_XMSPSXBLXXB",
        "项目审批事项办理信息表",
        (
            _REGION,
            _c("XMDM", req=True),
            _c("SPSXBM", req=True),
            _c("SPSXBBH", "int", req=True),
            _c("SPSXMC", req=True),
            _c("SPSXSLBM", req=True),
            _c("BLSPSLBM", req=True),
            _c("SPJDXH", "int", req=True, codes=STAGES),
            _c("SPBMBM", req=True),
            _c("SPBMMC", req=True),
            _c("SLFS", "int", req=True, codes={1, 2}),
            _c("SXBLSX", "int", req=True),
            _c("SLSJ", "datetime"),
            _c("BLZT", "int", req=True, codes=BLZT),
            _c("SFGZCN", "int", req=True, codes=YES_NO),
            _c("BLJZRQ", "date"),
        ),
        item_case_rows,
        "item case",
        ("SPGL_XMJBXXB", "SPGL_XMSPSXPFWJXXB"),
    ),
    SpglTable(
        "SPGL_XMSPSXBLXXXXB",
        "项目审批事项办理详细信息表",
        (
            _REGION,
            _c("SPSXSLBM", req=True),
            _c("BLCS", req=True),
            _c("BLR", req=True),
            _c("BLZT", "int", req=True, codes=BLZT),
            _c("BLYJ"),
            _c("BLSJ", "datetime", req=True),
        ),
        history_rows,
        "item case",
        ("SPGL_XMSPSXBLXXB",),
    ),
    SpglTable(
        "SPGL_XMSPSXBLTBCXXXB",
        "项目审批事项特别程序信息表",
        (
            _REGION,
            _c("SPSXSLBM", req=True),
            _c("TBCX", "int", req=True, codes={c for c, _n in SPECIAL_KINDS.values()}),
            _c("TBCXMC", req=True),
            _c("TBCXKSSJ", "datetime", req=True),
            _c("TBCXSXLX", "int", req=True, codes={1, 2}),
            _c("TBCXSX", "int", req=True),
            _c("TBCXJSSJ", "datetime"),
            _c("TBCXQDYY", req=True),
            _c("TBCXJG"),
        ),
        special_rows,
        "item case",
        ("SPGL_XMSPSXBLXXB",),
    ),
)
