"""The department's workbench states (部门审批): the inbox parent and its substates."""

from eap.state.approval.department.case import DepartmentCaseState
from eap.state.approval.department.chain import DepartmentChainState
from eap.state.approval.department.inbox import ROUTE, DepartmentState
from eap.state.approval.department.joint import DepartmentJointState
from eap.state.approval.department.tasks import DepartmentTasksState

__all__ = [
    "ROUTE",
    "DepartmentCaseState",
    "DepartmentChainState",
    "DepartmentJointState",
    "DepartmentState",
    "DepartmentTasksState",
]
