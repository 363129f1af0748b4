"""The item catalogue (审批事项) and versioned city processes (流程编码 + 版本号)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, UniqueConstraint
from sqlmodel import Field, SQLModel

from eap.models.common import utcnow


class ItemBase(SQLModel):
    code: str = Field(max_length=32, index=True, description="standard item code (SPSXBM)")
    version: int = Field(default=1)
    name_zh: str = Field(max_length=100)
    name_en: str = Field(max_length=160)
    dept_kind: str = Field(max_length=16)
    stage_code: int = Field(foreign_key="stagedef.code")
    limit_days: int = Field(ge=1, le=365, description="statutory limit in working days")
    promise_allowed: bool = Field(default=False, description="告知承诺制 applies")
    result_kind: str = Field(max_length=12, description="permit | opinion | filing")
    certificate_name: str = Field(default="", max_length=100)
    legal_basis: str = Field(default="", max_length=500)
    fee: str = Field(default="", max_length=100, description="empty means free of charge")
    conditions: str = Field(default="", max_length=500)
    intermediary: bool = Field(default=False, description="needs an intermediary service")


class Item(ItemBase, table=True):
    __table_args__ = (UniqueConstraint("code", "version"),)
    id: int | None = Field(default=None, primary_key=True)


class ItemPublic(ItemBase):
    id: int


class Material(SQLModel, table=True):
    """A kind of material; items share them, so the one form asks each once."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=32, unique=True)
    name_zh: str = Field(max_length=120)
    name_en: str = Field(max_length=200)
    satisfied_by_item: str | None = Field(
        default=None, max_length=32, description="item code whose certificate is this material"
    )
    company_wide: bool = Field(
        default=False,
        description="about the company, not a project (营业执照): one library copy serves all",
    )


class ItemMaterial(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("item_id", "material_id"),)
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    material_id: int = Field(foreign_key="material.id")
    is_key: bool = Field(default=True, description="key material: never 容缺")
    deferrable: bool = Field(default=False, description="may be owed at intake (容缺受理)")


class ItemDependency(SQLModel, table=True):
    """The item needs the approved result of ``requires_code`` before it can start."""

    __table_args__ = (UniqueConstraint("item_id", "requires_code"),)
    id: int | None = Field(default=None, primary_key=True)
    item_id: int = Field(foreign_key="item.id", index=True)
    requires_code: str = Field(max_length=32)


class Process(SQLModel, table=True):
    """A city's published process for one process type; cases pin the version they started on."""

    __table_args__ = (UniqueConstraint("code", "version"),)
    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=40, index=True, description="流程编码")
    version: int = Field(default=1, description="版本号")
    region_code: str = Field(foreign_key="region.code", index=True)
    process_type: int = Field(foreign_key="processtype.code")
    name: str = Field(max_length=120)
    active: bool = Field(default=True, description="the version offered to new applications")
    published_at: dt.datetime = Field(default_factory=utcnow)


class ProcessStage(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("process_id", "stage_code"),)
    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="process.id", index=True)
    stage_code: int = Field(foreign_key="stagedef.code")
    limit_days: int = Field(ge=1)
    lead_kind: str = Field(max_length=16)


class ProcessItem(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("process_id", "item_id"),)
    id: int | None = Field(default=None, primary_key=True)
    process_id: int = Field(foreign_key="process.id", index=True)
    item_id: int = Field(foreign_key="item.id")
    stage_code: int = Field(foreign_key="stagedef.code")
    limit_days: int = Field(ge=1, description="the city's promised limit (≤ statutory)")
    required: bool = Field(default=True, description="False: applies only on conditions")
    condition: str = Field(default="", max_length=100, description="project attribute rule")


class AreaAssessment(SQLModel, table=True):
    """区域评估: an assessment done once for an area (a development zone's 环评, 水土保持,
    地质灾害 …); a project whose site lies inside the area's boundary is exempt from the
    matching individual materials while the assessment is valid."""

    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=120)
    kind: str = Field(max_length=20, description="env soil geohazard seismic mineral other")
    region_code: str = Field(foreign_key="region.code", index=True)
    boundary: dict[str, Any] = Field(
        default_factory=dict, sa_column=Column(JSON), description="GeoJSON geometry (WGS-84)"
    )
    exempts: list[str] = Field(
        default_factory=list, sa_column=Column(JSON), description="material codes it stands for"
    )
    document_no: str = Field(default="", max_length=80, description="the assessment's approval")
    valid_until: dt.date | None = None
    active: bool = True
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime = Field(default_factory=utcnow)


class Level(StrEnum):
    """The level of government that handles an item (事权)."""

    PROVINCE = "province"
    CITY = "city"
    COUNTY = "county"


class ItemJurisdiction(SQLModel, table=True):
    """事权: which level handles an item, set for the whole province (region 360000) or by a
    city for its own projects, which replaces the province's setting for that item. A rule
    with ``min_investment`` applies from that total investment (万元) up, so 核准 of large
    projects can go to the province. Level county means the project's 县 or 县级市; a project
    in a municipal district (市辖区) stays with the city unless ``districts`` says otherwise."""

    __table_args__ = (UniqueConstraint("item_code", "region_code", "min_investment"),)

    id: int | None = Field(default=None, primary_key=True)
    item_code: str = Field(max_length=16, index=True)
    region_code: str = Field(foreign_key="region.code")
    level: str = Field(max_length=16, description="Level")
    min_investment: float = Field(default=0, ge=0, description="万元; 0 = any project")
    districts: bool = Field(default=False, description="county level includes 市辖区")
    basis: str = Field(default="", max_length=200, description="the delegation's document")


class DrawingReviewPlan(SQLModel, table=True):
    """联合审图 as a city runs it: whether the construction-drawing review and the fire and
    civil-air-defence design reviews of a stage-3 application are one joint review, and
    which items take part (施工图审查, 消防设计审查, 人防设计审查 by default)."""

    region_code: str = Field(foreign_key="region.code", primary_key=True, max_length=6)
    enabled: bool = True
    item_codes: list[str] = Field(default_factory=list, sa_column=Column(JSON))
    updated_by: int | None = Field(default=None, foreign_key="user.id")
    updated_at: dt.datetime = Field(default_factory=utcnow)
