"""What the national side made of our rows: counts per table, city and upload state, the rows
still rejected with their reasons, and 'send again after correcting' (the supervision page's
reporting tab, and ``python -m eap spgl check``)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import asdict, dataclass
from typing import Any

from sqlalchemy.orm import aliased
from sqlmodel import Session, col, func, select

from eap.errors import DomainError, PermissionDenied
from eap.models import ItemCase, JobRun, Project, Region, SpglVersion
from eap.models.exchange import UploadState
from eap.services.core.audit import record
from eap.services.core.authz import PROVINCE, region_names, region_prefix
from eap.services.core.principal import Principal, Role
from eap.services.exchange import outbox
from eap.services.exchange.fields import lsh_text, ts
from eap.services.exchange.tables import BY_NAME, TABLES

VIEWERS = (Role.SUPERVISOR, Role.ADMIN)
STATE_NAMES = {s: s.name.lower() for s in UploadState}
REJECTED_SHOWN = 200


@dataclass(frozen=True)
class CountRow:
    """One table in one city: how many row versions are in each upload state."""

    table: str
    title: str
    city: str
    city_name: str
    pending: int
    sent: int
    accepted: int
    rejected: int


@dataclass(frozen=True)
class RejectedRow:
    """A record whose latest version the national side rejected."""

    version_id: int
    table: str
    title: str
    record_key: str
    lsh: str
    region_name: str
    reason: str
    project_code: str
    case_no: str
    answered_at: str
    linkable: bool  # the viewer may open the project's timeline


def _prefix(principal: Principal) -> str:
    if principal.role not in VIEWERS:
        raise PermissionDenied()
    prefix = region_prefix(principal.region_code or "")
    if prefix is None:
        raise PermissionDenied()
    return prefix


def _cities(session: Session) -> dict[str, str]:
    """Region -> its city (a county's parent; a city or the province is its own)."""
    return {
        code: parent if level == "county" and parent else code
        for code, level, parent in session.exec(
            select(Region.code, Region.level, Region.parent_code)
        ).all()
    }


def _newer() -> Any:
    """A later version of the same record exists: a rejection it answered is settled."""
    later = aliased(SpglVersion)
    return (
        select(later.id)
        .where(
            later.table_name == SpglVersion.table_name,
            later.record_key == SpglVersion.record_key,
            later.lsh > SpglVersion.lsh,
        )
        .exists()
    )


def counts(session: Session, *, prefix: str = "36") -> list[CountRow]:
    """Row versions per table, city and upload state; a rejection counts while it stands (not
    once a corrected version followed it)."""
    in_scope = col(SpglVersion.region_code).startswith(prefix)
    group = (col(SpglVersion.table_name), col(SpglVersion.region_code), col(SpglVersion.state))
    q = (
        select(SpglVersion.table_name, SpglVersion.region_code, SpglVersion.state, func.count())
        .where(in_scope, col(SpglVersion.state) != UploadState.REJECTED)
        .group_by(*group)
    )
    standing = (
        select(SpglVersion.table_name, SpglVersion.region_code, SpglVersion.state, func.count())
        .where(in_scope, col(SpglVersion.state) == UploadState.REJECTED, ~_newer())
        .group_by(*group)
    )
    city_of, names = _cities(session), region_names(session)
    tally: dict[tuple[str, str], dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for table, region, state, n in [*session.exec(q).all(), *session.exec(standing).all()]:
        tally[table, city_of.get(region, region)][STATE_NAMES.get(state, "rejected")] += n
    order = {t.name: i for i, t in enumerate(TABLES)}
    return [
        CountRow(
            table,
            BY_NAME[table].title if table in BY_NAME else table,
            city,
            names.get(city, city),
            c["pending"],
            c["sent"],
            c["accepted"],
            c["rejected"],
        )
        for (table, city), c in sorted(
            tally.items(), key=lambda kv: (order.get(kv[0][0], 99), kv[0][1])
        )
    ]


def rejected(
    session: Session, *, prefix: str = "36", limit: int = REJECTED_SHOWN, linkable: bool = False
) -> list[RejectedRow]:
    """Records whose latest version stands rejected, newest answer first."""
    q = (
        select(SpglVersion)
        .where(
            col(SpglVersion.state) == UploadState.REJECTED,
            col(SpglVersion.region_code).startswith(prefix),
            ~_newer(),
        )
        .order_by(col(SpglVersion.answered_at).desc(), col(SpglVersion.id).desc())
        .limit(limit)
    )
    versions = session.exec(q).all()
    names = region_names(session)
    case_anchored = {t.name for t in TABLES if t.anchor == "item case"}
    case_ids = [v.anchor_id for v in versions if v.table_name in case_anchored]
    cases = {
        i: (no, code)
        for i, no, code in session.exec(
            select(ItemCase.id, ItemCase.case_no, Project.project_code)
            .join(Project, col(Project.id) == col(ItemCase.project_id))
            .where(col(ItemCase.id).in_(case_ids))
        ).all()
    }
    out = []
    for v in versions:
        case_no, project_code = (
            cases.get(v.anchor_id, ("", "")) if v.table_name in case_anchored else ("", "")
        )
        project_code = project_code or str((v.payload or {}).get("XMDM") or "")
        out.append(
            RejectedRow(
                v.id or 0,
                v.table_name,
                BY_NAME[v.table_name].title if v.table_name in BY_NAME else v.table_name,
                v.record_key,
                lsh_text(v.lsh),
                names.get(v.region_code, v.region_code),
                v.reason,
                project_code,
                case_no,
                (ts(v.answered_at) or "")[:16],  # Beijing time, to the minute
                linkable and bool(project_code),
            )
        )
    return out


def check(session: Session) -> dict[str, Any]:
    """The validation report of ``python -m eap spgl check``: every table and city."""
    table: dict[str, dict[str, dict[str, int]]] = defaultdict(dict)
    for row in counts(session):
        table[row.table][row.city] = {
            "pending": row.pending,
            "sent": row.sent,
            "accepted": row.accepted,
            "rejected": row.rejected,
        }
    return {
        "tables": table,
        "rejected": [
            {k: v for k, v in asdict(r).items() if k not in ("linkable", "version_id")}
            for r in rejected(session, limit=1000)
        ],
    }


@dataclass(frozen=True)
class ReportingView:
    counts: list[CountRow]
    rejected: list[RejectedRow]
    totals: dict[str, int]
    # the scheduler's last delivery round: when (Beijing time) and its figures; None if never
    last_round_at: str | None
    last_round: dict[str, Any]


def reporting_view(session: Session, *, principal: Principal) -> ReportingView:
    prefix = _prefix(principal)
    linkable = principal.role == Role.SUPERVISOR and principal.region_code == PROVINCE
    rows = counts(session, prefix=prefix)
    totals = {
        state: sum(getattr(r, state) for r in rows)
        for state in ("pending", "sent", "accepted", "rejected")
    }
    run = session.get(JobRun, "spgl")
    return ReportingView(
        rows,
        rejected(session, prefix=prefix, linkable=linkable),
        totals,
        ts(run.last_run_at) if run else None,
        dict(run.last_result or {}) if run else {},
    )


def resend(session: Session, *, principal: Principal, version_ids: list[int]) -> int:
    """Send these rejected records again as new versions, rendered from the data as it is now
    (after someone corrected it). Only records still rejected, only in the viewer's region."""
    prefix = _prefix(principal)
    allowed = {r.version_id: r for r in rejected(session, prefix=prefix, limit=10_000)}
    chosen = [allowed[i] for i in version_ids if i in allowed]
    if not chosen:
        raise DomainError("spgl.nothing_to_resend")
    by_table: dict[str, list[str]] = defaultdict(list)
    for r in chosen:
        by_table[r.table].append(r.record_key)
    written = sum(outbox.new_version(session, table=t, keys=keys) for t, keys in by_table.items())
    record(
        session,
        actor_id=principal.user_id,
        action="spgl.resend",
        entity="spglversion",
        entity_id=",".join(str(r.version_id) for r in chosen)[:200],
        detail={"records": len(chosen), "versions": written},
    )
    session.flush()
    return written
