"""The 投资项目在线审批监管平台 (investment-project platform): every project registered here
has first been given its 项目代码 there, with its name, place, investment and the 审批/核准/
备案 result. Registration looks the code up: a code the platform does not know is refused;
the platform's record prefills the form and is kept as the project's source data. When the
platform is down, the project is registered "not yet verified" (``SourceState.PENDING``) and
the scheduler's ``verify_projects`` checks it again later."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import httpx
from sqlmodel import Session, col, select

from eap.models import Project
from eap.models.common import utcnow
from eap.models.projects import ApprovalType, SourceState
from eap.services.core.audit import record
from eap.services.exchange.adapters.breaker import AdapterDown, Unexpected, call, url_of

NAME = "investment"


@dataclass(frozen=True)
class PlatformRecord:
    """What the platform says of a project (its fields, not ours)."""

    project_code: str
    name: str
    region_code: str
    total_investment: float  # 万元
    approval_type: int  # ApprovalType (LXLX)
    result_no: str  # the 审批/核准 document or 备案 number
    result_on: str  # its date, ISO
    location: str
    raw: dict[str, Any]

    def prefill(self) -> dict[str, str]:
        """The project form's fields this record fills."""
        return {
            "name": self.name,
            "region_code": self.region_code,
            "location": self.location,
            "total_investment": f"{self.total_investment:g}",
            "approval_type": str(self.approval_type),
        }


def enabled() -> bool:
    return url_of(NAME) is not None


def _parse(body: Any, code: str) -> PlatformRecord:
    try:
        approval = int(body.get("approval_type", 0))
        ApprovalType(approval)
        result = body.get("approval_result") or {}
        return PlatformRecord(
            project_code=str(body["project_code"]),
            name=str(body["name"])[:200],
            region_code=str(body["region_code"])[:6],
            total_investment=float(body["total_investment"]),
            approval_type=approval,
            result_no=str(result.get("document_no", ""))[:60],
            result_on=str(result.get("approved_on", ""))[:10],
            location=str(body.get("location", ""))[:200],
            raw=body,
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise Unexpected("malformed record") from exc


def lookup(session: Session, *, project_code: str) -> PlatformRecord | None:
    """The platform's record of a code, None when it does not know it; ``AdapterDown`` when
    it cannot say."""

    def request(http: httpx.Client) -> PlatformRecord | None:
        answer = http.get(f"/api/projects/{project_code}")
        if answer.status_code == 404:
            return None
        if answer.status_code != 200:
            raise Unexpected(f"HTTP {answer.status_code}")
        try:
            body = answer.json()
        except ValueError as exc:
            raise Unexpected("not JSON") from exc
        found = _parse(body, project_code)
        if found.project_code != project_code:
            raise Unexpected("another project's record")
        return found

    return call(session, NAME, request)


def vouch(project: Project, found: PlatformRecord | None, *, now: dt.datetime) -> None:
    """Keep what the platform said on the project."""
    project.source_checked_at = now
    if found is None:
        project.source_state = SourceState.UNKNOWN
        return
    project.source_state = SourceState.VERIFIED
    project.source_data = {
        "name": found.name,
        "region_code": found.region_code,
        "total_investment": found.total_investment,
        "approval_type": found.approval_type,
        "result_no": found.result_no,
        "result_on": found.result_on,
        "location": found.location,
    }


def verify_projects(session: Session, *, batch: int = 100) -> dict[str, int]:
    """The scheduler's job: projects registered while the platform was down are checked
    again; one the platform does not know is marked so (the window sees it)."""
    if not enabled():
        return {}
    out = {"verified": 0, "unknown": 0, "still_pending": 0}
    pending = session.exec(
        select(Project)
        .where(Project.source_state == SourceState.PENDING)
        .order_by(col(Project.id))
        .limit(batch)
    ).all()
    for project in pending:
        try:
            found = lookup(session, project_code=project.project_code)
        except AdapterDown:
            out["still_pending"] += 1
            break  # the platform is still down: try the rest next time
        vouch(project, found, now=utcnow())
        session.add(project)
        record(
            session,
            actor_id=None,
            action="project.source_checked",
            entity="project",
            entity_id=project.id or "",
            detail={"state": project.source_state},
        )
        out["verified" if found else "unknown"] += 1
    session.flush()
    return out
