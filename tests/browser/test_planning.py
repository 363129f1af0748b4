"""策划生成 in the browser: 水利 gives its opinion and a condition on a plan still with the
departments; the builder (qiye001) finds its agreed plan on the project form, which fills in."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import PlannedProject, PlanningOpinion, User
from tests.browser.helpers import (
    APP_DB,
    SCREENSHOTS,
    pick,
    sign_in,
    wait_css,
    wait_text,
)

pytestmark = pytest.mark.browser


def test_a_department_answers_and_the_builder_registers_from_the_plan(
    app_url: str, browser
) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    db = make_engine(APP_DB["url"])
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "nc_sl")
    wait_text(driver, "home-title", t("home.approver", "zh"))
    driver.get(app_url + "/workbench/planning")
    wait_text(driver, "plans", "赣江之滨滨水公园配套服务中心")
    driver.find_element(By.ID, "plan-opinion").send_keys("同意，注意防洪")
    driver.find_element(By.ID, "plan-conditions").send_keys("室外地坪标高不低于 20 年一遇洪水位")
    cards = [c for c in driver.find_elements(By.CSS_SELECTOR, ".plan-card") if "滨水公园" in c.text]
    cards[0].find_element(By.CSS_SELECTOR, ".plan-agree").click()
    wait_text(driver, "action-message", t("generation.recorded", "zh"))
    wait_text(driver, "plans", "室外地坪标高不低于 20 年一遇洪水位")
    driver.save_screenshot(str(SCREENSHOTS / "planning.png"))
    with Session(db) as s:
        sl = s.exec(select(User.department_id).where(User.username == "nc_sl")).one()
        plan = s.exec(select(PlannedProject).where(PlannedProject.name.contains("滨水公园"))).one()  # type: ignore[attr-defined]
        mine = s.exec(
            select(PlanningOpinion).where(
                PlanningOpinion.planned_id == plan.id, PlanningOpinion.department_id == sl
            )
        ).one()
        assert mine.agreed is True and "20 年一遇" in mine.conditions
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    # the builder: its agreed plan fills the project form
    sign_in(driver, app_url, "qiye001")
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    driver.get(app_url + "/hall/projects/new")
    wait_css(driver, "#from-plan")
    pick(driver, "plan-pick", "南昌高新区智能制造产业园")
    for _ in range(40):
        if "智能制造" in (driver.find_element(By.ID, "field-name").get_attribute("value") or ""):
            break
        time.sleep(0.25)
    assert driver.find_element(By.ID, "field-total_investment").get_attribute("value") == "28000"
    driver.save_screenshot(str(SCREENSHOTS / "planning-register.png"))
    driver.find_element(By.ID, "logout").click()
