"""The one message catalogue: every user-facing string, Simplified Chinese first, then English."""

from __future__ import annotations

from typing import Any

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"

# key: (zh, en)
_CATALOGUE: dict[str, tuple[str, str]] = {
    # application shell
    "app.name": ("江西省工程建设项目审批管理系统", "Jiangxi Construction Project Approval System"),
    "app.short": ("工程建设项目审批", "Project Approvals"),
    "nav.home": ("首页", "Home"),
    "nav.logout": ("退出登录", "Sign out"),
    "nav.language": ("English", "中文"),
    "nav.signed_in_as": ("当前用户", "Signed in as"),
    "nav.hall": ("网上办事大厅", "Online service hall"),
    "nav.workbench": ("审批工作台", "Approval workbench"),
    "nav.supervision": ("效能督查", "Supervision"),
    "nav.agency": ("中介服务", "Intermediary services"),
    "nav.screen": ("数据展示", "Dashboard"),
    "nav.admin": ("系统管理", "Administration"),
    "nav.audit": ("审计日志", "Audit log"),
    "nav.security": ("安全管理", "Security"),
    "nav.catalogue": ("事项目录", "Item catalogue"),
    "nav.calendar": ("节假日设置", "Holiday calendar"),
    # login
    "login.title": ("用户登录", "Sign in"),
    "login.username": ("用户名", "Username"),
    "login.password": ("密码", "Password"),
    "login.submit": ("登录", "Sign in"),
    "login.demo_hint": (
        "演示账号见 README，密码均为 Demo@2026",
        "Demo accounts are listed in the README; the password is Demo@2026",
    ),
    "login.session_ended": (
        "会话已超时，请重新登录",
        "Your session timed out; please sign in again",
    ),
    "auth.bad_credentials": ("用户名或密码错误", "Wrong username or password"),
    "auth.locked": (
        "登录失败次数过多，账号已锁定，请 {minutes} 分钟后再试",
        "Too many failed sign-ins; the account is locked for {minutes} minutes",
    ),
    "auth.inactive": ("账号已停用", "This account is disabled"),
    "auth.password_rules": (
        "密码至少 8 位，且须包含大写字母、小写字母、数字和符号中的三类",
        "Passwords need at least 8 characters from three of: upper case, lower case, digits, symbols",
    ),
    "error.forbidden": ("无权执行此操作", "You are not allowed to do this"),
    "error.not_found": ("记录不存在或无权查看", "Not found, or not yours to see"),
    "error.unexpected": ("系统繁忙，请稍后重试", "Something went wrong; please try again"),
    "error.conflict": (
        "该记录已被他人修改，请刷新后重试",
        "Someone else changed this record first; reload and try again",
    ),
    # roles
    "role.applicant": ("申报人", "Applicant"),
    "role.agent": ("帮办代办", "Agent"),
    "role.window": ("综合窗口", "Window clerk"),
    "role.approver": ("部门审批人", "Department approver"),
    "role.supervisor": ("督查人员", "Supervision officer"),
    "role.agency": ("中介机构", "Intermediary agency"),
    "role.leader": ("领导", "Leadership"),
    "role.admin": ("系统管理员", "System administrator"),
    "role.auditor": ("审计员", "Audit administrator"),
    "role.security": ("安全员", "Security administrator"),
    # home pages
    "home.applicant": ("我的办事", "My applications"),
    "home.agent": ("代办服务", "Agent services"),
    "home.window": ("综合窗口 · 收件队列", "One-stop window · intake queue"),
    "home.approver": ("部门审批 · 待办件", "Department approvals · inbox"),
    "home.supervisor": ("审批效能督查", "Approval efficiency supervision"),
    "home.agency": ("中介服务超市", "Intermediary service market"),
    "home.leader": ("领导驾驶舱", "Leadership cockpit"),
    "home.admin": ("系统管理", "System administration"),
    "home.auditor": ("审计日志", "Audit trail"),
    "home.security": ("账号安全", "Account security"),
    "home.scope": ("工作范围", "Scope"),
    "home.region": ("行政区划", "Region"),
    "home.department": ("所属部门", "Department"),
    "home.company": ("所属单位", "Company"),
    "home.welcome": ("欢迎，{name}", "Welcome, {name}"),
    "home.stat.regions": ("行政区划", "Regions"),
    "home.stat.departments": ("审批部门", "Departments"),
    "home.stat.items": ("审批事项", "Approval items"),
    "home.stat.processes": ("审批流程", "Processes"),
    "home.stat.users": ("用户账号", "Accounts"),
    "home.stat.companies": ("企业", "Companies"),
    "home.stat.locked": ("锁定中的账号", "Locked accounts"),
    "home.stat.sessions": ("活动会话", "Active sessions"),
    "home.audit.at": ("时间", "Time"),
    "home.audit.actor": ("操作人", "Actor"),
    "home.audit.action": ("操作", "Action"),
    "home.audit.entity": ("对象", "Object"),
    "home.catalogue.code": ("事项编码", "Item code"),
    "home.catalogue.name": ("事项名称", "Item"),
    "home.catalogue.stage": ("阶段", "Stage"),
    "home.catalogue.dept": ("部门", "Department"),
    "home.catalogue.limit": ("时限(工作日)", "Limit (working days)"),
    "home.coming": (
        "本模块的完整功能正在建设中。",
        "The full workflow of this module is under construction.",
    ),
    "page.prev": ("上一页", "Previous"),
    "page.next": ("下一页", "Next"),
    "page.of": ("第 {page} / {pages} 页", "Page {page} of {pages}"),
    # clock
    "clock.provisional": (
        "（暂定：该年度节假日安排未发布）",
        "(provisional: holidays not yet published)",
    ),
    "calendar.bad_line": ("第 {line} 行格式错误：{text}", "Line {line} is malformed: {text}"),
    "calendar.bad_date": (
        "第 {line} 行日期无效：{text}",
        "Line {line} has an invalid date: {text}",
    ),
    "calendar.bad_kind": (
        "第 {line} 行类型应为 holiday 或 workday：{text}",
        "Line {line}: the kind must be holiday or workday, not {text}",
    ),
    "calendar.empty_file": ("文件中没有日期", "The file contains no dates"),
    "calendar.file_missing": ("找不到文件：{path}", "File not found: {path}"),
    # identifiers
    "uscc.length": (
        "统一社会信用代码应为 18 位，当前 {length} 位",
        "A unified social credit code has 18 characters, not {length}",
    ),
    "uscc.charset": (
        "统一社会信用代码只能包含数字和大写字母（不含 I、O、Z、S、V）",
        "A unified social credit code uses digits and capitals except I, O, Z, S, V",
    ),
    "uscc.authority": (
        "统一社会信用代码首位登记管理部门代码无效：{char}",
        "Invalid registering-authority character: {char}",
    ),
    "uscc.region": (
        "统一社会信用代码中的行政区划码无效：{region}",
        "Invalid region code: {region}",
    ),
    "uscc.check": (
        "统一社会信用代码校验位错误（应为 {expected}，实为 {got}）",
        "Check character is wrong (expected {expected}, got {got})",
    ),
    "id.length": (
        "身份证号应为 18 位，当前 {length} 位",
        "An ID number has 18 characters, not {length}",
    ),
    "id.charset": (
        "身份证号前 17 位应为数字，末位为数字或 X",
        "An ID number is 17 digits then a digit or X",
    ),
    "id.region": ("身份证号的地址码无效：{region}", "Invalid address code: {region}"),
    "id.birth": ("身份证号中的出生日期无效：{birth}", "Invalid birth date: {birth}"),
    "id.check": (
        "身份证号校验位错误（应为 {expected}，实为 {got}）",
        "Check digit is wrong (expected {expected}, got {got})",
    ),
    "project_code.format": (
        "项目代码格式应为 YYYY-RRRRRR-II-TT-NNNNNN，例如 2019-360100-47-01-000001",
        "A project code looks like YYYY-RRRRRR-II-TT-NNNNNN, e.g. 2019-360100-47-01-000001",
    ),
    "project_code.time": ("项目代码的时间码无效：{time}", "Invalid time part: {time}"),
    "project_code.region": ("项目代码的行政区划码无效：{region}", "Invalid region code: {region}"),
    "project_code.type": ("项目代码的项目类型码无效：{type}", "Invalid project type: {type}"),
    "validate.ok": ("有效", "valid"),
    "account.scope_required": (
        "工作人员账号必须指定所属行政区划和部门",
        "Staff accounts need a region and a department",
    ),
    "account.scope_mismatch": (
        "所选部门不属于该行政区划",
        "The department does not belong to that region",
    ),
    "catalogue.unknown_item": ("事项 {code} 不在事项目录中", "Item {code} is not in the catalogue"),
    # department kinds (short labels)
    "dept.window": ("综合窗口", "One-stop window"),
    "dept.fgw": ("发改", "Development & Reform"),
    "dept.zrzy": ("自然资源", "Natural Resources"),
    "dept.zj": ("住建", "Housing & Construction"),
    "dept.sthj": ("生态环境", "Ecology & Environment"),
    "dept.sl": ("水利", "Water Resources"),
    "dept.rf": ("人防", "Civil Air Defence"),
    "dept.jt": ("交通", "Transport"),
    "dept.cg": ("城管", "Urban Management"),
    "dept.qx": ("气象", "Meteorology"),
    "dept.szgy": ("市政公用", "Public Utilities"),
}

MESSAGES: dict[str, dict[str, str]] = {
    lang: {key: pair[i] for key, pair in _CATALOGUE.items()} for i, lang in enumerate(LANGS)
}


def t(key: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """Translate ``key``; unknown keys come back as themselves so a gap is visible, not fatal."""
    text = MESSAGES.get(lang, MESSAGES[DEFAULT_LANG]).get(key, key)
    if params:
        try:
            return text.format(**params)
        except (KeyError, IndexError):
            return text
    return text
