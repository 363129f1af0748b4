"""Who is acting (当前用户): roles and the principal every service is handed.

Kept apart from password hashing and sessions (``admin.accounts``) so that the many services
that only need to know who acts do not depend on the account machinery.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from eap.errors import PermissionDenied

if TYPE_CHECKING:
    from eap.models import User


class Role(StrEnum):
    """The roles of DOMAIN §2; a ``StrEnum`` so the stored text and the enum compare equal."""

    APPLICANT = "applicant"  # 申报人
    AGENT = "agent"  # 帮办代办
    WINDOW = "window"  # 综合窗口
    APPROVER = "approver"  # 部门审批人 (department head when is_head)
    SUPERVISOR = "supervisor"  # 督查人员
    AGENCY = "agency"  # 中介机构
    LEADER = "leader"  # 领导
    ADMIN = "admin"  # 系统管理员
    AUDITOR = "auditor"  # 审计员
    SECURITY = "security"  # 安全员


ROLES: tuple[str, ...] = tuple(r.value for r in Role)
STAFF_ROLES = frozenset({Role.WINDOW, Role.APPROVER, Role.SUPERVISOR, Role.LEADER})


@dataclass(frozen=True)
class Principal:
    """Who is acting: a small, serialisable view of a signed-in user."""

    user_id: int
    username: str
    display_name: str
    role: str
    region_code: str | None
    department_id: int | None
    company_id: int | None
    is_head: bool

    @classmethod
    def of(cls, user: User) -> Principal:
        assert user.id is not None
        return cls(
            user.id,
            user.username,
            user.display_name,
            user.role,
            user.region_code,
            user.department_id,
            user.company_id,
            user.is_head,
        )

    def require_role(self, *roles: str) -> None:
        if self.role not in roles:
            raise PermissionDenied()


def token_hash(token: str) -> str:
    """The database key of a session token: only its hash is stored."""
    return hashlib.sha256(token.encode()).hexdigest()
