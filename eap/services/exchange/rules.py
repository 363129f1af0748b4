"""The national side's checks on an incoming SPGL row (DOMAIN §10), as the fake receiver and
the fake staging exchange apply them: required fields, types, code lists, real codes, a
case's history in time order and legal, and an approval's document before the approval.

``Ledger`` is what the receiver already holds (accepted rows); a row is checked against it and,
once accepted, added to it. Reasons are in Chinese, as the national system gives them."""

from __future__ import annotations

import datetime as dt
import re
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from eap.errors import DomainError
from eap.models.cases import APPROVED_STATES, TERMINAL, Blzt
from eap.services.core.identifiers import validate_project_code, validate_uscc
from eap.services.exchange.fields import Column
from eap.services.exchange.tables import BY_NAME

LISTED_CODE = re.compile(r"^[0-9A-Z]{18}\d{8}$")
REGION = re.compile(r"^36\d{4}$")
DATE = "%Y-%m-%d"
DATETIME = "%Y-%m-%d %H:%M:%S"
# Jiangxi's extent, a little wider: a point outside it is a swapped or mistyped coordinate
LON = (113.3, 118.7)
LAT = (24.3, 30.3)


@dataclass
class Ledger:
    """What the receiver holds, indexed the way the rules look it up."""

    projects: set[str] = field(default_factory=set)
    documents: set[str] = field(default_factory=set)
    # SPSXSLBM -> [(BLZT, BLSJ)] of accepted history rows, in arrival order
    history: dict[str, list[tuple[int, str]]] = field(default_factory=lambda: defaultdict(list))

    def add(self, table: str, row: dict[str, Any]) -> None:
        if row.get("SJYXBS") == 0:
            return
        if table == "SPGL_XMJBXXB":
            self.projects.add(row["XMDM"])
        elif table == "SPGL_XMSPSXPFWJXXB":
            self.documents.add(row["SPSXSLBM"])
        elif table == "SPGL_XMSPSXBLXXXXB":
            self.history[row["SPSXSLBM"]].append((int(row["BLZT"]), row["BLSJ"]))


def _typed(col: Column, value: Any) -> str | None:
    try:
        if col.kind == "int":
            if isinstance(value, bool) or int(value) != float(value):
                return f"{col.name} 应为整数"
        elif col.kind == "float":
            float(value)
        elif col.kind == "date":
            dt.datetime.strptime(str(value), DATE)
        elif col.kind == "datetime":
            dt.datetime.strptime(str(value), DATETIME)
    except (TypeError, ValueError):
        return f"{col.name} 格式不正确: {value}"
    if col.codes is not None and int(value) not in col.codes:
        return f"{col.name} 不在代码表中: {value}"
    return None


def _uscc(value: str, name: str) -> str | None:
    try:
        validate_uscc(value)
    except DomainError:
        return f"{name} 不是有效的统一社会信用代码: {value}"
    return None


def _listed(row: dict[str, Any]) -> str | None:
    code = row.get("SPSXBM") or ""
    if not LISTED_CODE.match(code) or _uscc(code[:18], "SPSXBM") is not None:
        return f"SPSXBM 不是实施清单编码: {code}"
    return None


def _in_order(*values: str | None) -> bool:
    present = [v for v in values if v]
    return present == sorted(present)


def _history(row: dict[str, Any], ledger: Ledger) -> str | None:
    held = ledger.history.get(row["SPSXSLBM"], [])
    status, at = int(row["BLZT"]), row["BLSJ"]
    if held and at < max(t for _s, t in held):
        return "BLSJ 早于该事项已有的办理过程"
    statuses = [s for s, _t in held]
    if status == Blzt.ACCEPTED and Blzt.ACCEPTED in statuses:
        return "BLZT 重复受理"
    ended = [s for s in statuses if s in TERMINAL]
    if ended:
        if status == Blzt.REVOKED and ended[-1] in APPROVED_STATES:
            return None
        return f"BLZT {status} 出现在办结状态 {ended[-1]} 之后"
    if status == Blzt.REVOKED:
        return "BLZT 15 (撤销) 只能在批准之后"
    return None


def _specific(table: str, row: dict[str, Any], ledger: Ledger) -> str | None:
    if table == "SPGL_XMJBXXB":
        try:
            validate_project_code(row["XMDM"])
        except DomainError:
            return f"XMDM 不是有效的项目代码: {row['XMDM']}"
        if row.get("GCDM") and row["GCDM"] == row["XMDM"]:
            return "GCDM 不得与项目代码相同"
        if not _in_order(row.get("NKGSJ"), row.get("NJCSJ")):
            return "NJCSJ 早于 NKGSJ"
        lon, lat = row.get("XMJSDDX"), row.get("XMJSDDY")
        if (lon is None) != (lat is None):
            return "XMJSDDX/XMJSDDY 须同时填写"
        if (
            lon is not None
            and lat is not None
            and not (LON[0] <= lon <= LON[1] and LAT[0] <= lat <= LAT[1])
        ):
            return "项目坐标不在本省范围内"
        return None
    needs_project = ("SPGL_XMDWXXB", "SPGL_XMSPSXBLXXB", "SPGL_ZJFWSXBLXXB")
    if table in needs_project and row["XMDM"] not in ledger.projects:
        return f"XMDM 对应的项目未上报: {row['XMDM']}"
    if table == "SPGL_XMDWXXB":
        return _uscc(row["DWTYSHXYDM"], "DWTYSHXYDM")
    if table == "SPGL_DFXMSPLCJDSXXXB":
        return _listed(row)
    if table == "SPGL_XMSPSXBLXXB":
        problem = _uscc(row["SPBMBM"], "SPBMBM") or _listed(row)
        if problem:
            return problem
        if row["SPSXBM"][:18] != row["SPBMBM"]:
            return "SPSXBM 的实施主体与 SPBMBM 不一致"
        if int(row["BLZT"]) in APPROVED_STATES and row["SPSXSLBM"] not in ledger.documents:
            return "批准的事项缺少批复文件"
        return None
    if table == "SPGL_XMSPSXBLXXXXB":
        return _history(row, ledger)
    if table == "SPGL_XMSPSXPFWJXXB":
        if not _in_order(row.get("PFRQ"), row.get("PFWJYXQX")):
            return "PFWJYXQX 早于 PFRQ"
        return None
    if table == "SPGL_XMSPSXBLTBCXXXB":
        if not _in_order(row.get("TBCXKSSJ"), row.get("TBCXJSSJ")):
            return "TBCXJSSJ 早于 TBCXKSSJ"
        return None
    if table == "SPGL_ZJFWSXBLXXB":
        return _uscc(row["ZXJGTYSHXYDM"], "ZXJGTYSHXYDM")
    return None


def check_row(table: str, row: dict[str, Any], ledger: Ledger) -> str | None:
    """The reason the national side rejects ``row`` (SBYY), or None when it is accepted."""
    spec = BY_NAME.get(table)
    if spec is None:
        return f"未知的表: {table}"
    for name in ("LSH", "DFSJZJ"):
        if not row.get(name):
            return f"缺少必填字段 {name}"
    if row.get("SJYXBS") not in (0, 1):
        return "SJYXBS 应为 0 或 1"
    if row["SJYXBS"] == 0:
        return None if row.get("SJWXYY") else "无效数据须填写 SJWXYY"
    for col in spec.columns:
        value = row.get(col.name)
        if value is None or value == "":
            if col.required:
                return f"缺少必填字段 {col.name}"
            continue
        problem = _typed(col, value)
        if problem:
            return problem
    if "XZQHDM" in row and not REGION.match(str(row["XZQHDM"])):
        return f"XZQHDM 不是本省行政区划代码: {row['XZQHDM']}"
    return _specific(table, row, ledger)
