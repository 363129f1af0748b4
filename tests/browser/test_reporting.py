"""数据上报 in the browser: the national side rejects a case's rows (its department has no
organisation code); the province supervisor finds them on the reporting tab with the reason,
the code is corrected, the rows are sent again and accepted. An administrator sees this tab
and nothing else of supervision."""

from __future__ import annotations

import threading
import time
from http.server import ThreadingHTTPServer

import pytest
from sqlmodel import Session, col, select

from eap.db import make_engine
from eap.fakes.spgl_receiver import Receiver, make_handler
from eap.i18n import t
from eap.models import Department, ItemCase, SpglVersion
from eap.models.exchange import UploadState
from eap.services.exchange import delivery, outbox
from tests.browser.helpers import APP_DB, SCREENSHOTS, sign_in, wait_css, wait_text

pytestmark = pytest.mark.browser


def test_rejected_rows_are_found_corrected_and_sent_again(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(Receiver()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    url = f"http://127.0.0.1:{server.server_address[1]}/"
    engine = make_engine(APP_DB["url"])
    with Session(engine) as s:
        # what the browser tests before this one made is reported first, all accepted: the
        # national rules hold for data entered through the pages, not only the simulation's
        first = delivery.push_http(s, url=url)
        rejected = s.exec(
            select(SpglVersion.table_name, SpglVersion.record_key, SpglVersion.reason).where(
                SpglVersion.state == UploadState.REJECTED
            )
        ).all()
        assert first.rejected == 0, rejected
        case = s.exec(select(ItemCase).where(col(ItemCase.status) > 0).limit(1)).one()
        dept = s.get(Department, case.department_id)
        assert dept is not None
        dept_id, good_code = dept.id, dept.org_code
        dept.org_code = ""  # a register mistake: the department lost its code
        s.add(dept)
        s.commit()
        broken = outbox.resync(s, tables=["SPGL_XMSPSXBLXXB"])["SPGL_XMSPSXBLXXB"]
        s.commit()
        result = delivery.push_http(s, url=url)
    assert result.rejected == broken > 0 and result.pending == 0

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "sheng_duban")
    wait_text(driver, "home-title", t("home.supervisor", "zh"))
    wait_css(driver, "#tab-reporting").click()
    table = wait_css(driver, "#spgl-rejected")
    rows = table.find_elements(By.CSS_SELECTOR, "tbody tr")
    assert len(rows) == broken
    assert "SPBMBM" in rows[0].text and t("spgl.table.SPGL_XMSPSXBLXXB", "zh") in rows[0].text
    assert rows[0].find_elements(By.CSS_SELECTOR, "a[href^='/screen/project/']")
    assert t("spgl.col.rejected", "zh") in wait_css(driver, "#spgl-counts").text
    driver.save_screenshot(str(SCREENSHOTS / "reporting-rejected.png"))

    with Session(engine) as s:  # the register is corrected
        dept = s.get(Department, dept_id)
        assert dept is not None
        dept.org_code = good_code
        s.add(dept)
        s.commit()
    target = wait_css(driver, "#spgl-resend-all") if broken > 1 else rows[0]
    if broken > 1:
        target.click()
    else:
        target.find_element(By.CSS_SELECTOR, ".spgl-resend").click()
    wait_text(driver, "spgl-message", t("spgl.resent", "zh", n=broken))
    wait_css(driver, "#spgl-none-rejected")
    driver.save_screenshot(str(SCREENSHOTS / "reporting-resent.png"))
    with Session(engine) as s:
        again = delivery.push_http(s, url=url)
        assert again.accepted == broken and again.rejected == 0
        latest = s.exec(
            select(SpglVersion)
            .where(SpglVersion.table_name == "SPGL_XMSPSXBLXXB")
            .order_by(col(SpglVersion.lsh).desc())
        ).first()
        assert latest is not None and latest.state == UploadState.ACCEPTED
    server.shutdown()

    # the administrator: the reporting tab, and none of the supervisor's
    driver.delete_all_cookies()
    sign_in(driver, app_url, "admin")
    wait_text(driver, "home-title", t("home.admin", "zh"))
    driver.get(app_url + "/supervision")
    wait_css(driver, "#spgl-counts")
    time.sleep(0.5)
    assert not [e for e in driver.find_elements(By.ID, "tab-alerts") if e.is_displayed()]
    assert driver.find_element(By.ID, "tab-reporting").is_displayed()
    driver.save_screenshot(str(SCREENSHOTS / "reporting-admin.png"))
