"""部门管理 in the browser (issue 19 item 4): a department of a kind already active is refused
beside the kind; the old department is deactivated after a confirmation and its successor
added; the successor's review chain is set; a department with open work is not deactivated."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Department, StepChain
from tests.browser.helpers import APP_DB, SCREENSHOTS, click, pick, sign_in, wait_css, wait_text

pytestmark = pytest.mark.browser

OLD, NEW = "安义县气象局", "安义县气象服务中心"


def _row(driver, text: str):  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    return next(
        r for r in driver.find_elements(By.CSS_SELECTOR, "#dept-table tbody tr") if text in r.text
    )


def test_reform_a_county_department(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "admin")
    wait_text(driver, "home-title", t("home.admin", "zh"))
    driver.get(app_url + "/admin/departments")
    wait_text(driver, "dept-table", "南昌市住房和城乡建设局")
    # 南昌's 住建局 has open cases and staff: deactivating it is refused, saying why
    _row(driver, "南昌市住房和城乡建设局").find_element(By.CSS_SELECTOR, ".dept-deactivate").click()
    click(driver, ".dept-deactivate-confirm")
    wait_text(driver, "action-error", "在办件")  # brought into view: the row is far below
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(  # the dialog has gone (it holds the page while open)
        lambda d: not d.find_elements(By.CSS_SELECTOR, "[role=alertdialog]")
    )
    pick(driver, "dept-region", "安义县")
    wait_text(driver, "dept-table", OLD)
    # a second active 气象 department: refused beside the kind, the typed name kept
    driver.find_element(By.ID, "dept-new").click()
    pick(driver, "dept-new-kind", t("dept.qx", "zh"))
    driver.find_element(By.ID, "dept-new-name").send_keys(NEW)
    driver.find_element(By.ID, "dept-create").click()
    wait_text(driver, "error-kind", OLD)
    assert driver.find_element(By.ID, "dept-new-name").get_attribute("value") == NEW
    driver.save_screenshot(str(SCREENSHOTS / "departments-kind-taken.png"))
    # deactivate the old one: a dialog first
    _row(driver, OLD).find_element(By.CSS_SELECTOR, ".dept-deactivate").click()
    asks = t("department.confirm_deactivate", "zh")[:6]
    WebDriverWait(driver, 10).until(
        lambda d: any(
            asks in e.text for e in d.find_elements(By.CSS_SELECTOR, "[role=alertdialog]")
        )
    )
    click(driver, ".dept-deactivate-confirm")
    wait_text(driver, "action-message", t("department.deactivated", "zh"))
    badge = t("department.inactive_badge", "zh")
    WebDriverWait(driver, 10).until(  # the list is redrawn a moment after the message
        lambda d: any(
            OLD in r.text and badge in r.text
            for r in d.find_elements(By.CSS_SELECTOR, "#dept-table tbody tr")
        )
    )
    driver.find_element(By.ID, "dept-create").click()  # the form kept what was typed
    wait_text(driver, "action-message", t("department.created", "zh"))
    wait_text(driver, "dept-table", NEW)
    # its review chain: 经办 → 审核 → 签发 for all its items
    _row(driver, NEW).find_element(By.CSS_SELECTOR, ".dept-chains").click()
    wait_css(driver, "#dept-chain-items tr")
    pick(driver, "dept-chain-all", t("department.chain.handle-review-sign", "zh"))
    wait_text(driver, "action-message", t("department.chain_saved", "zh"))
    wait_text(driver, "dept-table", t("department.chain.handle-review-sign", "zh"))
    driver.save_screenshot(str(SCREENSHOTS / "departments-reform.png"))
    with Session(make_engine(APP_DB["url"])) as s:
        old = s.exec(select(Department).where(Department.name == OLD)).one()
        new = s.exec(select(Department).where(Department.name == NEW)).one()
        assert not old.active and new.active and new.kind == "qx"
        chain = s.exec(
            select(StepChain).where(
                StepChain.department_id == new.id, col(StepChain.item_id).is_(None)
            )
        ).one()
        assert chain.steps == ["handle", "review", "sign"]
    driver.find_element(By.ID, "logout").click()
