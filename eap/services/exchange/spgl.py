"""Interconnection (互联互通): rows in the national data-exchange standard's tables (SPGL_*),
with its upper-case field names and codes (BLZT, SPLCLX, SPJDXH)."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from sqlmodel import Session, col, select

from eap.models import (
    ApprovalDocument,
    CaseEvent,
    Department,
    Item,
    ItemCase,
    Project,
    SpecialProcedure,
    StageCase,
)
from eap.services.exchange import spgl_market
from eap.services.exchange.fields import common, day, ts

SPECIAL_KIND_CODES = {"expert": 1, "hearing": 2, "survey": 3, "notice": 4, "testing": 5, "other": 9}


def projects_rows(session: Session) -> Iterator[dict[str, Any]]:
    for p in session.exec(select(Project).order_by(col(Project.id))):
        yield {
            **common(f"XM{p.id:010d}", p.region_code),
            "XMDM": p.project_code,
            "XMMC": p.name,
            "GCDM": p.engineering_code or p.project_code,
            "SPLCLX": p.process_type,
            "ZTZE": p.total_investment,
            "JSDD": p.location,
            "XMJSDDX": p.longitude,
            "XMJSDDY": p.latitude,
            "YDMJ": p.land_area,
            "JZMJ": p.floor_area,
            "NKGSJ": day(p.planned_start),
            "NJCSJ": day(p.planned_finish),
        }


def item_case_rows(session: Session) -> Iterator[dict[str, Any]]:
    rows = session.exec(
        select(ItemCase, StageCase, Project, Item, Department)
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .join(Project, col(Project.id) == col(ItemCase.project_id))
        .join(Item, col(Item.id) == col(ItemCase.item_id))
        .join(Department, col(Department.id) == col(ItemCase.department_id))
        .where(col(ItemCase.status) > 0)
        .order_by(col(ItemCase.id))
    )
    for case, sc, p, item, dept in rows:
        yield {
            **common(f"SX{case.id:010d}", sc.region_code),
            "XMDM": p.project_code,
            "SPSXBM": item.code,
            "SPSXBBH": item.version,
            "SPSXMC": item.name_zh,
            "SPSXSLBM": case.case_no,
            "BLSPSLBM": sc.case_no,
            "SPJDXH": sc.stage_code,
            "SPBMBM": dept.code,
            "SPBMMC": dept.name,
            "SLFS": sc.channel,
            "SXBLSX": case.limit_days,
            "SLSJ": ts(case.clock_started_at),
            "BLZT": case.status,
            "GZRQ": day(case.due_date),
        }


def history_rows(session: Session) -> Iterator[dict[str, Any]]:
    rows = session.exec(
        select(CaseEvent, ItemCase.case_no, StageCase.region_code)
        .join(ItemCase, col(ItemCase.id) == col(CaseEvent.item_case_id))
        .join(StageCase, col(StageCase.id) == col(CaseEvent.stage_case_id))
        .where(col(CaseEvent.status) > 0)
        .order_by(col(CaseEvent.id))
    )
    for ev, case_no, region in rows:
        yield {
            **common(f"LS{ev.id:010d}", region),
            "SPSXSLBM": case_no,
            "BLCS": ev.office,
            "BLR": ev.handler_name,
            "BLZT": ev.status,
            "BLYJ": ev.opinion,
            "BLSJ": ts(ev.at),
        }


def document_rows(session: Session) -> Iterator[dict[str, Any]]:
    rows = session.exec(
        select(ApprovalDocument, ItemCase.case_no, StageCase.region_code)
        .join(ItemCase, col(ItemCase.id) == col(ApprovalDocument.item_case_id))
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .order_by(col(ApprovalDocument.id))
    )
    for doc, case_no, region in rows:
        yield {
            **common(f"PF{doc.id:010d}", region),
            "SPSXSLBM": case_no,
            "PFRQ": day(doc.issued_on),
            "PFWH": doc.doc_no,
            "PFWJBT": doc.title,
            "PFWJYXQX": day(doc.valid_until),
            "FJMC": None,
            "FJLX": None,
        }


def special_rows(session: Session) -> Iterator[dict[str, Any]]:
    rows = session.exec(
        select(SpecialProcedure, ItemCase.case_no, StageCase.region_code)
        .join(ItemCase, col(ItemCase.id) == col(SpecialProcedure.item_case_id))
        .join(StageCase, col(StageCase.id) == col(ItemCase.stage_case_id))
        .order_by(col(SpecialProcedure.id))
    )
    for proc, case_no, region in rows:
        yield {
            **common(f"TB{proc.id:010d}", region),
            "SPSXSLBM": case_no,
            "TBCX": SPECIAL_KIND_CODES.get(proc.kind, 9),
            "TBCXMC": proc.kind,
            "TBCXKSSJ": ts(proc.started_at),
            "TBCXSXLX": 1,
            "TBCXSX": proc.limit_days,
            "TBCXJSSJ": ts(proc.ended_at),
            "TBCXQDYY": proc.reason,
            "TBCXJG": proc.result or None,
        }


TABLES = {
    "SPGL_XMJBXXB": projects_rows,
    "SPGL_XMSPSXBLXXB": item_case_rows,
    "SPGL_XMSPSXBLXXXXB": history_rows,
    "SPGL_XMSPSXPFWJXXB": document_rows,
    "SPGL_XMSPSXBLTBCXXXB": special_rows,
    # 中介服务 (the market's tables)
    "SPGL_ZJFWSXBLXXB": spgl_market.service_rows,
    "SPGL_ZJFWSXBLGCXXB": spgl_market.milestone_rows,
}


def export_jsonl(session: Session, *, out_dir: Path) -> dict[str, int]:
    """One JSON-lines file per table, streamed so memory stays flat on large histories."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for table, rows in TABLES.items():
        n = 0
        tmp = out_dir / f".{table}.jsonl.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            for row in rows(session):
                fh.write(json.dumps(row, ensure_ascii=False) + "\n")
                n += 1
        tmp.replace(out_dir / f"{table}.jsonl")
        counts[table] = n
    return counts
