"""The administrator's reform settings in the browser: a 事权 rule refused beside its field,
then set and removed (asked first); 联合审图 turned on and off for a city; a 区域评估 whose
boundary is not a polygon refused beside the box with nothing lost, then recorded and
withdrawn (asked first). Every change is undone, so the demo province stays as it was."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import AreaAssessment, DrawingReviewPlan, ItemJurisdiction
from tests.browser.helpers import (
    APP_DB,
    SCREENSHOTS,
    click,
    pick,
    retype,
    sign_in,
    wait_css,
    wait_text,
)

pytestmark = pytest.mark.browser

AREA = (
    '{"type": "Polygon", "coordinates": [[[115.90, 28.60], [116.00, 28.60], '
    "[116.00, 28.70], [115.90, 28.70], [115.90, 28.60]]]}"
)


def _row_button(driver, row_css: str, text: str, button_css: str):  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    for _ in range(40):
        for row in driver.find_elements(By.CSS_SELECTOR, row_css):
            if text in row.text and row.find_elements(By.CSS_SELECTOR, button_css):
                return row.find_element(By.CSS_SELECTOR, button_css)
        time.sleep(0.25)
    raise AssertionError(f"no {row_css} with {text}")


def _until(check, what: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(80):
        if check():
            return
        time.sleep(0.25)
    raise AssertionError(what)


def test_jurisdiction_and_drawing_review_settings(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    db = make_engine(APP_DB["url"])
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "admin")
    wait_text(driver, "home-title", t("home.admin", "zh"))
    driver.get(app_url + "/admin/jurisdiction")
    wait_text(driver, "home-title", t("jurisdiction.title", "zh"))
    wait_text(driver, "jurisdiction-rules", "企业投资项目备案")  # the province's rules
    # no item chosen: said beside the field
    pick(driver, "rule-region", "南昌市")
    pick(driver, "rule-level", t("level.county", "zh"))
    click(driver, "#rule-save")
    wait_css(driver, "#error-item_code")
    driver.save_screenshot(str(SCREENSHOTS / "jurisdiction-refused.png"))
    pick(driver, "rule-item", "S1-06")
    driver.find_element(By.ID, "rule-basis").send_keys("南昌市下放规划许可（浏览器测试）")
    click(driver, "#rule-save")
    wait_text(driver, "action-message", t("jurisdiction.saved", "zh"))
    wait_text(driver, "jurisdiction-rules", "浏览器测试")
    with Session(db) as s:
        rule = s.exec(
            select(ItemJurisdiction).where(
                ItemJurisdiction.item_code == "S1-06", ItemJurisdiction.region_code == "360100"
            )
        ).one()
        assert rule.level == "county"
    driver.save_screenshot(str(SCREENSHOTS / "jurisdiction.png"))
    # removing asks first, says what follows, and offers a way back
    _row_button(driver, ".rule-row", "浏览器测试", ".rule-remove").click()
    wait_text(driver, "rule-remove-dialog", t("jurisdiction.remove_consequence", "zh")[:12])
    click(driver, ".rule-remove-confirm")
    wait_text(driver, "action-message", t("jurisdiction.removed", "zh"))
    with Session(db) as s:
        assert s.get(ItemJurisdiction, rule.id) is None
    # 联合审图 for 南昌: on, then off again
    _row_button(driver, ".plan-row", "南昌市", "[role=switch]").click()
    wait_text(driver, "action-message", t("drawing_review.saved", "zh"))

    def plan_is(on: bool) -> bool:
        with Session(db) as s:
            plan = s.get(DrawingReviewPlan, "360100")
            return plan is not None and plan.enabled is on

    _until(lambda: plan_is(True), "the plan never came on")
    driver.save_screenshot(str(SCREENSHOTS / "drawing-review-plans.png"))
    _row_button(driver, ".plan-row", "南昌市", "[role=switch]").click()
    _until(lambda: plan_is(False), "the plan never went off")


def test_area_assessments_page(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    db = make_engine(APP_DB["url"])
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "admin")
    wait_text(driver, "home-title", t("home.admin", "zh"))
    driver.get(app_url + "/admin/assessments")
    wait_text(driver, "home-title", t("assessment.title", "zh"))
    driver.find_element(By.ID, "assessment-name").send_keys("小蓝经开区区域环评（浏览器测试）")
    pick(driver, "assessment-region", "南昌市")
    driver.find_element(By.ID, "assessment-exempts").send_keys("M038")
    box = driver.find_element(By.ID, "assessment-boundary")
    box.send_keys('{"type": "Point", "coordinates": [115.9, 28.6]}')
    click(driver, "#assessment-add")
    wait_text(driver, "error-boundary", t("assessment.bad_boundary", "zh"))
    assert "Point" in (box.get_attribute("value") or "")  # nothing lost
    assert driver.find_element(By.ID, "assessment-name").get_attribute("value")
    driver.save_screenshot(str(SCREENSHOTS / "assessment-refused.png"))
    with Session(db) as s:
        assert not s.exec(
            select(AreaAssessment).where(AreaAssessment.name.contains("浏览器测试"))  # type: ignore[attr-defined]
        ).first()
    retype(box, AREA)
    click(driver, "#assessment-add")
    wait_text(driver, "action-message", t("assessment.added", "zh")[:8])
    wait_text(driver, "assessments", "浏览器测试")
    driver.save_screenshot(str(SCREENSHOTS / "assessments.png"))
    _row_button(driver, ".assessment-row", "浏览器测试", ".assessment-withdraw").click()
    click(driver, ".assessment-withdraw-confirm")
    wait_text(driver, "action-message", t("assessment.withdrawn", "zh"))
    with Session(db) as s:
        row = s.exec(
            select(AreaAssessment).where(AreaAssessment.name.contains("浏览器测试"))  # type: ignore[attr-defined]
        ).one()
        assert row.active is False and row.exempts == ["M038"]
