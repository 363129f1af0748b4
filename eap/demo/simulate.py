"""Demo history (演示数据模拟): drive projects through the engine's own services with
realistic working-day timings, so the demo province has a year of cases in every state."""

from __future__ import annotations

import datetime as dt
import random

from sqlmodel import Session, col, select

from eap.demo.sim_base import SimStats, SimulatorBase, Staff
from eap.errors import DomainError
from eap.models import (
    Agency,
    Company,
    Department,
    Item,
    ItemCase,
    JointAcceptance,
    JointInspection,
    Project,
    StageCase,
    SupplementNotice,
)
from eap.models.cases import APPROVED_STATES, TERMINAL, JointKind
from eap.models.projects import (
    ApprovalType,
    ConstructionNature,
    EngineeringCategory,
    LandAcquisition,
    ProjectCreate,
)
from eap.services.approval import (
    case_store,
    counter,
    filing,
    handling,
    intake,
    joint,
    jurisdiction,
    owed,
    results,
    supplements,
)
from eap.services.core import files, geo
from eap.services.core.clock import CHINA_TZ, now_or
from eap.services.core.principal import Principal
from eap.services.core.progress import Progress, silent
from eap.services.hall import evaluation, guide, projects

PDF = b"%PDF-1.4\n% EAP demo material\n"
PROJECT_WORDS = [
    "综合楼",
    "安置房",
    "学校",
    "医院门诊楼",
    "产业园厂房",
    "体育馆",
    "污水处理厂",
    "道路改造",
    "商业综合体",
    "住宅小区",
]


class Simulator(SimulatorBase):
    """Projects driven through the engine's services, stage by stage."""

    # --- projects -----------------------------------------------------------------------
    def new_project(self, company: Company, start: dt.date) -> tuple[int, Principal]:
        owner = self._applicant(company)
        ptype = self.rng.choice([1, 1, 2, 3, 3, 3, 4, 4, 5, 6])
        region = company.region_code
        serial = self.rng.randint(1, 999_999)
        code = f"{start.year}-{region}-{self.rng.choice(['47', '48', '04', '50'])}-01-{serial:06d}"
        while self.s.exec(select(Project.id).where(Project.project_code == code)).first():
            serial = (serial + 1) % 1_000_000
            code = code[:-6] + f"{serial:06d}"
        attrs = {
            k: self.rng.random() < p
            for k, p in (
                ("filing_only", 0.7),
                ("civil_air_defence", 0.5),
                ("gas", 0.4),
                ("near_river", 0.1),
                ("energy_review", 0.3),
                ("night_work", 0.2),
                ("affects_road", 0.3),
            )
        }
        attrs["needs_core_approval"] = not attrs["filing_only"]
        name = f"{company.name.removesuffix('有限公司')}{self.rng.choice(PROJECT_WORDS)}项目"
        # a site inside its county (一张蓝图), from its own generator: the simulation's stays as it was
        site = geo.random_point_in(region, random.Random(code))
        facts = random.Random(f"{code}:facts")  # the reported facts, from their own generator too
        p = projects.register_project(
            self.s,
            principal=owner,
            data=ProjectCreate(
                project_code=code,
                name=name,
                region_code=region,
                location=f"{name}地块",
                total_investment=round(self.rng.uniform(500, 80000), 1),
                land_area=round(self.rng.uniform(2000, 120000)),
                floor_area=round(self.rng.uniform(1000, 300000)),
                process_type=ptype,
                industry="房屋建筑" if ptype != 2 else "市政道路",
                industry_code=facts.choice(["E4710", "E4790", "K7010", "P8300"])
                if ptype != 2
                else "E4813",
                engineering_category=EngineeringCategory.MUNICIPAL
                if ptype == 2
                else EngineeringCategory.BUILDING,
                approval_type=ApprovalType.EXAMINED
                if ptype in (1, 2)
                else facts.choice([ApprovalType.SANCTIONED, ApprovalType.FILED]),
                construction_nature=facts.choice(
                    [ConstructionNature.NEW] * 4 + [ConstructionNature.EXPANSION]
                ),
                land_acquisition=LandAcquisition.ALLOCATION
                if ptype in (1, 2)
                else LandAcquisition.AUCTION,
                regional_assessment=facts.random() < 0.6,
                scale=f"总建筑面积约{facts.randint(1, 30) * 1000}平方米",
                attributes=attrs,
                planned_start=start + dt.timedelta(days=120),
                planned_finish=start + dt.timedelta(days=900),
                longitude=site[0] if site else None,
                latitude=site[1] if site else None,
            ),
        )
        assert p.id is not None
        # the owner builds; the units a project names are reported with it (SPGL_XMDWXXB)
        if company.kind == "company":
            projects.set_units(
                self.s,
                principal=owner,
                project=p,
                units=[{"role": "builder", "uscc": company.uscc, "name": company.name}],
            )
        return p.id, owner

    def run_project(self, company: Company, start: dt.date) -> None:
        pid, owner = self.new_project(company, start)
        self.stats.projects += 1
        day = start
        stages = [1, 2, 5, 3, 4]
        for stage in stages:
            if not self.past(day):
                return
            outcome, day = self.run_stage(pid, owner, stage, day)
            if outcome != "closed":
                return
            day = self.later(day, 2, 15)  # the applicant prepares the next stage
        self.stats.completed += 1

    def _uploads(self, owner: Principal, pid: int, stage: int, skip: set[str]) -> dict[str, int]:
        """Every material not on file, uploaded by ``owner`` (the applicant, or the window
        scanning a walk-in's papers) as the project's company's file."""
        project = self.s.get(Project, pid)
        assert project is not None
        form = guide.stage_form(self.s, project=project, stage_code=stage)
        out = {}
        for need in form.materials:
            if need.satisfied_by or need.code in skip:
                continue
            f = files.store_file(
                self.s,
                principal=owner,
                filename=f"{need.code}.pdf",
                content=PDF,
                company_id=project.company_id,
            )
            out[need.code] = f.id or 0
        return out

    def run_stage(
        self, pid: int, owner: Principal, stage: int, day: dt.date
    ) -> tuple[str, dt.date]:
        s, rng = self.s, self.rng
        project = s.get(Project, pid)
        assert project is not None
        form = guide.stage_form(s, project=project, stage_code=stage)
        if not form.items:
            return "closed", day
        deferrable = [n.code for n in form.materials if n.deferrable and not n.satisfied_by]
        skip = {rng.choice(deferrable)} if deferrable and rng.random() < 0.2 else set()
        # One project in seven walks in to the window (窗口代录, SLFS = 1): filed and received
        # at the counter. Decided by the project, not the random stream, so the rest of the
        # simulated province stays as it was.
        walk_in = pid % 7 == 3
        if walk_in:
            items = [i.code for i in form.items]
            window = jurisdiction.route(s, project=project, item_codes=items).window_region
            clerk = self._staff(window).window
            sc = counter.file_at_counter(
                s,
                principal=clerk,
                project_id=pid,
                stage_code=stage,
                uploads=self._uploads(clerk, pid, stage, skip),
                owed=sorted(skip),
                now=self.at(day, 9),
            )
        else:
            sc = filing.submit_stage_application(
                s,
                principal=owner,
                project_id=pid,
                stage_code=stage,
                uploads=self._uploads(owner, pid, stage, skip),
                owed=sorted(skip),
                now=self.at(day, 9),
            )
        self.stats.stage_cases += 1
        assert sc.id is not None
        staff = self._staff(sc.window_region_code)
        day = self.later(day, 0, 1) if rng.random() < 0.9 else self.later(day, 2, 4)
        if not self.past(day):
            return "open", day
        if not walk_in:
            intake.receive_case(
                s, principal=staff.window, stage_case_id=sc.id, now=self.at(day, 10)
            )
        if rng.random() < 0.03:
            filing.withdraw_application(
                s,
                principal=owner,
                stage_case_id=sc.id,
                reason="申请人主动撤件",
                now=self.at(day, 15),
            )
            return "withdrawn", day
        if rng.random() < 0.12:
            missing = intake.completeness(s, stage_case_id=sc.id)
            codes = [m.code for m in missing] or [form.materials[0].code]
            notice = supplements.request_intake_supplement(
                s,
                principal=staff.window,
                stage_case_id=sc.id,
                materials=[{"code": c, "remark": "材料不规范，请补正"} for c in codes],
                now=self.at(day, 11),
            )
            day = self.later(day, 1, 4)
            if not self.past(day):
                return "open", day
            self._supply(owner, notice, day)
            skip = set()
        promised = {c: self.later(day, 10, 20) for c in skip}
        intake.accept_case(
            s, principal=staff.window, stage_case_id=sc.id, owed=promised, now=self.at(day, 14)
        )
        self.stats.transitions += 2 * len(form.items)
        reviewed = self.drawing_review(sc, staff, day)
        if reviewed is None:
            return "open", day
        last = self.handle_items(sc, staff, owner, day, not_before=reviewed)
        if last is None:
            return "open", day
        day = self.later(last, 0, 2)
        if not self.past(day):
            return "open", day
        results.close_stage(
            s,
            principal=self._lead(staff, sc),
            stage_case_id=sc.id,
            opinion="同步出件",
            now=self.after(sc.id, day, 16),
        )
        if rng.random() < 0.7:  # most applicants rate a finished case (好差评), item by item
            grade = rng.choices([5, 4, 3, 2, 1], weights=[60, 25, 10, 4, 1])[0]
            # The lead's item takes the main stream's grade; the others draw from their own
            # stream, so adding items never shifts the rest of the province.
            side = random.Random(sc.id or 0)
            rated_at = self.at(day, 17)
            for case in case_store.item_cases(s, sc.id or 0):
                if not evaluation.can_rate(case, rated=False, now=rated_at):
                    continue  # decided long before the stage closed: its window has passed
                g = (
                    grade
                    if case.department_id == sc.lead_department_id
                    else side.choice([5, 5, 5, 4, 4, 3, 2])
                )
                evaluation.rate_item_case(
                    s,
                    principal=owner,
                    item_case_id=case.id or 0,
                    grade=g,
                    comment="办理时间偏长，材料要求反复" if g <= 2 else "",
                    now=rated_at,
                )
        refused = any(c.status not in APPROVED_STATES for c in case_store.item_cases(s, sc.id or 0))
        return ("refused" if refused else "closed"), day

    def _hand_in(self, owner: Principal, sc_id: int, codes: list[str], day: dt.date) -> None:
        uploads = {}
        for code in codes:
            f = files.store_file(self.s, principal=owner, filename=f"{code}.pdf", content=PDF)
            uploads[code] = f.id or 0
        owed.hand_in_owed(
            self.s,
            principal=owner,
            stage_case_id=sc_id,
            uploads=uploads,
            now=self.after(sc_id, day, 9),
        )

    def _supply(self, owner: Principal, notice: SupplementNotice, day: dt.date) -> None:
        uploads = {}
        for m in notice.materials:
            f = files.store_file(self.s, principal=owner, filename=f"{m['code']}.pdf", content=PDF)
            uploads[m["code"]] = f.id or 0
        supplements.supply_supplement(
            self.s,
            principal=owner,
            notice_id=notice.id or 0,
            uploads=uploads,
            now=self.after(notice.stage_case_id, day, 10, item=notice.item_case_id or 0),
        )
        self.stats.transitions += 1

    def drawing_review(self, sc: StageCase, staff: Staff, accepted: dt.date) -> dt.date | None:
        """联合审图 where the city runs it: each review department's opinion within a few
        days, then the lead's combined result; the day it concluded (None: still going on).
        Its own random stream, so the rest of the province stays as it was."""
        s = self.s
        review = s.exec(
            select(JointAcceptance).where(
                JointAcceptance.stage_case_id == sc.id, JointAcceptance.kind == JointKind.DRAWINGS
            )
        ).first()
        if review is None:
            return accepted
        side = random.Random(f"drawings-{sc.id}")
        day = accepted
        for insp in s.exec(select(JointInspection).where(JointInspection.joint_id == review.id)):
            day = self.cal.add_working_days(accepted, side.randint(2, 6)).day
            if not self.past(day):
                return None
            joint.record_inspection(
                s,
                principal=self._approver(staff, insp.department_id),
                inspection_id=insp.id or 0,
                visited_on=None,
                passed=True,
                opinion="施工图符合审查要点，同意通过",
                now=self.at(day, 11),
            )
        day = self.cal.add_working_days(day, side.randint(0, 1)).day
        if not self.past(day):
            return None
        joint.conclude(
            s,
            principal=self._lead(staff, sc),
            joint_id=review.id or 0,
            conclusion="联合审图通过",
            now=self.at(day, 15),
        )
        self.stats.transitions += 1
        return day

    def handle_items(
        self,
        sc: StageCase,
        staff: Staff,
        owner: Principal,
        accepted: dt.date,
        not_before: dt.date | None = None,
    ) -> dt.date | None:
        """Handle every item, prerequisites first; None when work is still going on today.
        Nothing is decided before ``not_before`` (a joint drawing review's result)."""
        s = self.s
        finished: dict[int, dt.date] = {}
        for _round in range(6):
            pending = [c for c in case_store.item_cases(s, sc.id or 0) if c.id not in finished]
            if not pending:
                break
            for case in pending:
                if case.status in TERMINAL:
                    finished[case.id or 0] = accepted
                    continue
                if case.waiting_on:
                    continue
                start = (
                    case.clock_started_at.astimezone(CHINA_TZ).date()
                    if case.clock_started_at
                    else accepted
                )
                if not_before is not None and start < not_before:
                    start = not_before
                end = self.handle_item(case, staff, owner, start)
                if end is None:
                    return None
                finished[case.id or 0] = end
        return max(finished.values(), default=accepted)

    def handle_item(
        self, case: ItemCase, staff: Staff, owner: Principal, day: dt.date
    ) -> dt.date | None:
        s, rng = self.s, self.rng
        who = self._approver(staff, case.department_id)
        day = self.later(day, 0, 1)
        if not self.past(day):
            return None
        if case.blocked_reason:
            handling.decide(
                s,
                principal=who,
                item_case_id=case.id or 0,
                outcome="refuse",
                opinion="前置事项未通过，不予许可",
                now=self.after(case.stage_case_id, day, 16, item=case.id or 0),
            )
            return day
        handling.start_handling(
            s,
            principal=who,
            item_case_id=case.id or 0,
            now=self.after(case.stage_case_id, day, 9, item=case.id or 0),
        )
        self.stats.transitions += 1
        budget = max(1, case.limit_days)
        r = rng.random()
        if r < 0.15:
            day = self.later(day, 1, max(1, budget // 3))
            if not self.past(day):
                return None
            notice = handling.request_supplement(
                s,
                principal=who,
                item_case_id=case.id or 0,
                materials=[{"code": "M001", "remark": "表单信息与附件不一致"}],
                now=self.after(case.stage_case_id, day, item=case.id or 0),
            )
            self.stats.transitions += 1
            day = self.later(day, 1, 6)
            if not self.past(day):
                return None
            self._supply(owner, notice, day)
        elif r < 0.23:
            day = self.later(day, 1, max(1, budget // 3))
            if not self.past(day):
                return None
            kind = rng.choice(["expert", "hearing", "survey", "notice", "testing"])
            limit = rng.randint(3, 15)
            handling.start_special_procedure(
                s,
                principal=who,
                item_case_id=case.id or 0,
                kind=kind,
                reason="依法启动特别程序",
                limit_days=limit,
                now=self.after(case.stage_case_id, day, item=case.id or 0),
            )
            day = self.later(day, 1, limit + (3 if rng.random() < 0.2 else 0))
            if not self.past(day):
                return None
            handling.end_special_procedure(
                s,
                principal=who,
                item_case_id=case.id or 0,
                result="特别程序结束",
                now=self.after(case.stage_case_id, day, item=case.id or 0),
            )
            self.stats.transitions += 2
        overdue = rng.random() < 0.08
        day = self.later(day, 1, budget + (rng.randint(1, 5) if overdue else 0))
        if not self.past(day):
            return None
        item = s.get(Item, case.item_id)
        assert item is not None
        outcome = "refuse" if rng.random() < 0.04 else "approve"
        still_owed = owed.owed_for_item(s, case=case) if outcome == "approve" else []
        if still_owed and rng.random() < 0.85:  # 容缺: most applicants hand the material in
            self._hand_in(owner, case.stage_case_id, still_owed, day)
            still_owed = []
        if still_owed:
            outcome = "approve_owed"  # the rest are approved 容缺, naming what is owed
        commitment = item.promise_allowed and outcome == "approve" and rng.random() < 0.5
        handling.decide(
            s,
            principal=who,
            item_case_id=case.id or 0,
            outcome=outcome,
            owed=still_owed or None,
            opinion="经审查，符合法定条件，准予许可"
            if outcome == "approve"
            else "经审查，不符合法定条件",
            on_commitment=commitment,
            now=self.after(case.stage_case_id, day, 16, item=case.id or 0),
        )
        self.stats.transitions += 1
        return day


def simulate(
    session: Session,
    *,
    projects_count: int,
    seed: int,
    now: dt.datetime | None = None,
    commit_each: bool = True,
    on_progress: Progress = silent,
) -> SimStats:
    """Run ``projects_count`` projects from companies of the demo province, starting over the
    past year; cases still in progress at ``now`` stay open, as in a live system."""
    now = now_or(now)
    sim = Simulator(session, seed=seed, now=now)
    # Builders, not the market's agencies, own the simulated projects.
    agencies = select(Agency.company_id)
    companies = session.exec(
        select(Company)
        .where(Company.kind == "company", col(Company.id).not_in(agencies))
        .order_by(col(Company.id))
    ).all()
    if not companies:
        raise DomainError("simulate.no_companies")
    cities = {
        d.region_code for d in session.exec(select(Department).where(Department.kind == "window"))
    }
    for n in range(projects_count):
        on_progress(n, projects_count, label="projects")
        company = sim.rng.choice(companies)
        if company.region_code[:4] + "00" not in cities:
            continue
        start = sim.cal.add_working_days(
            now.astimezone(CHINA_TZ).date() - dt.timedelta(days=sim.rng.randint(20, 380)), 0
        ).day
        while not sim.cal.is_working_day(start):
            start += dt.timedelta(days=1)
        sim.run_project(company, start)
        if commit_each:
            session.commit()
    on_progress(projects_count, projects_count, label="projects")
    return sim.stats
