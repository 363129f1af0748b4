"""审计日志 in the browser (issue 18, item 19): the auditor reads names and actions in words,
narrows by category, search and date, and follows one record's entries."""

from __future__ import annotations

import time

import pytest

from eap.i18n import MESSAGES, t
from tests.browser.helpers import SCREENSHOTS, pick, sign_in, wait_css, wait_text

pytestmark = pytest.mark.browser


def _rows(driver):  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    return driver.find_elements(By.CSS_SELECTOR, ".audit-row")


def _wait_rows(driver, ok) -> None:  # type: ignore[no-untyped-def]
    """Until the listed rows' texts satisfy ``ok`` (the list re-renders as it goes)."""
    from selenium.common.exceptions import StaleElementReferenceException

    texts: list[str] = []
    for _ in range(80):
        try:
            texts = [r.text for r in _rows(driver)]
        except StaleElementReferenceException:
            texts = []
        if texts and ok(texts):
            return
        time.sleep(0.25)
    raise AssertionError(f"the rows never matched: {texts[:3]}")


def _wait_total_change(driver, before: str) -> str:  # type: ignore[no-untyped-def]
    for _ in range(80):
        now = driver.find_element("id", "audit-total").text
        if now != before:
            return now
        time.sleep(0.25)
    raise AssertionError(f"the count stayed {before}")


def test_auditor_filters_searches_and_follows_a_record(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "auditor")
    wait_text(driver, "home-title", t("audit.title", "zh"))
    wait_css(driver, ".audit-row")
    readings = {v for k, v in MESSAGES["zh"].items() if k.startswith("audit.action.")}
    first = _rows(driver)[0]
    action = first.find_element(By.CSS_SELECTOR, ".audit-action").text
    assert action in readings and action != t("audit.action.other", "zh")
    assert "user#" not in first.text  # names, not internal ids
    total = driver.find_element("id", "audit-total").text

    # a category: only sign-in and account events remain
    pick(driver, "audit-category", t("audit.category.security", "zh"))
    total = _wait_total_change(driver, total)
    security = {
        MESSAGES["zh"][k]
        for k in MESSAGES["zh"]
        if k.startswith(("audit.action.auth.", "audit.action.user.", "audit.action.sms."))
    }
    assert {
        r.find_element(By.CSS_SELECTOR, ".audit-action").text for r in _rows(driver)
    } <= security

    # search by account, across categories
    driver.find_element("id", "audit-reset").click()
    total = _wait_total_change(driver, total)
    box = driver.find_element("id", "audit-text")
    box.send_keys("nc_window")
    driver.find_element("id", "audit-apply").click()
    total = _wait_total_change(driver, total)
    assert _rows(driver) and all("nc_window" in r.text for r in _rows(driver))
    driver.save_screenshot(str(SCREENSHOTS / "audit-search.png"))

    # one record's entries: click a case number
    subject = wait_css(driver, ".audit-subject")
    name = subject.text
    subject.click()
    wait_css(driver, "#audit-record-chip")
    # the record's entries by anyone: the search that led here is cleared, so the applicant's
    # submission shows too (waited for by content: the count may equal the search's)
    _wait_rows(
        driver,
        lambda texts: all(name in x for x in texts) and any("nc_window" not in x for x in texts),
    )
    total = driver.find_element("id", "audit-total").text
    assert driver.find_element("id", "audit-text").get_attribute("value") == ""
    driver.save_screenshot(str(SCREENSHOTS / "audit-record.png"))

    # a reversed date range is refused beside the end date, the typed dates kept
    driver.find_element("id", "audit-reset").click()
    total = _wait_total_change(driver, total)
    for field, value in (("audit-date_from", "2026-11-05"), ("audit-date_to", "2026-11-01")):
        driver.execute_script(
            "arguments[0].value = arguments[1]", driver.find_element("id", field), value
        )
    driver.find_element("id", "audit-apply").click()
    wait_text(driver, "error-date_to", t("audit.range_reversed", "zh"))
    assert driver.find_element("id", "audit-date_from").get_attribute("value") == "2026-11-05"
    driver.save_screenshot(str(SCREENSHOTS / "audit-bad-range.png"))

    # English
    driver.find_element(By.ID, "lang-toggle").click()
    wait_text(driver, "home-title", t("audit.title", "en"))
    driver.find_element("id", "audit-reset").click()
    wait_css(driver, ".audit-row")
    driver.save_screenshot(str(SCREENSHOTS / "audit-en.png"))
