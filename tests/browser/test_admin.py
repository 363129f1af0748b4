"""流程配置 in the browser: the administrator shortens a stage limit for Nanchang and publishes
it; an item limit above the statutory one is refused beside its field."""

from __future__ import annotations

import pytest
from sqlmodel import Session, col, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import Process, ProcessStage
from tests.browser.helpers import APP_DB, SCREENSHOTS, sign_in, wait_css, wait_text

pytestmark = pytest.mark.browser


def _active(s: Session) -> Process:
    return s.exec(
        select(Process).where(Process.code == "360100-SPLC-01", col(Process.active))
    ).one()


def _retype(box, value: str) -> None:  # type: ignore[no-untyped-def]
    """Select what is there and type over it, as a person would (React sees each key)."""
    from selenium.webdriver.common.keys import Keys

    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(value)


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
    _retype(item, "999")
    driver.find_element("id", "btn-publish").click()
    error = wait_css(driver, ".field-error")
    assert "承诺时限" in error.text
    _retype(item, "1")
    _retype(driver.find_element("id", "limit-stage-1"), "18")
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
