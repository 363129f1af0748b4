"""What every browser test does with a page: sign in, wait for text or an element, click,
open a case, pick from a select, upload a file. Tests import these from here only."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import httpx
from selenium.webdriver.remote.webdriver import WebDriver

from eap.i18n import t

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
# the browser app's database URL ("url") and its page-state folder ("states"), set by app_url
APP_DB: dict[str, Any] = {}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def app_env(db_url: str) -> dict[str, str]:
    venv_bin = str(Path(sys.executable).parent)
    return {
        **os.environ,
        "EAP_DATABASE_URL": db_url,
        "PATH": venv_bin + os.pathsep + os.environ.get("PATH", ""),
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "0",
        "REFLEX_CHECK_LATEST_VERSION": "0",
        "PYTHONUNBUFFERED": "1",
    }


@contextmanager
def running_app(
    command: list[str], *, env: dict[str, str], log: Path, url: str
) -> Iterator[subprocess.Popen]:
    """Start the app (``reflex run`` or ``scripts/serve.sh``) in a process group of its own,
    wait until /healthz and the sign-in page answer, and stop the whole group afterwards
    (SIGTERM, then SIGKILL: Reflex in prod sometimes ignores SIGTERM)."""
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            cwd=ROOT,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.time() + 900
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError("the app exited:\n" + log.read_text()[-3000:])
            try:
                if (
                    httpx.get(url + "/healthz", timeout=3).status_code == 200
                    and httpx.get(url + "/login", timeout=5, follow_redirects=True).is_success
                ):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(2)
        else:
            raise RuntimeError("the app did not start in time:\n" + log.read_text()[-3000:])
        yield proc
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)


def stored_states_containing(*secrets: str) -> list[str]:
    """Which of ``secrets`` appear in any page state Reflex persisted (its .states files)."""
    time.sleep(1)  # the disk state manager writes after the event
    blobs = [p.read_bytes() for p in Path(APP_DB["states"]).rglob("*") if p.is_file()]
    assert blobs, "no stored page state found: the check would prove nothing"
    return [s for s in secrets if any(s.encode() in b for b in blobs)]


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


def retype(box, value: str) -> None:  # type: ignore[no-untyped-def]
    """Select what is there and type over it, as a person would (React sees each key); one
    call per key group, since a modifier stays down to the end of a send_keys call."""
    from selenium.webdriver.common.keys import Keys

    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(Keys.BACKSPACE)
    box.send_keys(value)


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


def _through_navigation(condition):  # type: ignore[no-untyped-def]
    """A wait's condition that reads "not yet" when the page navigated under the command
    (chromedriver's "aborted by navigation", as when sign-in loads the home page)."""
    from selenium.common.exceptions import WebDriverException

    def check(driver):  # type: ignore[no-untyped-def]
        try:
            return condition(driver)
        except WebDriverException as exc:
            if "aborted by navigation" in str(exc.msg or ""):
                return False
            raise

    return check


def wait_css(driver: WebDriver, css: str, timeout: float = 20):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        _through_navigation(ec.presence_of_element_located((By.CSS_SELECTOR, css)))
    )


def wait_clickable(driver: WebDriver, css: str, timeout: float = 20):
    """The element once shown and enabled (a page's on-load may still be deciding what shows)."""
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    return WebDriverWait(driver, timeout).until(
        _through_navigation(ec.element_to_be_clickable((By.CSS_SELECTOR, css)))
    )


def wait_text(driver: WebDriver, element_id: str, text: str, timeout: float = 20) -> None:
    from selenium.common.exceptions import TimeoutException
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support import expected_conditions as ec
    from selenium.webdriver.support.ui import WebDriverWait

    try:
        WebDriverWait(driver, timeout).until(
            _through_navigation(ec.text_to_be_present_in_element((By.ID, element_id), text))
        )
    except TimeoutException as exc:  # say what was there instead, for a run we cannot rerun
        found = driver.find_elements(By.ID, element_id)
        seen = found[0].text if found else "(no such element)"
        raise TimeoutException(
            f"#{element_id} never showed {text!r}; it shows {seen!r} at {driver.current_url}"
        ) from exc


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
    if username in SECOND_FACTOR_USERS and password == "Demo@2026":  # the password was right
        confirm_second_factor(driver, username)


# The demo's accounts whose role signs in with an SMS code too (EAP_SECOND_FACTOR_ROLES).
SECOND_FACTOR_USERS = {"admin", "auditor", "security"}


def sign_in_code(username: str) -> str:
    """The newest sign-in code texted to the account's phone, as the phone would show it
    (read from the SMS outbox of the app's database, opened with the data key)."""
    import re

    from sqlmodel import Session, col, select

    from eap.db import make_engine
    from eap.models import SmsOutbox, User

    with Session(make_engine(APP_DB["url"])) as s:
        user = s.exec(select(User).where(User.username == username)).one()
        for sms in s.exec(select(SmsOutbox).order_by(col(SmsOutbox.id).desc()).limit(50)):
            if sms.phone == user.phone and (found := re.search(r"\d{6}", sms.text)):
                return found.group(0)
    raise AssertionError(f"no sign-in code for {username}")


def confirm_second_factor(driver: WebDriver, username: str) -> None:
    from selenium.webdriver.common.by import By

    wait_css(driver, "#otp")
    wait_text(driver, "otp-sent", t("login.otp_sent", "zh")[:4])
    box = driver.find_element(By.ID, "otp")
    box.send_keys(sign_in_code(username))
    driver.find_element(By.ID, "otp-submit").click()


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


def file_stage_one(session, owner, *, project_code: str, name: str, investment: float):  # type: ignore[no-untyped-def]
    """The owner registers a 南昌 东湖区 social-investment project and files stage 1 with every
    material uploaded (the flow the hall drives, through its services): the stage case."""
    from eap.models.projects import ProjectCreate
    from eap.services.approval import filing
    from eap.services.core import files
    from eap.services.hall import guide, projects

    p = projects.register_project(
        session,
        principal=owner,
        data=ProjectCreate(
            project_code=project_code,
            name=name,
            location="南昌市东湖区",
            region_code="360102",
            total_investment=investment,
            process_type=4,
        ),
    )
    form = guide.stage_form(session, project=p, stage_code=1)
    uploads = {
        n.code: files.store_file(
            session,
            principal=owner,
            filename=f"{n.code}.pdf",
            content=b"%PDF-1.4 " + n.code.encode(),
        ).id
        for n in form.materials
        if not n.satisfied_by
    }
    return filing.submit_stage_application(
        session, principal=owner, project_id=p.id, stage_code=1, uploads=uploads
    )
