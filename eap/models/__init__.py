"""All SQLModel tables; importing this module registers them on ``SQLModel.metadata``."""

from eap.models.accounts import AuditLog, Company, User, UserSession
from eap.models.calendar import CalendarYear, HolidayOverride
from eap.models.cases import (
    ApprovalDocument,
    CaseEvent,
    Certificate,
    ItemCase,
    Notification,
    PostCheckTask,
    SmsOutbox,
    SpecialProcedure,
    StageCase,
    StageMaterial,
    SupplementNotice,
)
from eap.models.catalogue import (
    Item,
    ItemDependency,
    ItemMaterial,
    Material,
    Process,
    ProcessItem,
    ProcessStage,
)
from eap.models.projects import LibraryMaterial, Project, ProjectUnit, StoredFile
from eap.models.reference import Department, ProcessType, Region, StageDef
from eap.models.supervision import (
    Alert,
    AlertAction,
    Anomaly,
    JobRun,
    KpiDaily,
    ProjectKpiDaily,
    SchedulerLease,
)

__all__ = [
    "Alert",
    "AlertAction",
    "Anomaly",
    "JobRun",
    "KpiDaily",
    "ProjectKpiDaily",
    "SchedulerLease",
    "ApprovalDocument",
    "CaseEvent",
    "Certificate",
    "ItemCase",
    "LibraryMaterial",
    "Notification",
    "PostCheckTask",
    "Project",
    "ProjectUnit",
    "SmsOutbox",
    "SpecialProcedure",
    "StageCase",
    "StageMaterial",
    "StoredFile",
    "SupplementNotice",
    "AuditLog",
    "CalendarYear",
    "Company",
    "Department",
    "HolidayOverride",
    "Item",
    "ItemDependency",
    "ItemMaterial",
    "Material",
    "Process",
    "ProcessItem",
    "ProcessStage",
    "ProcessType",
    "Region",
    "StageDef",
    "User",
    "UserSession",
]
