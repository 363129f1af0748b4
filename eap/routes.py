"""Every route of the application in one table (路由表): its page, roles, menu label, home.

``eap.eap`` registers the pages from it, ``state.core.base`` authorises with it, the shell's
navigation is drawn from it and each role's home page is read from it. Pages and their on-load
handlers are named as ``"module:attribute"`` strings and imported only by ``eap.eap``, so this
module imports nothing of the app and any layer may read it.
"""

from __future__ import annotations

from dataclasses import dataclass

from eap.services.core.principal import ROLES, Role

HALL_ROLES = frozenset({Role.APPLICANT, Role.AGENT})


@dataclass(frozen=True)
class Route:
    path: str
    page: str  # "module:function" building the page
    title: str  # the browser tab's title
    roles: frozenset[str] | None  # who may open it; None: public
    on_load: tuple[str, ...] = ()  # "module:State.handler", run in order
    nav: str | None = None  # message key of its link in the top bar (for ``roles``)
    home_of: frozenset[str] = frozenset()  # the roles that land here after signing in
    role_home: str | None = None  # a role's generic home page (pages.core.home)
    nav_roles: frozenset[str] | None = None  # who sees the menu link, when not ``roles``


_P, _S = "eap.pages", "eap.state"
ROUTES: tuple[Route, ...] = (
    Route(
        "/login",
        f"{_P}.core.login:login_page",
        "登录 · EAP",
        None,
        (f"{_S}.core.login:LoginState.on_load",),
    ),
    Route("/", "reflex:fragment", "EAP", None, (f"{_S}.core.base:AppState.go_home",)),
    Route(
        "/verify/[token]",
        f"{_P}.hall.verify:verify_page",
        "证照核验 · EAP",
        None,
        (f"{_S}.hall.verify:VerifyState.load",),
    ),
    Route(
        "/notices",
        f"{_P}.hall.notices:notices_page",
        "通知公告 · EAP",
        None,
        (f"{_S}.hall.notices:NoticesState.load",),
    ),
    Route(
        "/notices/[notice_id]",
        f"{_P}.hall.notices:notice_detail_page",
        "通知公告 · EAP",
        None,
        (f"{_S}.hall.notices:NoticeDetailState.load",),
    ),
    Route(
        "/hall/register",
        f"{_P}.hall.register:register_page",
        "注册 · EAP",
        None,
        (f"{_S}.hall.register:RegisterState.load",),
    ),
    Route(
        "/hall/reset",
        f"{_P}.hall.reset:reset_page",
        "找回密码 · EAP",
        None,
        (f"{_S}.hall.reset:ResetState.load",),
    ),
    # 网上办事大厅 online service hall
    Route(
        "/hall",
        f"{_P}.hall.hall:hall_page",
        "网上办事大厅 · EAP",
        HALL_ROLES,
        (f"{_S}.hall.hall:HallState.load",),
        "nav.hall",
        HALL_ROLES,
    ),
    Route(
        "/hall/apply",
        f"{_P}.hall.apply:apply_page",
        "申报 · EAP",
        HALL_ROLES,
        (f"{_S}.hall.apply:ApplyState.load",),
        "nav.apply",
    ),
    Route(
        "/hall/projects/new",
        f"{_P}.hall.apply:new_project_page",
        "项目登记 · EAP",
        HALL_ROLES,
        (f"{_S}.hall.apply:NewProjectState.load",),
    ),
    Route(
        "/hall/appointments",
        f"{_P}.hall.hall_services:appointments_page",
        "预约办事 · EAP",
        HALL_ROLES,
        (f"{_S}.hall.hall_services:AppointmentsState.load",),
        "nav.appointments",
    ),
    Route(
        "/hall/inquiries",
        f"{_P}.hall.hall_services:inquiries_page",
        "咨询投诉 · EAP",
        HALL_ROLES,
        (f"{_S}.hall.hall_services:InquiriesState.load",),
        "nav.inquiries",
    ),
    Route(
        "/hall/agents",
        f"{_P}.hall.hall_services:agents_page",
        "代办授权 · EAP",
        HALL_ROLES,
        (f"{_S}.hall.hall_services:AgentsState.load",),
        "nav.agents",
    ),
    Route(
        "/hall/intermediary",
        f"{_P}.hall.intermediary:intermediary_page",
        "中介服务采购 · EAP",
        HALL_ROLES,
        (f"{_S}.hall.intermediary:IntermediaryState.load",),
        "nav.intermediary",
    ),
    Route(
        "/hall/library",
        f"{_P}.hall.library:library_page",
        "材料库 · EAP",
        HALL_ROLES,
        (f"{_S}.hall.library:LibraryState.load",),
        "nav.library",
    ),
    Route(
        "/hall/owed",
        f"{_P}.hall.owed:owed_page",
        "容缺补交 · EAP",
        HALL_ROLES,
        (f"{_S}.hall.owed:OwedState.load",),
        "nav.owed",
    ),
    # 办事指南: public, and in the hall's menu
    Route(
        "/guide",
        f"{_P}.hall.guide:guide_page",
        "办事指南 · EAP",
        None,
        (f"{_S}.hall.guide:GuideState.load",),
        "nav.guide",
        nav_roles=HALL_ROLES,
    ),
    # 审批业务 workbenches
    Route(
        "/workbench/window",
        f"{_P}.approval.window:window_page",
        "综合窗口 · EAP",
        frozenset({Role.WINDOW}),
        (f"{_S}.approval.window:WindowState.load", f"{_S}.approval.desk:TodayState.load"),
        "nav.workbench",
        frozenset({Role.WINDOW}),
    ),
    Route(
        "/workbench/counter",
        f"{_P}.approval.counter:counter_page",
        "窗口代录 · EAP",
        frozenset({Role.WINDOW}),
        (f"{_S}.approval.counter:CounterState.load",),
        "nav.counter",
    ),
    Route(
        "/workbench/department",
        f"{_P}.approval.department:department_page",
        "部门审批 · EAP",
        frozenset({Role.APPROVER}),
        (
            f"{_S}.approval.department.inbox:DepartmentState.load",
            f"{_S}.approval.department.tasks:DepartmentTasksState.load",
            f"{_S}.approval.desk:RepliesState.load",
        ),
        "nav.workbench",
        frozenset({Role.APPROVER}),
    ),
    Route(
        "/workbench/planning",
        f"{_P}.approval.planning:planning_page",
        "策划生成 · EAP",
        frozenset({Role.APPROVER}),
        (f"{_S}.approval.planning:PlanningState.load",),
        "nav.planning",
    ),
    # 效能督查 supervision
    Route(
        "/supervision",
        f"{_P}.supervision.board:supervision_page",
        "效能督查 · EAP",
        # administrators: the national-reporting tab only
        frozenset({Role.SUPERVISOR, Role.ADMIN}),
        (
            f"{_S}.supervision.board:SupervisionState.load",
            f"{_S}.supervision.market_watch:MarketWatchState.load",
            f"{_S}.supervision.reporting:ReportingState.load",
        ),
        "nav.supervision",
        frozenset({Role.SUPERVISOR, Role.ADMIN}),
    ),
    # 统一中介服务 intermediary market: the agency's workbench, the public market
    Route(
        "/agency",
        f"{_P}.agency.workbench:agency_page",
        "中介服务 · EAP",
        frozenset({Role.AGENCY}),
        (f"{_S}.agency.workbench:AgencyState.load",),
        "nav.agency",
        frozenset({Role.AGENCY}),
    ),
    Route(
        "/market",
        f"{_P}.agency.market:market_page",
        "中介超市 · EAP",
        None,
        (f"{_S}.agency.market:MarketState.load",),
    ),
    # 数据展示 (a home page until its subsystem lands)
    Route(
        "/screen",
        f"{_P}.screen.board:screen_page",
        "数据展示 · EAP",
        # leaders see their province or city; a province supervisor (the services check the
        # level) reaches the provincial centre's views too
        frozenset({Role.LEADER, Role.SUPERVISOR}),
        (f"{_S}.screen.board:ScreenState.load",),
        "nav.screen",
        frozenset({Role.LEADER}),
        nav_roles=frozenset({Role.LEADER}),
    ),
    Route(
        "/screen/centre",
        f"{_P}.screen.centre:centre_page",
        "审批省级监管中心 · EAP",
        # the province's leaders and supervisors (the service checks the level)
        frozenset({Role.LEADER, Role.SUPERVISOR}),
        (f"{_S}.screen.centre:CentreState.load",),
    ),
    Route(
        "/screen/project/[code]",
        f"{_P}.screen.project:project_screen_page",
        "项目全景 · EAP",
        frozenset({Role.LEADER, Role.SUPERVISOR}),
        (f"{_S}.screen.project:ProjectScreenState.load",),
    ),
    Route(
        "/screen/city/[code]",
        f"{_P}.screen.board:screen_page",
        "数据展示 · EAP",
        frozenset({Role.LEADER, Role.SUPERVISOR}),
        (f"{_S}.screen.board:ScreenState.load_city",),
    ),
    # 系统管理 administration
    Route(
        "/admin",
        f"{_P}.core.home:home_page",
        "EAP",
        frozenset({Role.ADMIN}),
        (f"{_S}.core.home:HomeState.load",),
        "nav.admin",
        frozenset({Role.ADMIN}),
        "home.admin",
    ),
    Route(
        "/admin/catalogue",
        f"{_P}.admin.catalogue:process_admin_page",
        "流程配置 · EAP",
        frozenset({Role.ADMIN}),
        (
            f"{_S}.admin.catalogue:ProcessAdminState.load",
            f"{_S}.admin.targets:TargetState.load",
        ),
        "process.title",
    ),
    Route(
        "/admin/items",
        f"{_P}.admin.items:items_page",
        "事项管理 · EAP",
        frozenset({Role.ADMIN}),
        (f"{_S}.admin.items:ItemsState.load",),
        "nav.items",
    ),
    Route(
        "/admin/staff",
        f"{_P}.admin.staff:staff_page",
        "人员管理 · EAP",
        frozenset({Role.ADMIN}),
        (f"{_S}.admin.staff:StaffState.load",),
        "nav.staff",
    ),
    Route(
        "/admin/departments",
        f"{_P}.admin.departments:departments_page",
        "部门管理 · EAP",
        frozenset({Role.ADMIN}),
        (f"{_S}.admin.departments:DepartmentsState.load",),
        "nav.departments",
    ),
    Route(
        "/admin/calendar",
        f"{_P}.admin.calendar:calendar_page",
        "节假日安排 · EAP",
        frozenset({Role.ADMIN}),
        (f"{_S}.admin.calendar:CalendarState.load",),
        "nav.calendar",
    ),
    Route(
        "/admin/jurisdiction",
        f"{_P}.admin.jurisdiction:jurisdiction_page",
        "事权与联合审图 · EAP",
        frozenset({Role.ADMIN}),
        (f"{_S}.admin.jurisdiction:JurisdictionState.load",),
        "nav.jurisdiction",
    ),
    Route(
        "/admin/assessments",
        f"{_P}.admin.assessments:assessments_page",
        "区域评估 · EAP",
        frozenset({Role.ADMIN}),
        (f"{_S}.admin.assessments:AssessmentsState.load",),
        "nav.assessments",
    ),
    Route(
        "/admin/market",
        f"{_P}.admin.market:market_admin_page",
        "中介机构审核 · EAP",
        frozenset({Role.ADMIN}),
        (f"{_S}.admin.market:MarketAdminState.load",),
        "nav.market_admin",
    ),
    Route(
        "/admin/api-clients",
        f"{_P}.admin.api_clients:api_clients_page",
        "接口客户端 · EAP",
        frozenset({Role.ADMIN}),
        (f"{_S}.admin.api_clients:ApiClientsState.load",),
        "nav.api_clients",
    ),
    Route(
        "/admin/audit",
        f"{_P}.admin.audit:audit_page",
        "审计日志 · EAP",
        frozenset({Role.AUDITOR}),
        (f"{_S}.admin.audit:AuditState.load",),
        "nav.audit",
        frozenset({Role.AUDITOR}),
    ),
    Route(
        "/admin/security",
        f"{_P}.admin.security:security_page",
        "账号安全 · EAP",
        frozenset({Role.SECURITY}),
        (f"{_S}.admin.security:SecurityState.load",),
        "nav.security",
        frozenset({Role.SECURITY}),
    ),
    # every signed-in role
    Route(
        "/account/password",
        f"{_P}.core.password:password_page",
        "修改密码 · EAP",
        frozenset(ROLES),
        (f"{_S}.core.password:PasswordState.load",),
    ),
    Route(
        "/inbox",
        f"{_P}.core.inbox:inbox_page",
        "消息 · EAP",
        frozenset(ROLES),
        (f"{_S}.core.inbox:InboxState.load",),
    ),
)

BY_PATH: dict[str, Route] = {r.path: r for r in ROUTES}
# Which roles may open which signed-in page; checked on the server in every handler.
ROUTE_ROLES: dict[str, frozenset[str]] = {r.path: r.roles for r in ROUTES if r.roles is not None}
HOME_ROUTES: dict[str, str] = {role: r.path for r in ROUTES for role in r.home_of}
# The top bar's links: (route, label key, roles that see it), in table order.
NAV: tuple[tuple[str, str, tuple[str, ...]], ...] = tuple(
    (r.path, r.nav, tuple(sorted(who))) for r in ROUTES if r.nav and (who := r.nav_roles or r.roles)
)


def _check() -> None:
    missing = set(ROLES) - set(HOME_ROUTES)
    if missing:  # a role with no home would be signed in to nowhere
        raise RuntimeError(f"roles without a home route: {sorted(missing)}")


_check()
