"""联合审图 in the browser (赣州 runs it in the demo): the review opens at acceptance; 住建
records its two opinions and cannot decide its item before the combined result; 人防 records
its own; 住建 concludes with one result."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session, col, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Department, Item, ItemCase, JointAcceptance, StageCase, User
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
    retype,
    sign_in,
    wait_css,
    wait_message,
    wait_text,
)

pytestmark = pytest.mark.browser


def _staff_of(s: Session, *, department_id: int | None = None, window: str = "") -> Principal:
    """Whoever works there in the demo: a window by region, a department's handler by id."""
    q = select(User).where(User.active)
    if window:
        q = q.where(User.role == "window", User.region_code == window)
    else:
        q = q.where(User.department_id == department_id, User.role == "approver")
    return Principal.of(s.exec(q.order_by(col(User.is_head), col(User.id))).first())


def _to_drawing_review() -> tuple[str, dict[str, str]]:
    """A 赣州 project through stages 1–2 and stage 3 accepted: the stage's case number and the
    review items' case numbers."""
    engine = make_engine(APP_DB["url"])
    with Session(engine) as s:
        owner = Principal.of(s.exec(select(User).where(User.username == "qiye005")).one())
        p = projects.register_project(
            s,
            principal=owner,
            data=ProjectCreate(
                project_code="2026-360702-47-01-777006",
                name="章贡区联合审图测试楼",
                location="赣州市章贡区",
                region_code="360702",
                total_investment=3000,
                process_type=3,
                attributes={"filing_only": True, "civil_air_defence": True},
            ),
        )
        for stage in (1, 2, 3):
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
            window = _staff_of(s, window=sc.window_region_code)
            intake.receive_case(s, principal=window, stage_case_id=sc.id)
            intake.accept_case(s, principal=window, stage_case_id=sc.id)
            if stage == 3:
                s.commit()
                rows = s.exec(
                    select(Item.code, ItemCase.case_no)
                    .join(ItemCase, col(ItemCase.item_id) == col(Item.id))
                    .where(ItemCase.stage_case_id == sc.id)
                ).all()
                return sc.case_no, dict(rows)
            for _ in range(3):
                for case in s.exec(select(ItemCase).where(ItemCase.stage_case_id == sc.id)):
                    if case.status in TERMINAL or case.waiting_on:
                        continue
                    who = _staff_of(s, department_id=case.department_id)
                    if case.status == Blzt.ACCEPTED:
                        handling.start_handling(s, principal=who, item_case_id=case.id)
                    handling.decide(
                        s, principal=who, item_case_id=case.id, outcome="approve", opinion="同意"
                    )
            results.close_stage(
                s, principal=_staff_of(s, department_id=sc.lead_department_id), stage_case_id=sc.id
            )
    raise AssertionError("unreachable")


def _record_my_opinions(driver, text: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    wait_css(driver, "#joint-table")
    for _ in range(10):
        buttons = driver.find_elements(By.CSS_SELECTOR, ".joint-pass")
        if not buttons:
            return
        retype(driver.find_element(By.ID, "dept-opinion"), text)
        buttons[0].click()
        for _ in range(80):  # the row is recorded: one button fewer
            if len(driver.find_elements(By.CSS_SELECTOR, ".joint-pass")) < len(buttons):
                break
            time.sleep(0.25)
    raise AssertionError("opinions never recorded")


def _sign_out(driver) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))


def test_joint_drawing_review_in_the_browser(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    stage_no, items = _to_drawing_review()
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "gz_zj")
    wait_text(driver, "home-title", t("home.approver", "zh"))
    # 施工图审查: the review's panel explains the rule; deciding ahead of the result is refused
    open_case(driver, ".inbox-case", items["S3-01"])
    wait_text(driver, "drawings-hint", t("drawings.hint", "zh"))
    click(driver, "#btn-start")
    wait_message(driver)
    driver.find_element(By.ID, "dept-opinion").send_keys("经审查，准予通过")
    click(driver, "#btn-approve")
    wait_text(driver, "action-error", t("drawing_review.open", "zh"))
    wait_text(driver, "joint-status", t("joint.open", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "drawing-review-held.png"))
    _record_my_opinions(driver, "施工图符合审查要点")
    _sign_out(driver)
    sign_in(driver, app_url, "gz_rf")
    wait_text(driver, "home-title", t("home.approver", "zh"))
    open_case(driver, ".inbox-case", items["S3-03"])
    _record_my_opinions(driver, "人防设计符合规范")
    _sign_out(driver)
    sign_in(driver, app_url, "gz_zj")
    wait_text(driver, "home-title", t("home.approver", "zh"))
    open_case(driver, ".lead-case", stage_no)
    wait_css(driver, "#joint-table")
    driver.find_element(By.ID, "dept-opinion").send_keys(
        "施工图、消防、人防设计均符合，联合审图通过"
    )
    click(driver, "#btn-joint-conclude")
    wait_message(driver)
    wait_text(driver, "joint-status", t("drawings.pass", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "drawing-review.png"))
    engine = make_engine(APP_DB["url"])
    with Session(engine) as s:
        sc = s.exec(select(StageCase).where(StageCase.case_no == stage_no)).one()
        review = s.exec(select(JointAcceptance).where(JointAcceptance.stage_case_id == sc.id)).one()
        assert (review.kind, review.status, review.passed) == ("drawings", "concluded", True)
        lead = s.get(Department, sc.lead_department_id)
        assert lead is not None and lead.kind == "zj"
    _sign_out(driver)
