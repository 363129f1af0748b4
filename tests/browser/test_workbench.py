"""Window accepts, two departments approve in parallel (one after a supplement), the lead
department closes the stage — all in the browser."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Company, ItemCase, Notification, StageCase, User
from eap.models.cases import Blzt
from eap.services.approval import supplements
from eap.services.core import files
from eap.services.core.principal import Principal
from tests.browser.helpers import (
    APP_DB,
    SCREENSHOTS,
    click,
    file_stage_one,
    open_case,
    sign_in,
    wait_css,
    wait_message,
    wait_text,
)

pytestmark = pytest.mark.browser


def _application() -> tuple[int, Principal]:
    """A 南昌 company files stage 1 of a small social-investment project (two items)."""
    engine = make_engine(APP_DB["url"])
    with Session(engine) as s:
        user = s.exec(select(User).where(User.username == "qiye001")).one()
        company = s.get(Company, user.company_id)
        user.region_code = company.region_code = "360102"
        s.add(user)
        s.add(company)
        s.commit()
        owner = Principal.of(user)
        sc = file_stage_one(
            s,
            owner,
            project_code="2026-360102-47-01-777001",
            name="浏览器测试综合楼",
            investment=800,
        )
        s.commit()
        return sc.id, owner


def _act_in_department(driver, url: str, username: str, case_no: str, *buttons: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver.delete_all_cookies()
    sign_in(driver, url, username)
    wait_text(driver, "home-title", t("home.approver", "zh"))
    open_case(driver, ".inbox-case", case_no)
    wait_css(driver, "#case-history")
    if buttons and buttons[0] == "#btn-start":
        # An accepted item offers only 开始办理: no decision, no 阶段办结 yet.
        wait_css(driver, "#group-start")
        assert not driver.find_elements(By.ID, "group-decide")
        assert not driver.find_elements(By.ID, "btn-close-stage")
    for button in buttons:
        if button == "#btn-approve":
            driver.find_element(By.ID, "dept-opinion").send_keys("经审查，符合条件，准予许可")
        click(driver, button)
        wait_message(driver)
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))


def test_window_departments_lead_in_the_browser(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    stage_case_id, owner = _application()
    engine = make_engine(APP_DB["url"])
    with Session(engine) as s:
        sc = s.get(StageCase, stage_case_id)
        case_no = sc.case_no
    driver = browser
    driver.delete_all_cookies()
    # The window receives and accepts.
    sign_in(driver, app_url, "nc_window")
    wait_text(driver, "home-title", t("home.window", "zh"))
    open_case(driver, ".queue-case", case_no)
    # The opened application is brought into view, and its row in the queue is marked.
    assert case_no in wait_css(driver, ".selected-row").text
    for _ in range(40):
        in_view = driver.execute_script(
            "const r = document.getElementById('case-panel').getBoundingClientRect();"
            "return r.top < window.innerHeight && r.bottom > 0;"
        )
        if in_view:
            break
        time.sleep(0.1)
    assert in_view, "the opened case is not on screen"
    # Before acceptance no clock runs, and the badge says so (not "waiting for a prerequisite").
    wait_css(driver, "#case-title")
    assert t("clock.not_started", "zh") in driver.page_source
    assert t("clock.waiting", "zh") not in driver.page_source
    # The legend explains every colour.
    click(driver, "#clock-legend")
    wait_text(driver, "clock-legend-body", t("clock.legend.warning", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "clock-legend.png"))
    driver.find_element(By.TAG_NAME, "body").send_keys(Keys.ESCAPE)
    click(driver, "#btn-receive")
    wait_message(driver)
    # Nothing destructive is preselected, and a refusal asks first, with a reason.
    assert not driver.find_elements(By.CSS_SELECTOR, "button[role=checkbox][data-state=checked]")
    click(driver, "#btn-refuse-formal")
    confirm = wait_css(driver, "#btn-refuse-formal-confirm")
    assert not confirm.is_enabled()  # no reason, no refusal
    wait_css(driver, "#btn-refuse-formal-reason").send_keys("材料不齐")
    for _ in range(40):
        if confirm.is_enabled():
            break
        time.sleep(0.1)
    assert confirm.is_enabled()
    driver.save_screenshot(str(SCREENSHOTS / "window-refuse-confirm.png"))
    click(driver, "#btn-refuse-formal-cancel")  # and a way back: nothing happened
    with Session(engine) as s:
        assert {
            c.status
            for c in s.exec(select(ItemCase).where(ItemCase.stage_case_id == stage_case_id))
        } == {Blzt.RECEIVED}
    click(driver, "#btn-accept")
    wait_message(driver)
    driver.save_screenshot(str(SCREENSHOTS / "window-accepted.png"))
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    with Session(engine) as s:
        items = {
            c.department_id: c
            for c in s.exec(select(ItemCase).where(ItemCase.stage_case_id == stage_case_id))
        }
        assert {c.status for c in items.values()} == {Blzt.ACCEPTED}
        by_kind = {}
        from eap.models import Department

        for dept_id, c in items.items():
            by_kind[s.get(Department, dept_id).kind] = c.case_no
    # 自然资源 asks for a supplement first.
    from selenium.webdriver.common.by import By as _By

    driver.delete_all_cookies()
    sign_in(driver, app_url, "nc_zrzy")
    wait_text(driver, "home-title", t("home.approver", "zh"))
    open_case(driver, ".inbox-case", by_kind["zrzy"])
    click(driver, "#btn-start")
    wait_message(driver)
    ticks = driver.find_elements(_By.CSS_SELECTOR, ".materials-table .material-tick")
    ticks[0].click()
    driver.find_element(_By.ID, "dept-opinion").send_keys("申请表签章不清晰，请重新提交")
    click(driver, "#btn-supplement")
    wait_message(driver)
    driver.save_screenshot(str(SCREENSHOTS / "department-supplement.png"))
    driver.find_element(_By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    # The applicant answers the notice (their pages come with the service-hall issue).
    with Session(engine) as s:
        from eap.models import SupplementNotice

        notice = s.exec(
            select(SupplementNotice).where(SupplementNotice.stage_case_id == stage_case_id)
        ).one()
        uploads = {
            m["code"]: files.store_file(
                s, principal=owner, filename="补正.pdf", content=b"%PDF-1.4 again"
            ).id
            for m in notice.materials
        }
        supplements.supply_supplement(s, principal=owner, notice_id=notice.id, uploads=uploads)
        s.commit()
    # Both departments approve in parallel; 发改 leads stage 1 and closes it.
    _act_in_department(driver, app_url, "nc_zrzy", by_kind["zrzy"], "#btn-approve")
    _act_in_department(driver, app_url, "nc_fgw", by_kind["fgw"], "#btn-start", "#btn-approve")
    driver.delete_all_cookies()
    sign_in(driver, app_url, "nc_fgw")
    wait_text(driver, "home-title", t("home.approver", "zh"))
    with Session(engine) as s:
        done = s.exec(select(ItemCase).where(ItemCase.stage_case_id == stage_case_id)).all()
        assert {c.status for c in done} == {Blzt.APPROVED}
    # The lead department sees the stage with every item done and closes it.
    open_case(driver, ".lead-case", case_no)
    wait_css(driver, "#parallel-items")
    driver.save_screenshot(str(SCREENSHOTS / "lead-stage.png"))
    click(driver, "#btn-close-stage")
    wait_message(driver)
    with Session(engine) as s:
        sc = s.get(StageCase, stage_case_id)
        assert sc.status == "closed"
        notes = {
            n.key
            for n in s.exec(select(Notification).where(Notification.stage_case_id == stage_case_id))
        }
        assert {
            "notify.accepted",
            "notify.supplement",
            "notify.approved",
            "notify.stage_closed",
        } <= notes
    # The window hands the results over (出件).
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    sign_in(driver, app_url, "nc_window")
    wait_text(driver, "home-title", t("home.window", "zh"))
    wait_css(driver, ".deliver-button")
    row = next(
        b
        for b in driver.find_elements(By.XPATH, "//button[contains(@class,'deliver-button')]/..")
        if case_no in b.text
    )
    row.find_element(By.CSS_SELECTOR, ".deliver-button").click()
    wait_message(driver)
    driver.save_screenshot(str(SCREENSHOTS / "window-delivered.png"))
    # The applicant sees the results.
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    sign_in(driver, app_url, "qiye001")
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    wait_css(driver, ".project-card .certificate")
    card = next(
        c
        for c in driver.find_elements(By.CSS_SELECTOR, ".project-card")
        if "浏览器测试综合楼" in c.text
    )
    assert t("stagecase.closed", "zh") in card.text and t("blzt.11", "zh") in card.text
    # documents are linked by their titles, certificates by what they are (issue 18, item 9)
    links = card.find_elements(By.CSS_SELECTOR, ".doc-link")
    assert links and all(link.text.startswith("关于") and "批复" in link.text for link in links)
    assert all("证" in c.text for c in card.find_elements(By.CSS_SELECTOR, ".certificate"))
    driver.save_screenshot(str(SCREENSHOTS / "hall-results.png"))
