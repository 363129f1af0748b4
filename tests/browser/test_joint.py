"""联合验收 in the browser: 住建 requests it, 自然资源 and 住建 inspect, 住建 concludes."""

from __future__ import annotations

import pytest
from sqlmodel import Session, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Department, ItemCase, JointAcceptance, User
from eap.models.cases import TERMINAL, Blzt
from eap.models.projects import ProjectCreate
from eap.services.approval import filing, handling, intake, results
from eap.services.core import files
from eap.services.core.principal import Principal
from eap.services.hall import guide, projects
from tests.browser.helpers import (
    APP_DB,
    SCREENSHOTS,
    click,
    open_case,
    sign_in,
    wait_css,
    wait_message,
    wait_text,
)

pytestmark = pytest.mark.browser


def _to_stage_four() -> str:
    """Drive a small project through stages 1-3 with the demo staff; file and accept stage 4."""
    engine = make_engine(APP_DB["url"])
    with Session(engine) as s:

        def who(name: str) -> Principal:
            return Principal.of(s.exec(select(User).where(User.username == name)).one())

        owner, window = who("qiye003"), who("nc_window")
        user = s.get(User, owner.user_id)
        user.region_code = "360102"
        s.add(user)
        p = projects.register_project(
            s,
            principal=owner,
            data=ProjectCreate(
                project_code="2026-360102-47-01-777003",
                name="联合验收测试楼",
                location="南昌市东湖区",
                region_code="360102",
                total_investment=600,
                process_type=4,
            ),
        )
        for stage in (1, 2, 3, 4):
            form = guide.stage_form(s, project=p, stage_code=stage)
            uploads = {
                n.code: files.store_file(
                    s,
                    principal=owner,
                    filename=f"{n.code}.pdf",
                    content=b"%PDF-1.4 " + n.code.encode(),
                ).id
                for n in form.materials
                if not n.satisfied_by
            }
            sc = filing.submit_stage_application(
                s, principal=owner, project_id=p.id, stage_code=stage, uploads=uploads
            )
            intake.receive_case(s, principal=window, stage_case_id=sc.id)
            intake.accept_case(s, principal=window, stage_case_id=sc.id)
            if stage == 4:
                s.commit()
                return sc.case_no
            for _ in range(3):
                for case in s.exec(select(ItemCase).where(ItemCase.stage_case_id == sc.id)):
                    if case.status in TERMINAL or case.waiting_on:
                        continue
                    kind = s.get(Department, case.department_id).kind
                    approver = who(f"nc_{kind}")
                    if case.status == Blzt.ACCEPTED:
                        handling.start_handling(s, principal=approver, item_case_id=case.id)
                    handling.decide(
                        s,
                        principal=approver,
                        item_case_id=case.id,
                        outcome="approve",
                        opinion="同意",
                    )
            lead = s.get(Department, sc.lead_department_id)
            results.close_stage(s, principal=who(f"nc_{lead.kind}"), stage_case_id=sc.id)
    raise AssertionError("unreachable")


def test_joint_acceptance_in_the_browser(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    case_no = _to_stage_four()
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "nc_zj")
    wait_text(driver, "home-title", t("home.approver", "zh"))
    open_case(driver, ".lead-case", case_no)
    click(driver, "#btn-joint-request")
    wait_message(driver)
    wait_css(driver, "#joint-table")
    for button in driver.find_elements(By.CSS_SELECTOR, ".joint-pass"):
        driver.find_element(By.ID, "dept-opinion").send_keys("现场核查符合要求")
        button.click()
        wait_message(driver)
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    sign_in(driver, app_url, "nc_zrzy")
    wait_text(driver, "home-title", t("home.approver", "zh"))
    engine = make_engine(APP_DB["url"])
    with Session(engine) as s:
        zrzy_case = s.exec(
            select(ItemCase).where(
                ItemCase.case_no.startswith(case_no),
                ItemCase.department_id
                == s.exec(select(User.department_id).where(User.username == "nc_zrzy")).one(),
            )
        ).one()
    open_case(driver, ".inbox-case", zrzy_case.case_no)
    wait_css(driver, "#joint-table")
    driver.find_element(By.ID, "dept-opinion").send_keys("规划核实符合许可内容")
    click(driver, ".joint-pass")
    wait_message(driver)
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    sign_in(driver, app_url, "nc_zj")
    wait_text(driver, "home-title", t("home.approver", "zh"))
    open_case(driver, ".lead-case", case_no)
    wait_css(driver, "#joint-table")
    driver.find_element(By.ID, "dept-opinion").send_keys("各专项验收合格，联合验收通过")
    click(driver, "#btn-joint-conclude")
    wait_message(driver)
    wait_text(driver, "joint-status", t("joint.pass", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "joint-acceptance.png"))
    with Session(engine) as s:
        j = s.exec(select(JointAcceptance).order_by(JointAcceptance.id.desc())).first()
        assert j is not None and j.passed is True and j.status == "concluded"
    driver.find_element(By.ID, "logout").click()
