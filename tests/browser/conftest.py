"""Start the real app (production build, one port) on a seeded database and drive Chromium."""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from tests.browser.helpers import APP_DB, ROOT, SCREENSHOTS


def _free_port() -> int:
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


@pytest.fixture(scope="session")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail("chromium and chromedriver are required (scripts/test.sh installs them)")
    db = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'app.db'}"
    APP_DB["url"] = db
    env = app_env(db)
    env["EAP_UPLOAD_DIR"] = str(tmp_path_factory.mktemp("materials"))
    for args in (["db", "upgrade"], ["seed", "demo", "--companies", "30", "--projects", "40"]):
        subprocess.run(
            [sys.executable, "-m", "eap", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )
    port = _free_port()
    log = (tmp_path_factory.getbasetemp() / "reflex.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reflex",
            "run",
            "--env",
            "prod",
            "--single-port",
            "--frontend-port",
            str(port),
            "--loglevel",
            "info",
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 900
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"reflex exited: see {log.name}")
            try:
                if (
                    httpx.get(url + "/ping", timeout=2).status_code == 200
                    and httpx.get(url + "/login", timeout=5, follow_redirects=True).status_code
                    == 200
                ):
                    break
            except httpx.HTTPError:
                pass
            time.sleep(2)
        else:
            raise RuntimeError("the app did not start in time")
        yield url
    finally:
        # Reflex in prod sometimes ignores SIGTERM: stop the whole group, then SIGKILL.
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    opts = webdriver.ChromeOptions()
    for arg in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--window-size=1400,900",
        "--lang=zh-CN",
    ):
        opts.add_argument(arg)
    opts.binary_location = shutil.which("chromium") or "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service(shutil.which("chromedriver")), options=opts)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    try:
        yield driver
    finally:
        driver.quit()


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo) -> Iterator[None]:
    """On a failed browser test, keep a screenshot of what the browser showed."""
    outcome = yield
    report = outcome.get_result()  # type: ignore[attr-defined]
    driver = item.funcargs.get("browser") if hasattr(item, "funcargs") else None
    if report.when == "call" and report.failed and driver is not None:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(SCREENSHOTS / f"FAILED-{item.name}.png"))  # type: ignore[attr-defined]
