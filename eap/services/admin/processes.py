"""Process configuration (流程配置) by the administrator: a city's stage limits and the
promised limit of each item, published as a new version. Cases already filed keep the
version they started on; only new applications take the new one. Also the province's
full-process target per process type."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlmodel import Session, col, select

from eap.errors import DomainError
from eap.models import Item, Process, ProcessItem, ProcessStage, ProcessType, Region
from eap.services.admin import catalogue
from eap.services.core.audit import record
from eap.services.core.principal import Principal


@dataclass(frozen=True)
class ItemLimits:
    """An item of a process version: its promised limit and the statutory one it may not pass."""

    code: str = ""
    name_zh: str = ""
    name_en: str = ""
    limit: int = 0
    statutory: int = 0
    condition: str = ""  # the questionnaire key that makes it apply; "" always


@dataclass(frozen=True)
class StageLimits:
    stage: int = 0
    limit: int = 0
    process_items: list[ItemLimits] = field(default_factory=list)


@dataclass(frozen=True)
class ProcessView:
    """The active version of a city's process for one project type (流程配置)."""

    id: int = 0
    code: str = ""
    version: int = 0
    name: str = ""
    stages: list[StageLimits] = field(default_factory=list)


def _active(session: Session, region_code: str, process_type: int) -> Process:
    process = catalogue.active_process(session, region_code=region_code, process_type=process_type)
    if process is None:
        raise DomainError("guide.no_process")
    return process


def process_view(
    session: Session, *, principal: Principal, region_code: str, process_type: int
) -> ProcessView:
    """The active version: each stage's limit and its items with promised and statutory limits."""
    principal.require_role("admin")
    process = _active(session, region_code, process_type)
    stages = []
    for stage in session.exec(
        select(ProcessStage)
        .where(ProcessStage.process_id == process.id)
        .order_by(col(ProcessStage.stage_code))
    ):
        rows = session.exec(
            select(ProcessItem, Item)
            .join(Item, col(Item.id) == col(ProcessItem.item_id))
            .where(
                ProcessItem.process_id == process.id,
                ProcessItem.stage_code == stage.stage_code,
            )
            .order_by(col(Item.code))
        ).all()
        stages.append(
            StageLimits(
                stage=stage.stage_code,
                limit=stage.limit_days,
                process_items=[
                    ItemLimits(
                        code=item.code,
                        name_zh=item.name_zh,
                        name_en=item.name_en,
                        limit=pi.limit_days,
                        statutory=item.limit_days,
                        condition=pi.condition,
                    )
                    for pi, item in rows
                ],
            )
        )
    return ProcessView(
        id=process.id or 0,
        code=process.code,
        version=process.version,
        name=process.name,
        stages=stages,
    )


def publish_revision(
    session: Session,
    *,
    principal: Principal,
    region_code: str,
    process_type: int,
    stage_limits: dict[int, int],
    item_limits: dict[str, int],
) -> Process:
    """New version with changed limits. A promised limit may be shorter than the statutory
    one, never longer; limits are whole working days from 1 to 365."""
    principal.require_role("admin")
    if session.get(Region, region_code) is None or session.get(ProcessType, process_type) is None:
        raise DomainError("error.not_found")
    current = _active(session, region_code, process_type)
    contents = catalogue.process_contents(session, process_id=current.id or 0)
    items, statutory = contents.spec.items, contents.statutory
    for code, days in contents.promised.items():
        item_limits.setdefault(code, days)
    limits = dict(contents.spec.stage_limits)
    for stage, days in stage_limits.items():
        if stage not in limits:
            raise DomainError("error.not_found")
        if not 1 <= days <= 365:
            raise DomainError("process.limit_range", field=f"stage:{stage}")
        limits[stage] = days
    for code, days in item_limits.items():
        if code not in statutory:
            raise DomainError("catalogue.unknown_item", code=code)
        if not 1 <= days <= statutory[code]:
            raise DomainError(
                "process.item_limit", field=f"item:{code}", code=code, max=statutory[code]
            )
    return catalogue.publish_process_version(
        session,
        region_code=region_code,
        process_type=process_type,
        spec=catalogue.ProcessSpec(limits, items),
        actor_id=principal.user_id,
        item_limits=item_limits,
    )


@dataclass(frozen=True)
class TargetRow:
    """A process type's full-process target (全流程审批时限目标), in working days; None: none."""

    process_type: int = 0
    name_zh: str = ""
    name_en: str = ""
    target_days: int | None = None


def process_targets(session: Session, *, principal: Principal) -> list[TargetRow]:
    principal.require_role("admin")
    return [
        TargetRow(p.code, p.name_zh, p.name_en, p.target_days)
        for p in session.exec(select(ProcessType).order_by(col(ProcessType.code))).all()
    ]


def set_target(
    session: Session, *, principal: Principal, process_type: int, target_days: int | None
) -> ProcessType:
    """The province's target for one process type (政府投资 ≤ 79, 企业投资 ≤ 60 working days by
    the reform); the big screen and the provincial centre measure the average against it."""
    principal.require_role("admin")
    ptype = session.get(ProcessType, process_type)
    if ptype is None:
        raise DomainError("error.not_found")
    if target_days is not None and not 1 <= target_days <= 365:
        raise DomainError("process.target_range", field=f"target:{process_type}")
    before = ptype.target_days
    ptype.target_days = target_days
    session.add(ptype)
    record(
        session,
        actor_id=principal.user_id,
        action="process.target",
        entity="processtype",
        entity_id=process_type,
        detail={"before": before, "after": target_days},
    )
    session.flush()
    return ptype
