"""Efficiency supervision (审批效能督查): deadline alerts, anomalies, KPI roll-ups, the
scheduler's leader lease."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from eap.models.common import utcnow

LEVELS = ("urge", "supervise", "inspect")  # 催办, 督办, 督察


class Alert(SQLModel, table=True):
    """One deadline alert per case and level, whatever the restarts or concurrent sweeps."""

    __table_args__ = (
        UniqueConstraint("target_kind", "target_id", "level"),
        Index("ix_alert_status_kind", "status", "target_kind"),
    )
    id: int | None = Field(default=None, primary_key=True)
    target_kind: str = Field(max_length=8, description="item | stage | project")
    target_id: int
    level: str = Field(max_length=10, description="urge 催办 | supervise 督办 | inspect 督察")
    region_code: str = Field(max_length=6, index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id", index=True)
    project_id: int | None = Field(default=None, foreign_key="project.id")
    due_date: dt.date
    raised_at: dt.datetime = Field(default_factory=utcnow, index=True)
    status: str = Field(
        default="open",
        max_length=12,
        index=True,
        description="open acknowledged noticed answered closed",
    )
    closed_at: dt.datetime | None = None
    close_reason: str = Field(default="", max_length=200)


class AlertAction(SQLModel, table=True):
    """What supervisors and departments did about an alert or anomaly, in order."""

    id: int | None = Field(default=None, primary_key=True)
    alert_id: int | None = Field(default=None, foreign_key="alert.id", index=True)
    anomaly_id: int | None = Field(default=None, foreign_key="anomaly.id", index=True)
    kind: str = Field(max_length=12, description="ack comment notice reply close")
    text: str = Field(default="", max_length=1000)
    user_id: int | None = Field(default=None, foreign_key="user.id")
    at: dt.datetime = Field(default_factory=utcnow)


class Anomaly(SQLModel, table=True):
    """A supervision record (督查记录) with the evidence that raised it."""

    __table_args__ = (UniqueConstraint("kind", "subject"),)
    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24, index=True)
    subject: str = Field(max_length=60, description="what it is about, e.g. item:123")
    region_code: str = Field(max_length=6, index=True)
    department_id: int | None = Field(default=None, foreign_key="department.id")
    evidence: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    detected_at: dt.datetime = Field(default_factory=utcnow, index=True)
    status: str = Field(default="open", max_length=12, index=True)


class KpiDaily(SQLModel, table=True):
    """Daily roll-up of item cases; KPI pages sum these, never the history."""

    __table_args__ = (
        UniqueConstraint("day", "county_code", "department_id", "stage_code", "process_type"),
        Index("ix_kpidaily_city_day", "city_code", "day"),
    )
    id: int | None = Field(default=None, primary_key=True)
    day: dt.date = Field(index=True)
    city_code: str = Field(max_length=6)
    county_code: str = Field(max_length=6)
    department_id: int = Field(foreign_key="department.id")
    stage_code: int
    process_type: int
    accepted: int = 0
    completed: int = 0
    on_time: int = 0
    refused: int = 0
    with_supplement: int = 0
    due: int = 0
    overdue: int = 0
    used_days_sum: int = 0
    special_days: int = 0
    evaluations: int = 0
    satisfied: int = Field(default=0, description="满意 or 非常满意")
    used_hist: dict[str, int] = Field(default_factory=dict, sa_column=Column(JSON))


class ProjectKpiDaily(SQLModel, table=True):
    """Daily roll-up of completed projects: full-process days against the target."""

    __table_args__ = (UniqueConstraint("day", "county_code", "process_type"),)
    id: int | None = Field(default=None, primary_key=True)
    day: dt.date = Field(index=True)
    city_code: str = Field(max_length=6, index=True)
    county_code: str = Field(max_length=6)
    process_type: int
    completed: int = 0
    days_sum: int = 0
    within_target: int = 0


class SchedulerLease(SQLModel, table=True):
    """Leader lease: only the holder runs jobs, however many scheduler processes start."""

    name: str = Field(primary_key=True, max_length=40)
    holder: str = Field(max_length=80)
    expires_at: dt.datetime


class JobRun(SQLModel, table=True):
    """Last completed run of each job, to catch up once after downtime."""

    name: str = Field(primary_key=True, max_length=40)
    last_run_at: dt.datetime
    last_result: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))


class KpiStaleDay(SQLModel, table=True):
    """A day whose roll-up no longer holds: a case's deadline moved off it (a pause began or
    ended). The KPI job re-rolls these days however old, then forgets them; rows may repeat."""

    id: int | None = Field(default=None, primary_key=True)
    day: dt.date = Field(index=True)
    marked_at: dt.datetime = Field(default_factory=utcnow)
