"""A supervisor works the alerts, a department answers the notice, KPIs and rankings render."""

from __future__ import annotations

import time

import pytest
from sqlmodel import Session, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Alert, AuditLog, User
from tests.browser.helpers import (
    APP_DB,
    SCREENSHOTS,
    open_alert_case,
    sign_in,
    wait_css,
    wait_text,
)

pytestmark = pytest.mark.browser


def test_supervisor_notice_department_reply_kpis(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "sheng_duban")
    wait_text(driver, "home-title", t("home.supervisor", "zh"))
    wait_css(driver, "#alerts-table a")
    for _ in range(40):  # the page's on-load has run: no case left open from an earlier visit
        if not driver.find_elements(By.CSS_SELECTOR, "[role=dialog]"):
            break
        time.sleep(0.25)
    driver.save_screenshot(str(SCREENSHOTS / "supervision-alerts.png"))
    # Every alert names its case (stage and project alerts too, not "stage #8"); an item
    # alert opens the case's history.
    links = driver.find_elements(By.CSS_SELECTOR, "#alerts-table a.alert-link")
    assert links and all(a.text and "#" not in a.text for a in links)
    # one row per case (not one per 催办/督办/督察), the levels it reached inside the row
    numbers = [a.text for a in links]
    assert len(numbers) == len(set(numbers)), numbers
    histories = [h.text for h in driver.find_elements(By.CSS_SELECTOR, ".alert-history")]
    assert any(t("alert.level.urge", "zh") in h for h in histories)
    driver.execute_script("window.scrollTo(0, document.body.scrollHeight)")  # wherever it is
    opened = open_alert_case(driver)
    # the case opens in view, over the list, named in its title; its row is marked behind it
    panel = wait_css(driver, "#alert-panel")
    assert panel.is_displayed() and opened in panel.text
    top = driver.execute_script("return arguments[0].getBoundingClientRect().top", panel)
    assert 0 <= top < driver.execute_script("return window.innerHeight")
    assert opened in wait_css(driver, "#alerts-table .selected-row").text
    driver.find_element(By.ID, "action-text").send_keys("请于两个工作日内办结并说明超期原因")
    driver.find_element(By.ID, "act-notice").click()
    wait_text(driver, "alert-message", t("supervision.done", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "supervision-case.png"))
    driver.find_element(By.CSS_SELECTOR, "#alert-panel button[aria-label]").click()
    for _ in range(40):
        if not driver.find_elements(By.ID, "alert-panel"):
            break
        time.sleep(0.25)
    assert not driver.find_elements(By.ID, "alert-panel")
    engine = make_engine(APP_DB["url"])
    with Session(engine) as s:
        alert = s.exec(select(Alert).where(Alert.status == "noticed")).one()
        approver = s.exec(
            select(User).where(User.department_id == alert.department_id, User.role == "approver")
        ).first()
        assert approver is not None
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    sign_in(driver, app_url, approver.username)
    wait_text(driver, "home-title", t("home.approver", "zh"))
    button = wait_css(driver, ".reply-button")
    driver.find_element(By.ID, "reply-text").send_keys("已加快办理，今日办结")
    button.click()
    with Session(engine) as s:
        for _ in range(40):
            if s.get(Alert, alert.id).status == "answered":  # type: ignore[union-attr]
                break
            time.sleep(0.25)
            s.expire_all()
        assert s.get(Alert, alert.id).status == "answered"  # type: ignore[union-attr]
    driver.save_screenshot(str(SCREENSHOTS / "workbench-reply.png"))
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
    sign_in(driver, app_url, "sheng_duban")
    wait_text(driver, "home-title", t("home.supervisor", "zh"))
    driver.find_element(By.ID, "tab-kpi").click()
    wait_css(driver, "#kpi-query").click()
    wait_css(driver, "#kpi-table tbody tr")
    rows = driver.find_elements(By.CSS_SELECTOR, "#kpi-table tbody tr")
    assert len(rows) >= 3 and "市" in rows[0].text
    assert driver.find_element(By.ID, "project-kpi-table")
    driver.save_screenshot(str(SCREENSHOTS / "supervision-kpi.png"))

    # The export is read and written in a worker thread (a background event), then handed
    # to the browser and audited like every export.
    def kpi_exports() -> int:
        with Session(engine) as s:
            return len(
                s.exec(
                    select(AuditLog).where(
                        AuditLog.action == "export.xlsx", AuditLog.entity_id == "kpi.xlsx"
                    )
                ).all()
            )

    before = kpi_exports()
    driver.find_element(By.ID, "export-kpi").click()
    for _ in range(80):
        if kpi_exports() > before:
            break
        time.sleep(0.25)
    else:
        raise AssertionError("the KPI export was not handed out")
    # the button waited while the workbook was built, and is ready again once it is handed out
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "export-kpi").is_enabled())
    driver.find_element(By.ID, "tab-anomalies").click()
    wait_css(driver, "#anomalies-table .anomaly-sentence")
    sentences = [c.text for c in driver.find_elements(By.CSS_SELECTOR, ".anomaly-sentence")]
    # what was found, in words: no "dept:125:2026W49", no "open_now=5"
    assert sentences and all("=" not in x and "dept:" not in x for x in sentences), sentences
    button = wait_css(driver, "#anomalies-table .close-anomaly")
    table = driver.find_element(By.ID, "anomalies-table")
    right = table.location["x"] + table.size["width"]
    assert button.location["x"] + button.size["width"] <= right + 1  # not cut off
    button.click()
    wait_text(driver, "supervision-message", t("supervision.done", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "supervision-anomalies.png"))
    driver.find_element(By.ID, "tab-ranking").click()
    wait_css(driver, "#ranking-query").click()
    wait_css(driver, "#ranking-chart .main-svg")
    WebDriverWait(driver, 10).until(lambda d: d.find_element(By.ID, "ranking-query").is_enabled())
    # the ranking's bars drawn with the template's bar defaults kept (state/core/blank.py)
    assert driver.find_elements(By.CSS_SELECTOR, "#ranking-chart .bars .point path")
    driver.save_screenshot(str(SCREENSHOTS / "supervision-ranking.png"))
    driver.find_element(By.ID, "logout").click()
    wait_text(driver, "login-title", t("login.title", "zh"))
