"""数据展示 in the browser (issue 12): the province's leader at a 1920×1080 wall sees counters,
the map and the panels from the demo province, drills down to a city; a city's leader sees
only the city; a reversed range is refused beside its field."""

from __future__ import annotations

import time

import pytest

from eap.i18n import t
from tests.browser.helpers import APP_DB, SCREENSHOTS, pick, sign_in, wait_css, wait_text

pytestmark = pytest.mark.browser


def _scrolls(driver) -> int:  # type: ignore[no-untyped-def]
    return int(
        driver.execute_script("return document.documentElement.scrollHeight - window.innerHeight")
    )


def _a_project() -> tuple[str, str]:
    """A demo project already in approval: (code, name)."""
    from sqlmodel import Session, col, select

    from eap.db import make_engine
    from eap.models import Project

    with Session(make_engine(APP_DB["url"])) as s:
        p = s.exec(
            select(Project)
            .where(col(Project.first_accepted_at).is_not(None))
            .order_by(col(Project.id))
        ).first()
        assert p is not None
        return p.project_code, p.name


def _period(driver, label: str) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    for b in driver.find_elements(By.CSS_SELECTOR, "[role=radio], #screen-period button"):
        if b.text.strip() == label:
            b.click()
            return
    raise AssertionError(f"no period {label}")


def _choose(driver, switch_id: str, label: str) -> None:  # type: ignore[no-untyped-def]
    """Click the segment of a switch that reads ``label``."""
    from selenium.webdriver.common.by import By

    for b in driver.find_elements(By.CSS_SELECTOR, f"#{switch_id} button"):
        if b.text.strip() == label:
            b.click()
            return
    raise AssertionError(f"no {label} in {switch_id}")


def _wall(driver) -> None:  # type: ignore[no-untyped-def]
    """A 1920×1080 viewport, as a wall display in kiosk mode has (no browser bars)."""
    driver.set_window_size(1920, 1080)
    chrome = driver.execute_script("return window.outerHeight - window.innerHeight")
    driver.set_window_size(1920, 1080 + int(chrome))


def test_leader_screen_map_and_drill_down(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    driver = browser
    _wall(driver)
    try:
        driver.delete_all_cookies()
        sign_in(driver, app_url, "leader")
        wait_text(driver, "home-title", t("screen.title", "zh"))
        wait_css(driver, "#screen-map .main-svg")
        values = [e.text for e in driver.find_elements(By.CSS_SELECTOR, ".headline-value")]
        assert len(values) == 9 and any(v not in ("0", "—") for v in values), values
        assert len(driver.find_elements(By.CSS_SELECTOR, "#screen-map path.js-fill")) >= 11
        assert t("screen.map_note", "zh")[:6] in driver.find_element(By.ID, "map-note").text
        wait_css(driver, "#ranking-panel .main-svg")
        wait_css(driver, "#targets-panel .target-row")
        time.sleep(1)
        driver.save_screenshot(str(SCREENSHOTS / "screen-province.png"))
        assert _scrolls(driver) <= 8, f"the wall screen scrolls by {_scrolls(driver)} px"
        # the map's metric changes the colours in place
        pick(driver, "screen-metric", t("screen.metric.overdue", "zh"))
        time.sleep(1)
        assert not driver.find_elements(By.ID, "screen-error")
        # a reversed custom range is refused beside its field; the figures stay
        _period(driver, t("screen.period.custom", "zh"))
        for box, value in (("screen-start", "2026-11-20"), ("screen-end", "2026-11-01")):
            driver.execute_script(
                "arguments[0].value = arguments[1]", wait_css(driver, f"#{box}"), value
            )
        driver.find_element(By.ID, "screen-apply").click()
        wait_text(driver, "error-end", t("screen.range_reversed", "zh"))
        assert driver.find_elements(By.CSS_SELECTOR, ".headline-value")
        # drill down: the city's own screen, its counties
        _period(driver, t("screen.period.year", "zh"))
        wait_css(driver, "#area-360100").click()
        wait_text(driver, "home-title", "南昌市")
        assert driver.current_url.endswith("/screen/city/360100")
        wait_css(driver, "#area-table tbody tr")
        rows = driver.find_elements(By.CSS_SELECTOR, "#area-table tbody tr")
        assert rows and all("区" in r.text or "县" in r.text or "市" in r.text for r in rows)
        # its map is its counties (南昌 has nine with a boundary), the sites on them
        wait_css(driver, "#screen-map .main-svg")
        fills = driver.find_elements(By.CSS_SELECTOR, "#screen-map path.js-fill")
        assert 9 <= len(fills) < 11 + 5, len(fills)
        # the slowest departments and items, and the trend, one click each
        _choose(driver, "list-switch", t("screen.switch.departments", "zh"))
        wait_text(driver, "overdue-panel", t("screen.slow_departments_title", "zh"))
        _choose(driver, "chart-switch", t("screen.switch.trend", "zh"))
        wait_css(driver, "#trend-chart .main-svg")
        assert _scrolls(driver) <= 0  # still one wall, no scrolling
        driver.save_screenshot(str(SCREENSHOTS / "screen-city.png"))
        # 一张蓝图: only overdue projects, then back to all
        shown = driver.find_element(By.ID, "sites-shown").text
        pick(driver, "site-status", t("screen.filter.overdue", "zh"))
        for _ in range(40):
            if driver.find_element(By.ID, "sites-shown").text != shown:
                break
            time.sleep(0.25)
        assert driver.find_element(By.ID, "sites-shown").text != shown
        pick(driver, "site-status", t("screen.filter.all_status", "zh"))
        driver.find_element(By.ID, "screen-back").click()
        wait_text(driver, "home-title", t("screen.title", "zh"))
        # find a project: a name fragment lists matches; its page shows every stage and item
        code, name = _a_project()
        box = wait_css(driver, "#screen-search")
        box.send_keys(name[2:6])
        driver.find_element(By.ID, "screen-search-go").click()
        wait_css(driver, ".found-project")
        driver.save_screenshot(str(SCREENSHOTS / "screen-search.png"))
        next(
            a for a in driver.find_elements(By.CSS_SELECTOR, ".found-project") if code in a.text
        ).click()
        wait_text(driver, "home-title", name)
        wait_css(driver, ".timeline-stage .timeline-item")
        driver.save_screenshot(str(SCREENSHOTS / "screen-project.png"))
        driver.get(app_url + "/screen")
        wait_text(driver, "home-title", t("screen.title", "zh"))
        # English, and a 1440-px laptop
        driver.set_window_size(1440, 900)
        driver.find_element(By.ID, "lang-toggle").click()
        wait_text(driver, "home-title", t("screen.title", "en"))
        wait_css(driver, "#screen-map .main-svg")
        driver.save_screenshot(str(SCREENSHOTS / "screen-laptop-en.png"))
        driver.find_element(By.ID, "lang-toggle").click()
        wait_text(driver, "home-title", t("screen.title", "zh"))
    finally:
        driver.set_window_size(1400, 900)


def test_city_leader_sees_only_the_city(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    driver = browser
    _wall(driver)
    try:
        driver.delete_all_cookies()
        sign_in(driver, app_url, "nc_leader")
        wait_text(driver, "home-title", "南昌市")
        wait_css(driver, "#area-table tbody tr")
        driver.save_screenshot(str(SCREENSHOTS / "screen-nc-leader.png"))
        driver.get(app_url + "/screen/city/360700")  # another city: refused, nothing shown
        wait_css(driver, "#screen-error")
        assert "赣州市" not in driver.find_element("id", "home-title").text
    finally:
        driver.set_window_size(1400, 900)


def test_the_provincial_centre(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    """审批省级监管中心: every city's freshness and indicators for a month, the bulletin one
    click away (a wrong month is refused beside the field: tests/test_centre.py)."""
    from selenium.webdriver.common.by import By

    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, app_url, "sheng_duban")
    wait_text(driver, "home-title", t("home.supervisor", "zh"))
    wait_css(driver, "#supervision-centre").click()
    wait_text(driver, "home-title", t("centre.title", "zh"))
    wait_css(driver, "#centre-cities tbody tr")
    rows = driver.find_elements(By.CSS_SELECTOR, "#centre-cities tbody tr")
    assert len(rows) >= 11 and any("南昌市" in r.text for r in rows)
    assert (
        driver.find_element(By.ID, "centre-pdf")
        .get_attribute("href")
        .endswith(".pdf?month=" + driver.find_element(By.ID, "centre-month").get_attribute("value"))
    )
    driver.save_screenshot(str(SCREENSHOTS / "centre.png"))
    # the bulletin downloads through the authorised route with the browser's own session
    cookies = {c["name"]: c["value"] for c in driver.get_cookies()}
    import httpx

    pdf = httpx.get(app_url + "/centre/bulletin.pdf", cookies=cookies, timeout=60)
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF")
