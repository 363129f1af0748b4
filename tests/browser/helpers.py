"""What every browser test does with a page: sign in, wait for text or an element, click,
open a case, pick from a select, upload a file. Tests import these from here only."""

from __future__ import annotations

import time
from pathlib import Path

from selenium.webdriver.remote.webdriver import WebDriver

from eap.i18n import t

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
APP_DB: dict[str, str] = {}  # the browser app's database URL, set by the app_url fixture


def pick(driver: WebDriver, trigger_id: str, text: str) -> None:
    from selenium.webdriver.common.by import By

    wait_css(driver, f"#{trigger_id}").click()
    for _ in range(40):
        options = [
            o for o in driver.find_elements(By.CSS_SELECTOR, "[role=option]") if text in o.text
        ]
        if options:
            options[0].click()
            return
        time.sleep(0.25)
    raise AssertionError(f"no option {text}")


def project_card(driver: WebDriver, name: str, needs: str = ".withdraw-open"):
    """The project's card once the hall has loaded it (with the control we need)."""
    from selenium.webdriver.common.by import By

    for _ in range(60):
        for card in driver.find_elements(By.CSS_SELECTOR, ".project-card"):
            if name in card.text and card.find_elements(By.CSS_SELECTOR, needs):
                return card
        time.sleep(0.25)
    raise AssertionError(f"no card for {name}")


def upload(driver: WebDriver, code: str, folder: Path) -> str:
    """Pick the material, then choose a file of its own (the same file twice fires nothing)."""
    from selenium.webdriver.common.by import By

    path = folder / f"{code}-材料.pdf"
    path.write_bytes(b"%PDF-1.4\n% " + code.encode() + b"\n")
    pick(driver, "upload-code", code)
    driver.find_element(By.CSS_SELECTOR, "input[type=file]").send_keys(str(path))
    return path.name


def click(driver: WebDriver, css: str) -> None:
    wait_css(driver, css).click()


def wait_message(driver: WebDriver) -> None:
    wait_text(driver, "action-message", t("workbench.done", "zh"))


def open_case(driver: WebDriver, table_css: str, case_no: str) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys

    for _ in range(40):
        links = [a for a in driver.find_elements(By.CSS_SELECTOR, table_css) if a.text == case_no]
        if links:
            # By keyboard, as clerks work: the case number is a focusable button; Enter opens it.
            links[0].send_keys(Keys.ENTER)
            return
        time.sleep(0.25)
    raise AssertionError(f"{case_no} not listed")


def wait_css(driver: WebDriver, css: str, timeout: float = 20):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        ec.presence_of_element_located((By.CSS_SELECTOR, css))
    )


def wait_clickable(driver: WebDriver, css: str, timeout: float = 20):
    """The element once shown and enabled (a page's on-load may still be deciding what shows)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(ec.element_to_be_clickable((By.CSS_SELECTOR, css)))


def wait_text(driver: WebDriver, element_id: str, text: str, timeout: float = 20) -> None:
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, timeout).until(
        ec.text_to_be_present_in_element((By.ID, element_id), text)
    )


def sign_in(driver: WebDriver, url: str, username: str, password: str = "Demo@2026") -> None:
    from selenium.webdriver.common.by import By

    driver.get(url + "/login")
    wait_text(driver, "login-title", t("login.title", "zh"))
    for _ in range(3):  # the page's on-load may clear what was typed before it ran: type again
        for field, value in (("username", username), ("password", password)):
            box = driver.find_element(By.ID, field)
            box.clear()
            box.send_keys(value)
        time.sleep(0.3)
        typed = [
            driver.find_element(By.ID, f).get_attribute("value") for f in ("username", "password")
        ]
        if typed == [username, password]:
            break
    driver.find_element(By.ID, "login-submit").click()


def open_alert_case(driver: WebDriver) -> str:
    """Open the first item alert's case dialog on /supervision and return its case number.
    The tab may still show an earlier visit's list while the page's on-load (which closes any
    open case) is on its way: if the dialog is closed by it, open it again."""
    from selenium.webdriver.common.by import By

    for _ in range(4):
        link = wait_css(driver, "#alerts-table a.alert-item")
        opened = link.text
        link.click()
        wait_css(driver, "#case-history tr")
        time.sleep(1)
        panels = driver.find_elements(By.ID, "alert-panel")
        if panels and opened in panels[0].text:
            return opened
    raise AssertionError("the alert's case did not stay open")
