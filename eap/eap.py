"""The Reflex application: pages are registered here, nothing runs at import but the app."""

from __future__ import annotations

import reflex as rx

from eap.api import api
from eap.pages.admin_catalogue import process_admin_page
from eap.pages.apply import apply_page, new_project_page
from eap.pages.department import department_page
from eap.pages.guide import guide_page
from eap.pages.hall import hall_page
from eap.pages.hall_services import agents_page, appointments_page, inquiries_page
from eap.pages.home import home_page
from eap.pages.inbox import inbox_page
from eap.pages.login import login_page
from eap.pages.notices import notice_detail_page, notices_page
from eap.pages.register import register_page
from eap.pages.reset import reset_page
from eap.pages.supervision import supervision_page
from eap.pages.verify import verify_page
from eap.pages.window import window_page
from eap.state.admin_catalogue import ProcessAdminState
from eap.state.apply import ApplyState, NewProjectState
from eap.state.base import AppState
from eap.state.department import DepartmentState
from eap.state.desk import RepliesState, TodayState
from eap.state.guide import GuideState
from eap.state.hall import HallState
from eap.state.hall_services import AgentsState, AppointmentsState, InquiriesState
from eap.state.home import HomeState
from eap.state.inbox import InboxState
from eap.state.login import LoginState
from eap.state.notices import NoticeDetailState, NoticesState
from eap.state.register import RegisterState
from eap.state.reset import ResetState
from eap.state.supervision import SupervisionState
from eap.state.verify import VerifyState
from eap.state.window import WindowState

app = rx.App(api_transformer=api)

app.add_page(login_page, route="/login", title="登录 · EAP", on_load=LoginState.on_load)
app.add_page(rx.fragment(), route="/", title="EAP", on_load=AppState.go_home)
app.add_page(verify_page, route="/verify/[token]", title="证照核验 · EAP", on_load=VerifyState.load)

app.add_page(
    supervision_page, route="/supervision", title="效能督查 · EAP", on_load=SupervisionState.load
)

app.add_page(
    window_page,
    route="/workbench/window",
    title="综合窗口 · EAP",
    on_load=[WindowState.load, TodayState.load],
)
app.add_page(
    department_page,
    route="/workbench/department",
    title="部门审批 · EAP",
    on_load=[DepartmentState.load, RepliesState.load],
)

app.add_page(hall_page, route="/hall", title="网上办事大厅 · EAP", on_load=HallState.load)
app.add_page(guide_page, route="/guide", title="办事指南 · EAP", on_load=GuideState.load)
app.add_page(inbox_page, route="/inbox", title="消息 · EAP", on_load=InboxState.load)
app.add_page(notices_page, route="/notices", title="通知公告 · EAP", on_load=NoticesState.load)
app.add_page(
    notice_detail_page,
    route="/notices/[notice_id]",
    title="通知公告 · EAP",
    on_load=NoticeDetailState.load,
)
app.add_page(apply_page, route="/hall/apply", title="申报 · EAP", on_load=ApplyState.load)
app.add_page(
    new_project_page,
    route="/hall/projects/new",
    title="项目登记 · EAP",
    on_load=NewProjectState.load,
)
app.add_page(register_page, route="/hall/register", title="注册 · EAP", on_load=RegisterState.load)
app.add_page(reset_page, route="/hall/reset", title="找回密码 · EAP", on_load=ResetState.load)
app.add_page(
    appointments_page,
    route="/hall/appointments",
    title="预约办事 · EAP",
    on_load=AppointmentsState.load,
)
app.add_page(
    inquiries_page, route="/hall/inquiries", title="咨询投诉 · EAP", on_load=InquiriesState.load
)
app.add_page(agents_page, route="/hall/agents", title="代办授权 · EAP", on_load=AgentsState.load)
app.add_page(
    process_admin_page,
    route="/admin/catalogue",
    title="流程配置 · EAP",
    on_load=ProcessAdminState.load,
)

HOMES = [
    ("/agency", "agency", "home.agency"),
    ("/screen", "leader", "home.leader"),
    ("/admin", "admin", "home.admin"),
    ("/admin/audit", "auditor", "home.auditor"),
    ("/admin/security", "security", "home.security"),
]
for _route, _role, _title in HOMES:
    app.add_page(home_page(_role, _title), route=_route, title="EAP", on_load=HomeState.load)
