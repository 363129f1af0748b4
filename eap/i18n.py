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
    # cases and the engine
    "case.blocked": (
        "前置事项未通过（{reason}），本事项无法继续办理，请作出不予许可决定或由申请人撤回",
        "A prerequisite was refused ({reason}); refuse this item or let the applicant withdraw",
    ),
    "case.illegal_transition": (
        "当前状态（{status}）下不能执行该操作：{action}",
        "This action ({action}) is not allowed in the current status ({status})",
    ),
    "case.no_commitment": (
        "事项 {code} 不适用告知承诺制",
        "Item {code} cannot be approved on commitment",
    ),
    "case.opinion_required": ("请填写办理意见", "Please give an opinion"),
    "case.owed_required": ("请列明容缺的材料", "List the materials still owed"),
    "case.reason_required": ("请填写理由", "Please give a reason"),
    "case.waiting": (
        "本事项须待前置事项（{codes}）办结后方可办理",
        "This item waits for its prerequisites ({codes}) to be approved",
    ),
    "file.corrupt": ("文件已损坏，请联系管理员", "The stored file is damaged; contact support"),
    "file.empty": ("文件 {name} 为空", "File {name} is empty"),
    "file.too_big": ("文件 {name} 超过 {mb} MB", "File {name} is larger than {mb} MB"),
    "file.type": (
        "文件 {name} 的格式不受支持，请上传 PDF、JPG、PNG 或 OFD/Office 文档",
        "File {name} has an unsupported type; upload PDF, JPG, PNG or OFD/Office files",
    ),
    "guide.no_process": (
        "项目所在地尚未发布该类型的审批流程",
        "No approval process is published for this project type here",
    ),
    "guide.no_stage": ("审批流程中没有第 {stage} 阶段", "The process has no stage {stage}"),
    "intake.already_open": (
        "第 {stage} 阶段已有正在办理的申请",
        "An application for stage {stage} is already in progress",
    ),
    "intake.bad_file": ("材料 {code} 的文件无效", "The file for material {code} is not valid"),
    "intake.bad_stage": ("阶段 {stage} 不存在", "There is no stage {stage}"),
    "intake.incomplete": (
        "材料不齐全：{codes}。请发出一次性告知或对非关键材料容缺受理",
        "Materials missing: {codes}. Issue a supplement notice or accept with non-key materials owed",
    ),
    "intake.key_owed": (
        "关键材料不能容缺：{codes}",
        "Key materials cannot be owed: {codes}",
    ),
    "intake.no_department": (
        "当地没有 {kind} 类审批部门",
        "There is no {kind} department here",
    ),
    "intake.no_items": (
        "根据项目情况，第 {stage} 阶段没有需要办理的事项",
        "No item applies to this project in stage {stage}",
    ),
    "intake.nothing_to_accept": ("没有可受理的事项", "Nothing left to accept"),
    "intake.owed_date": (
        "容缺材料 {code} 的补交期限须晚于今天",
        "The due date for owed material {code} must be after today",
    ),
    "intake.project_completed": ("项目已竣工验收", "The project is already completed"),
    "intake.stage_not_open": (
        "第 {stage} 阶段尚未开启（当前为第 {current} 阶段）",
        "Stage {stage} is not open yet (the project is in stage {current})",
    ),
    "intake.unknown_material": (
        "以下材料不属于本次申请：{codes}",
        "These materials are not part of this application: {codes}",
    ),
    "notify.accepted": (
        "【工程建设项目审批】您的项目“{project}”申请（{case_no}）已受理，各部门开始并联审批。",
        "Your application {case_no} for \u201c{project}\u201d has been accepted.",
    ),
    "notify.approved": (
        "【工程建设项目审批】“{project}”的事项“{item}”（{case_no}）已办结（通过）。",
        "Item \u201c{item}\u201d ({case_no}) of \u201c{project}\u201d has been approved.",
    ),
    "notify.not_taken": (
        "【工程建设项目审批】“{project}”申请（{case_no}）不予接收：{reason}",
        "Application {case_no} for \u201c{project}\u201d was not taken in: {reason}",
    ),
    "notify.received": (
        "【工程建设项目审批】“{project}”申请（{case_no}）已接件，正在审查材料。",
        "Application {case_no} for \u201c{project}\u201d was received.",
    ),
    "notify.refused": (
        "【工程建设项目审批】“{project}”的事项“{item}”（{case_no}）办结（不通过），请查看意见。",
        "Item \u201c{item}\u201d ({case_no}) of \u201c{project}\u201d was refused; see the opinion.",
    ),
    "notify.refused_intake": (
        "【工程建设项目审批】“{project}”申请（{case_no}）不予受理：{reason}",
        "Application {case_no} for \u201c{project}\u201d was refused at intake: {reason}",
    ),
    "notify.revoked": (
        "【工程建设项目审批】“{project}”的审批（{case_no}）已被撤销：{reason}",
        "Approval {case_no} of \u201c{project}\u201d was revoked: {reason}",
    ),
    "notify.special": (
        "【工程建设项目审批】“{project}”事项（{case_no}）进入特别程序，时限 {days} 个工作日，期间不计入办理时限。",
        "Item {case_no} of \u201c{project}\u201d entered a special procedure ({days} working days, not counted).",
    ),
    "notify.stage_closed": (
        "【工程建设项目审批】“{project}”本阶段（{case_no}）已办结，{docs} 份审批结果同步出件。",
        "Stage case {case_no} of \u201c{project}\u201d is closed; {docs} results are ready.",
    ),
    "notify.supplement": (
        "【工程建设项目审批】“{project}”（{case_no}）需补正 {count} 项材料，请一次性补齐，补正期间不计时。",
        "{case_no} of \u201c{project}\u201d needs {count} more materials; the clock is paused meanwhile.",
    ),
    "notify.withdrawn": (
        "【工程建设项目审批】“{project}”申请（{case_no}）已撤回。",
        "Application {case_no} for \u201c{project}\u201d was withdrawn.",
    ),
    "alert.urge": (
        "【催办】{what} #{target} 将于 {due} 到期，请抓紧办理。",
        "[Urge] {what} #{target} is due on {due}.",
    ),
    "alert.supervise": (
        "【督办】{what} #{target} 今日（{due}）到期，请当日办结。",
        "[Supervise] {what} #{target} is due today ({due}).",
    ),
    "alert.inspect": (
        "【督察】{what} #{target} 已于 {due} 逾期，已纳入效能考核。",
        "[Inspect] {what} #{target} is overdue since {due}; it counts against the KPIs.",
    ),
    "alert.notice": ("【督办通知】{text}", "[Supervision notice] {text}"),
    "alert.closed": ("该预警已关闭", "This alert is closed"),
    "alert.no_notice": ("尚未收到督办通知，无需答复", "There is no notice to answer"),
    "alert.level.urge": ("催办", "Urge"),
    "alert.level.supervise": ("督办", "Supervise"),
    "alert.level.inspect": ("督察", "Inspect"),
    "alert.status.open": ("待处理", "Open"),
    "alert.status.acknowledged": ("已确认", "Acknowledged"),
    "alert.status.noticed": ("已发督办函", "Notice issued"),
    "alert.status.answered": ("部门已答复", "Answered"),
    "alert.status.closed": ("已关闭", "Closed"),
    "supervision.alerts": ("预警督办", "Alerts"),
    "supervision.anomalies": ("异常督查", "Anomalies"),
    "supervision.kpi": ("效能指标", "KPIs"),
    "supervision.ranking": ("城市排名", "City ranking"),
    "supervision.all_levels": ("全部级别", "All levels"),
    "supervision.all_status": ("全部状态", "All statuses"),
    "supervision.text_hint": ("意见、督办要求或关闭原因", "Comment, notice text or closing reason"),
    "supervision.ack": ("确认", "Acknowledge"),
    "supervision.comment": ("批注", "Comment"),
    "supervision.notice": ("发督办函", "Issue notice"),
    "supervision.close": ("关闭", "Close"),
    "supervision.done": ("已处理", "Done"),
    "supervision.bad_period": ("请选择有效的起止日期", "Choose a valid period"),
    "supervision.col.level": ("级别", "Level"),
    "supervision.col.case_no": ("办件编号", "Case"),
    "supervision.col.item": ("事项", "Item"),
    "supervision.col.department": ("部门", "Department"),
    "supervision.col.due_date": ("办理期限", "Deadline"),
    "supervision.col.raised_at": ("预警时间", "Raised"),
    "supervision.col.status": ("状态", "Status"),
    "supervision.col.kind": ("类型", "Kind"),
    "supervision.col.subject": ("对象", "Subject"),
    "supervision.col.region": ("区划", "Region"),
    "supervision.col.evidence": ("证据", "Evidence"),
    "supervision.col.detected": ("发现时间", "Detected"),
    "anomaly.intake_delay": ("接件超时", "Intake delayed"),
    "anomaly.repeated_supplement": ("多次补正", "Repeated supplements"),
    "anomaly.special_overrun": ("特别程序超时", "Special procedure overrun"),
    "anomaly.too_fast": ("办结过快", "Implausibly fast"),
    "anomaly.skipped_steps": ("环节缺失", "Skipped steps"),
    "anomaly.backlog_growth": ("积压增长", "Backlog growing"),
    "case.due": ("办理期限", "Deadline"),
    "case.paused_days": ("暂停工作日", "Paused working days"),
    "case.supplements": ("补正次数", "Supplements"),
    "export.xlsx": ("导出 Excel", "Export to Excel"),
    "kpi.period": ("统计期间", "Period"),
    "kpi.query": ("查询", "Show"),
    "kpi.by.city_code": ("按设区市", "By city"),
    "kpi.by.county_code": ("按县区", "By county"),
    "kpi.by.department_id": ("按部门", "By department"),
    "kpi.by.stage_code": ("按阶段", "By stage"),
    "kpi.by.process_type": ("按流程类型", "By process type"),
    "kpi.col.key": ("统计对象", "Group"),
    "kpi.col.accepted": ("受理数", "Accepted"),
    "kpi.col.completed": ("办结数", "Completed"),
    "kpi.col.on_time": ("按时办结率", "On time"),
    "kpi.col.overdue": ("超期率", "Overdue"),
    "kpi.col.avg": ("平均用时(工作日)", "Avg days"),
    "kpi.col.p90": ("90分位用时", "P90 days"),
    "kpi.col.supplement": ("补件率", "Supplement rate"),
    "kpi.col.refusal": ("不予许可率", "Refusal rate"),
    "kpi.col.special": ("特别程序天数", "Special-procedure days"),
    "ranking.title": ("各设区市按时办结率(%)", "On-time completion by city (%)"),
    "ranking.trend": ("按时办结率月度趋势(%)", "Monthly on-time trend (%)"),
    "ranking.distribution": ("办结用时分布(工作日)", "Working days used"),
    "workbench.alerts": ("督办事项", "Alerts and notices"),
    "workbench.reply": ("答复督办", "Answer the notice"),
    "workbench.reply_hint": ("填写对督办通知的答复", "Your answer to the supervision notice"),
    "workbench.no_alerts": ("暂无督办事项", "No alerts for your department"),
    "supervision.col.actions": ("操作", "Actions"),
    "kpi.projects": ("全流程用时（对照目标）", "Full-process days against the target"),
    "kpi.pcol.key": ("设区市", "City"),
    "kpi.pcol.completed": ("竣工验收项目数", "Projects completed"),
    "kpi.pcol.avg": ("平均全流程用时(工作日)", "Avg full-process days"),
    "kpi.pcol.within": ("目标内完成率", "Within target"),
    "postcheck.closed": ("该核查任务已完成", "This verification is already recorded"),
    "project.code_taken": ("项目代码 {code} 已被登记", "Project code {code} is already registered"),
    "project.dates": ("计划竣工日期不能早于计划开工日期", "Planned finish is before planned start"),
    "project.locked": (
        "项目已有申请被受理，基本信息不能再修改",
        "An application has been accepted; the project can no longer be edited",
    ),
    "project.name_required": ("请填写项目名称", "Please enter the project name"),
    "project.negative": ("投资额和面积不能为负数", "Investment and areas cannot be negative"),
    "project.region_unknown": ("请选择江西省内的行政区划", "Choose a region in Jiangxi"),
    "project.type_unknown": ("请选择审批流程类型", "Choose a process type"),
    "project.unit_name": ("请填写单位名称", "Please enter the unit's name"),
    "project.unit_role": ("单位类型无效", "Unknown unit role"),
    "special.kind": ("特别程序种类无效", "Unknown special-procedure kind"),
    "special.limit": ("特别程序时限应为 1-365 个工作日", "The limit must be 1-365 working days"),
    "stage.items_open": (
        "以下事项尚未办结：{codes}",
        "These items are not finished yet: {codes}",
    ),
    "simulate.no_staff": (
        "{region} 没有窗口或审批人员账号",
        "No window or approver accounts in {region}",
    ),
    "simulate.no_companies": (
        "请先运行 seed demo 创建企业",
        "Run seed demo first to create companies",
    ),
    "supplement.already_answered": ("该补正通知已答复", "This notice has already been answered"),
    "supplement.empty": ("请勾选需要补正的材料", "Tick the materials that are missing"),
    "supplement.incomplete": (
        "请一次补齐全部材料，尚缺：{codes}",
        "Supply every listed material at once; still missing: {codes}",
    ),
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
