"""Projects (SPGL_XMJBXXB), their responsible units (SPGL_XMDWXXB) and stored material files."""

from __future__ import annotations

import datetime as dt
from enum import IntEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint, text
from sqlmodel import Field, SQLModel

from eap.models.common import sealed_column, utcnow

UNIT_ROLES = ("builder", "designer", "contractor", "supervisor", "surveyor")


class ApprovalType(IntEnum):
    """立项类型 (LXLX): how the investment side approved the project."""

    EXAMINED = 1  # 审批 (government investment)
    SANCTIONED = 2  # 核准
    FILED = 3  # 备案


class ConstructionNature(IntEnum):
    """建设性质 (JSXZ)."""

    NEW = 1  # 新建
    EXPANSION = 2  # 扩建
    REBUILD = 3  # 改建
    RELOCATION = 4  # 迁建
    RESTORATION = 5  # 恢复


class EngineeringCategory(IntEnum):
    """工程分类 (GCFL)."""

    BUILDING = 1  # 房屋建筑
    MUNICIPAL = 2  # 市政基础设施
    TRANSPORT = 3  # 交通
    WATER = 4  # 水利
    ENERGY = 5  # 能源
    OTHER = 9  # 其他


class LandAcquisition(IntEnum):
    """土地获取方式 (TDHQFS)."""

    NONE = 0  # 不涉及新增用地
    ALLOCATION = 1  # 划拨
    AGREEMENT = 2  # 协议出让
    AUCTION = 3  # 招标拍卖挂牌出让
    LEASE = 4  # 租赁


# 国民经济行业分类 (GB/T 4754-2017) classes a construction project is usually filed under (GBHY);
# their names are in the message catalogue (industry.<code>).
INDUSTRY_CODES: tuple[str, ...] = (
    "E4710",
    "E4720",
    "E4790",
    "E4811",
    "E4812",
    "E4813",
    "E4822",
    "E4852",
    "E4861",
    "E4890",
    "C3000",
    "C3900",
    "K7010",
    "P8300",
    "Q8410",
)


class SourceState(IntEnum):
    """Whether the 投资项目在线审批监管平台 vouches for the project's code (issue 15)."""

    NOT_CHECKED = 0  # no platform configured
    VERIFIED = 1  # the platform knows the code; its data is kept in ``source_data``
    PENDING = 2  # the platform was down at registration: the scheduler checks again
    UNKNOWN = 3  # checked later, the platform does not know the code


class ProjectBase(SQLModel):
    project_code: str = Field(max_length=24, unique=True, description="项目代码 XMDM")
    name: str = Field(max_length=200, description="XMMC")
    region_code: str = Field(foreign_key="region.code", index=True, description="XZQHDM")
    location: str = Field(default="", max_length=200, description="JSDD")
    longitude: float | None = Field(default=None, description="XMJSDDX")
    latitude: float | None = Field(default=None, description="XMJSDDY")
    total_investment: float = Field(ge=0, description="ZTZE, 万元")
    land_area: float = Field(default=0, ge=0, description="YDMJ, m²")
    floor_area: float = Field(default=0, ge=0, description="JZMJ, m²")
    process_type: int = Field(foreign_key="processtype.code", description="SPLCLX")
    industry: str = Field(default="", max_length=60)
    engineering_code: str = Field(
        default="", max_length=40, description="GCDM: the real engineering code, or empty"
    )
    approval_type: int = Field(default=ApprovalType.FILED, description="LXLX, ApprovalType")
    construction_nature: int = Field(
        default=ConstructionNature.NEW, description="JSXZ, ConstructionNature"
    )
    engineering_category: int = Field(
        default=EngineeringCategory.BUILDING, description="GCFL, EngineeringCategory"
    )
    land_acquisition: int = Field(
        default=LandAcquisition.AUCTION, description="TDHQFS, LandAcquisition"
    )
    regional_assessment: bool = Field(default=False, description="SFWCQYPG: 区域评估 covers it")
    industry_code: str = Field(default="E4790", max_length=5, description="GBHY, GB/T 4754")
    scale: str = Field(default="", max_length=500, description="JSGMJNR 建设规模及内容")
    planned_start: dt.date | None = None
    planned_finish: dt.date | None = None


class ProjectCreate(ProjectBase):
    attributes: dict[str, Any] = {}


class Project(ProjectBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    attributes: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON))
    process_id: int | None = Field(
        default=None, foreign_key="process.id", description="pinned at the first application"
    )
    current_stage: int = Field(default=1)
    locked: bool = Field(default=False, description="no edits once an application is accepted")
    first_accepted_at: dt.datetime | None = None
    completed_at: dt.datetime | None = None
    used_days: int = Field(default=0, description="full-process working days, net of pauses")
    target_due: dt.date | None = Field(
        default=None,
        index=True,
        description="day the full-process target runs out if the current stage goes on",
    )
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    updated_at: dt.datetime = Field(default_factory=utcnow)
    source_state: int = Field(
        default=SourceState.NOT_CHECKED, index=True, description="SourceState"
    )
    source_data: dict[str, Any] = Field(
        default_factory=dict,
        sa_column=Column(JSON),
        description="the investment platform's record of the project, as it answered",
    )
    source_checked_at: dt.datetime | None = None
    planned_id: int | None = Field(
        default=None, foreign_key="plannedproject.id", description="the 策划生成 it came from"
    )


class ProjectPublic(ProjectBase):
    id: int
    company_id: int
    current_stage: int
    locked: bool
    used_days: int


class ProjectUnit(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("project_id", "role"),)
    id: int | None = Field(default=None, primary_key=True)
    project_id: int = Field(foreign_key="project.id", index=True)
    role: str = Field(max_length=16)
    uscc: str = Field(max_length=18)
    name: str = Field(max_length=120)
    contact: str = Field(default="", sa_column=sealed_column())  # personal data: sealed
    phone: str = Field(default="", sa_column=sealed_column())


class StoredFile(SQLModel, table=True):
    """An uploaded file, kept outside any public directory and addressed by its content hash."""

    id: int | None = Field(default=None, primary_key=True)
    sha256: str = Field(max_length=64, index=True)
    size: int
    content_type: str = Field(max_length=100)
    filename: str = Field(max_length=200)
    storage_key: str = Field(max_length=200)
    company_id: int | None = Field(default=None, foreign_key="company.id", index=True)
    uploaded_by: int | None = Field(default=None, foreign_key="user.id")
    uploaded_at: dt.datetime = Field(default_factory=utcnow)


class LibraryMaterial(SQLModel, table=True):
    """A company's material library (材料库): reusable materials like the business licence,
    and project-bound ones such as an accepted intermediary result (中介服务成果), which only
    that project's one form offers."""

    __table_args__ = (
        # One company-wide entry per material, and one per material and project.
        Index(
            "uq_librarymaterial_company",
            "company_id",
            "material_id",
            unique=True,
            sqlite_where=text("project_id IS NULL"),
            postgresql_where=text("project_id IS NULL"),
        ),
        Index(
            "uq_librarymaterial_project",
            "company_id",
            "material_id",
            "project_id",
            unique=True,
            sqlite_where=text("project_id IS NOT NULL"),
            postgresql_where=text("project_id IS NOT NULL"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    company_id: int = Field(foreign_key="company.id", index=True)
    material_id: int = Field(foreign_key="material.id")
    file_id: int = Field(foreign_key="storedfile.id")
    valid_until: dt.date | None = None
    project_id: int | None = Field(default=None, foreign_key="project.id")
    source: str = Field(default="", max_length=40, description="e.g. the purchase number")
    updated_at: dt.datetime = Field(default_factory=utcnow)


class PlanStatus(IntEnum):
    """Where a planned project (策划生成) stands."""

    CIRCULATING = 1  # with the departments for their opinions and conditions
    AGREED = 2  # every department agreed: the builder may register it
    RETURNED = 3  # some department did not agree: back to the blueprint to adjust
    REGISTERED = 4  # registered as a project; its conditions follow it into stage 1
    WITHDRAWN = 5


class PlannedProject(SQLModel, table=True):
    """策划生成: a project planned in the 一张蓝图 (the city's one blueprint), circulated to the
    departments for their opinions and conditions before anyone registers it (多规合一)."""

    id: int | None = Field(default=None, primary_key=True)
    code: str = Field(max_length=24, unique=True, description="策划编号, e.g. CH3601002026001")
    name: str = Field(max_length=200)
    region_code: str = Field(foreign_key="region.code", index=True, description="the site's")
    city_code: str = Field(foreign_key="region.code", index=True)
    location: str = Field(default="", max_length=200)
    total_investment: float = Field(default=0, ge=0, description="万元")
    land_area: float = Field(default=0, ge=0, description="m²")
    description: str = Field(default="", max_length=1000, description="拟建内容")
    builder_uscc: str = Field(default="", max_length=18, description="the intended builder")
    lead_department_id: int = Field(foreign_key="department.id")
    status: int = Field(default=PlanStatus.CIRCULATING, index=True, description="PlanStatus")
    conclusion: str = Field(default="", max_length=1000)
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: dt.datetime = Field(default_factory=utcnow)
    concluded_at: dt.datetime | None = None


class PlanningOpinion(SQLModel, table=True):
    """A department's opinion on a planned project and the conditions it sets (e.g. the
    planning conditions 规划设计条件, the water authority's drainage requirement)."""

    __table_args__ = (UniqueConstraint("planned_id", "department_id"),)
    id: int | None = Field(default=None, primary_key=True)
    planned_id: int = Field(foreign_key="plannedproject.id", index=True)
    department_id: int = Field(foreign_key="department.id", index=True)
    agreed: bool | None = None
    opinion: str = Field(default="", max_length=1000)
    conditions: str = Field(default="", max_length=2000, description="what follows the project")
    recorded_by: int | None = Field(default=None, foreign_key="user.id")
    recorded_at: dt.datetime | None = None
