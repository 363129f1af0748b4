"""流程配置 in the browser: the administrator shortens a stage limit for Nanchang and publishes
it; an item limit above the statutory one is refused beside its field."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Process, ProcessStage
from tests.browser.helpers import APP_DB, SCREENSHOTS, retype, sign_in, wait_css, wait_text

pytestmark = pytest.mark.browser


def _active(s: Session) -> Process:
    return s.exec(
        select(Process).where(Process.code == "360100-SPLC-01", col(Process.active))
    ).one()


def test_admin_publishes_a_new_process_version(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    db = make_engine(APP_DB["url"])
    with Session(db) as s:
        before = _active(s).version
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "admin")
    wait_text(driver, "home-title", t("home.admin", "zh"))
    driver.get(app_url + "/admin/catalogue")
    wait_text(driver, "home-title", t("process.title", "zh"))
    wait_text(driver, "process-version", f"v{before}")
    item = wait_css(driver, "[id^=limit-item-]")
    retype(item, "999")
    driver.find_element("id", "btn-publish").click()
    error = wait_css(driver, ".field-error")
    assert "承诺时限" in error.text
    retype(item, "1")
    retype(driver.find_element("id", "limit-stage-1"), "18")
    driver.find_element("id", "btn-publish").click()
    wait_text(driver, "process-message", str(before + 1))
    wait_text(driver, "process-version", f"v{before + 1}")
    driver.save_screenshot(str(SCREENSHOTS / "admin-process.png"))
    with Session(db) as s:
        new = _active(s)
        assert new.version == before + 1
        limit = s.exec(
            select(ProcessStage.limit_days).where(
                ProcessStage.process_id == new.id, ProcessStage.stage_code == 1
            )
        ).one()
        assert limit == 18


def test_the_administrator_creates_and_resets_a_staff_account(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    from eap.models import User
    from tests.browser.helpers import pick

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "admin")
    wait_text(driver, "home-title", t("home.admin", "zh"))
    driver.get(app_url + "/admin/staff")
    wait_text(driver, "home-title", t("staff.title", "zh"))
    for name, value in (("username", "nc_new_clerk"), ("name", "新窗口员"), ("phone", "1360000")):
        box = driver.find_element(By.ID, f"staff-{name}")
        box.clear()
        box.send_keys(value)
    pick(driver, "staff-role", t("role.window", "zh"))
    pick(driver, "staff-department_id", "南昌市行政审批局")
    driver.find_element(By.ID, "staff-create").click()
    wait_text(driver, "error-phone", t("sms.phone_format", "zh")[:4])  # beside the field
    box = driver.find_element(By.ID, "staff-phone")
    box.clear()
    box.send_keys("13600009876")
    driver.find_element(By.ID, "staff-create").click()
    wait_text(driver, "action-message", t("staff.created", "zh")[:4])
    search = driver.find_element(By.ID, "staff-search")
    search.send_keys("nc_new_clerk")
    wait_text(driver, "staff-table", "136****9876")
    driver.save_screenshot(str(SCREENSHOTS / "admin-staff.png"))
    wait_css(driver, ".staff-reset").click()
    wait_css(driver, ".staff-reset-confirm").click()  # it asks first
    wait_text(driver, "action-message", "136****9876")
    with Session(make_engine(APP_DB["url"])) as s:
        made = s.exec(select(User).where(User.username == "nc_new_clerk")).one()
        assert made.role == "window" and made.must_change_password and made.department_id
    driver.find_element(By.ID, "logout").click()


def test_the_administrator_codes_a_department(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    from eap.models import Department
    from eap.services.core.identifiers import uscc_check_char
    from tests.browser.helpers import pick

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "admin")
    wait_text(driver, "home-title", t("home.admin", "zh"))
    driver.get(app_url + "/admin/departments")
    wait_text(driver, "dept-table", "南昌市自然资源局")
    # a county's department: the demo's cases go to the cities, so no reported case row
    # changes with its code (the reporting test pushes the whole outbox of this database)
    pick(driver, "dept-region", "安义县")
    wait_text(driver, "dept-table", "安义县自然资源局")
    row = next(
        r
        for r in driver.find_elements(By.CSS_SELECTOR, "#dept-table tbody tr")
        if "安义县自然资源局" in r.text
    )
    row.find_element(By.CSS_SELECTOR, ".dept-edit").click()
    box = wait_css(driver, "#dept-org-code")
    box.clear()
    box.send_keys("12345")
    driver.find_element(By.ID, "dept-save").click()
    wait_text(driver, "error-org_code", "18")  # beside the field: the length it must have
    code = "113601230145000" + "07"
    code += uscc_check_char(code)
    box = driver.find_element(By.ID, "dept-org-code")
    box.clear()
    box.send_keys(code)
    driver.save_screenshot(str(SCREENSHOTS / "admin-departments.png"))
    driver.find_element(By.ID, "dept-save").click()
    wait_text(driver, "action-message", t("department.saved", "zh"))
    wait_text(driver, "dept-table", code)
    with Session(make_engine(APP_DB["url"])) as s:
        dept = s.exec(select(Department).where(Department.name == "安义县自然资源局")).one()
        assert dept.org_code == code
    driver.find_element(By.ID, "logout").click()
