"""Reference data: regions (GB/T 2260), departments, process types (SPLCLX), stages (SPJDXH)."""

from __future__ import annotations

from sqlmodel import Field, SQLModel


class RegionBase(SQLModel):
    code: str = Field(primary_key=True, max_length=6, description="GB/T 2260 code (XZQHDM)")
    name: str = Field(max_length=64)
    level: str = Field(max_length=12, description="province | city | county | zone")
    parent_code: str | None = Field(default=None, foreign_key="region.code", index=True)
    longitude: float | None = None
    latitude: float | None = None


class Region(RegionBase, table=True):
    pass


class DepartmentBase(SQLModel):
    code: str = Field(max_length=32, unique=True, description="region code + '-' + kind")
    org_code: str = Field(
        default="", max_length=18, description="统一社会信用代码, reported as SPBMBM"
    )
    name: str = Field(max_length=64)
    kind: str = Field(max_length=16, index=True, description="fgw, zrzy, zj, ... window")
    region_code: str = Field(foreign_key="region.code", index=True)
    address: str = Field(default="", max_length=200)
    office_hours: str = Field(default="", max_length=100)
    slot_capacity: int = Field(default=3, description="window bookings per time slot")
    active: bool = Field(
        default=True, description="only active departments receive new cases, staff and bookings"
    )


class Department(DepartmentBase, table=True):
    id: int | None = Field(default=None, primary_key=True)


class DepartmentPublic(DepartmentBase):
    id: int


class ProcessType(SQLModel, table=True):
    """审批流程类型 (national code SPLCLX 1-10)."""

    code: int = Field(primary_key=True)
    name_zh: str = Field(max_length=64)
    name_en: str = Field(max_length=64)
    target_days: int | None = Field(
        default=None, description="full-process target in working days; None where no target"
    )


class StageDef(SQLModel, table=True):
    """审批阶段 (national code SPJDXH 1-5)."""

    code: int = Field(primary_key=True)
    name_zh: str = Field(max_length=64)
    name_en: str = Field(max_length=64)
    lead_kind: str = Field(max_length=16, description="department kind leading this stage")
