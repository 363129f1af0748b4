"""The administrator's holiday calendar in the browser: a bad line is named beside the pasted
text and nothing is lost; the arrangement is imported, its year no longer provisional; a single
day is set."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlmodel import Session

from eap.db import make_engine
from eap.i18n import t
from eap.models import CalendarYear, HolidayOverride
from tests.browser.helpers import APP_DB, SCREENSHOTS, pick, retype, sign_in, wait_css, wait_text

pytestmark = pytest.mark.browser

GOOD = "2031-01-01,holiday,元旦\n2031-10-01,holiday,国庆节\n2031-10-11,workday,国庆调休"


def test_admin_imports_a_year_and_sets_a_day(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "admin")
    wait_text(driver, "home-title", t("home.admin", "zh"))
    driver.get(app_url + "/admin/calendar")
    wait_text(driver, "home-title", t("calendar.title", "zh"))
    wait_text(driver, "calendar-years", t("calendar.provisional", "zh"))
    box = driver.find_element(By.ID, "calendar-lines")
    box.send_keys(GOOD + "\n2031-13-01,holiday,不存在")
    driver.find_element(By.ID, "calendar-import").click()
    wait_text(driver, "error-lines", t("calendar.bad_date", "zh", line=4, text="2031-13-01"))
    assert "2031-13-01" in (box.get_attribute("value") or "")  # what was pasted stays
    driver.save_screenshot(str(SCREENSHOTS / "calendar-bad-line.png"))
    db = make_engine(APP_DB["url"])
    with Session(db) as s:
        assert s.get(HolidayOverride, dt.date(2031, 1, 1)) is None  # nothing half-written
    retype(box, GOOD)
    driver.find_element(By.ID, "calendar-import").click()
    wait_text(driver, "action-message", "2031")
    wait_text(driver, "calendar-days", "国庆调休")
    # imported with no source typed: the year's source says where, in the page's language
    wait_text(driver, "calendar-years", t("calendar.source_page", "zh"))
    assert "calendar page" not in driver.find_element(By.ID, "calendar-years").text
    with Session(db) as s:
        assert s.get(CalendarYear, 2031) is not None
    # one more day: 2031-05-06 made a holiday
    # the date picker's fields follow the browser's locale: set its value as a pick does, then
    # leave the field so the debounced input sends it at once rather than 300 ms later
    driver.execute_script(
        "const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;"
        "arguments[0].focus();"
        "set.call(arguments[0], arguments[1]);"
        "arguments[0].dispatchEvent(new Event('input', {bubbles: true}));"
        "arguments[0].blur();",
        driver.find_element(By.ID, "calendar-day"),
        "2031-05-06",
    )
    pick(driver, "calendar-kind", t("calendar.kind.holiday", "zh"))
    driver.find_element(By.ID, "calendar-name").send_keys("补休")
    driver.find_element(By.ID, "calendar-mark").click()
    wait_text(driver, "action-message", "2031-05-06")
    wait_text(driver, "calendar-days", "补休")
    driver.save_screenshot(str(SCREENSHOTS / "calendar.png"))
    with Session(db) as s:
        marked = s.get(HolidayOverride, dt.date(2031, 5, 6))
        assert marked is not None and marked.kind == "holiday"
    years = wait_css(driver, "#calendar-years").text
    assert "2031" in years and t("calendar.imported", "zh") in years
