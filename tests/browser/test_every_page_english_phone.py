"""Every page of every role, in English, on a 390-pixel phone (issue 18, item 20): nothing runs
off the side, and no message key shows where a translation is missing. The page list comes
from the one route table, so a new page is checked the day it is added."""

from __future__ import annotations

import re
import time

import pytest

from eap.i18n import MESSAGES
from eap.routes import ROUTES
from tests.browser.helpers import SCREENSHOTS, sign_in, wait_css, wait_text

pytestmark = pytest.mark.browser

USERS = {
    "applicant": "qiye001",
    "window": "nc_window",
    "approver": "nc_zj",
    "supervisor": "sheng_duban",
    "agency": "zhongjie01",
    "leader": "leader",
    "admin": "admin",
    "auditor": "auditor",
    "security": "security",
}
PUBLIC = ("/login", "/notices", "/hall/register", "/hall/reset", "/guide", "/market")
KEYS = set(MESSAGES["en"])
WORD = re.compile(r"[a-z_]+(?:\.[a-z0-9_]+)+")


def _routes(role: str) -> list[str]:
    return [r.path for r in ROUTES if r.roles and role in r.roles and "[" not in r.path]


def _check(driver, route: str, role: str) -> tuple[int, list[str]]:  # type: ignore[no-untyped-def]
    time.sleep(1.2)  # the page's on-load handlers have filled it
    overflow = int(
        driver.execute_script("return document.documentElement.scrollWidth - window.innerWidth")
    )
    # codes shown on purpose (the audit trail's action codes) are not untranslated text
    text = driver.execute_script(
        "const b = document.body.cloneNode(true);"
        "b.querySelectorAll('code').forEach(c => c.remove());"
        "return b.innerText"
    )
    untranslated = sorted({w for w in WORD.findall(text) if w in KEYS})
    name = f"phone-en-{role}{route.replace('/', '-')}.png"
    driver.save_screenshot(str(SCREENSHOTS / name))
    return overflow, untranslated


def _english(driver) -> None:  # type: ignore[no-untyped-def]
    driver.add_cookie({"name": "eap_lang", "value": "en", "path": "/"})


def test_every_page_in_english_on_a_phone(app_url: str, browser) -> None:  # type: ignore[no-untyped-def]
    driver = browser
    driver.set_window_size(390, 844)
    problems: dict[str, object] = {}
    try:
        driver.delete_all_cookies()
        driver.get(app_url + "/login")
        _english(driver)
        for route in PUBLIC:
            driver.get(app_url + route)
            wait_css(driver, "body")
            overflow, keys = _check(driver, route, "public")
            if overflow > 0 or keys:
                problems[route] = (overflow, keys)
        for role, username in USERS.items():
            driver.delete_all_cookies()
            sign_in(driver, app_url, username)
            wait_css(driver, "#top-bar")
            _english(driver)
            for route in _routes(role):
                driver.get(app_url + route)
                wait_css(driver, "#top-bar")
                overflow, keys = _check(driver, route, role)
                if overflow > 0 or keys:
                    problems[f"{role} {route}"] = (overflow, keys)
            # and the language really is English there: the header's name reads so
            assert MESSAGES["en"]["app.short"] in driver.page_source, role
    finally:  # back to Chinese and a desktop for the tests that follow in this browser
        driver.set_window_size(1400, 900)
        driver.delete_all_cookies()
        driver.get(app_url + "/guide")
        driver.add_cookie({"name": "eap_lang", "value": "zh", "path": "/"})
        driver.get(app_url + "/guide")
        wait_text(driver, "home-title", MESSAGES["zh"]["guide.title"])
    assert problems == {}, problems
