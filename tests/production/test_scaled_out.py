"""The production mode scaled out (issue 19 item 1): ``scripts/serve.sh`` with two web workers,
page state in Redis, data in PostgreSQL, the scheduler beside them. An applicant signs in and
uploads half of a stage's materials; the worker holding the tab's socket is killed; the tab
reconnects to another worker and finishes the form — the sign-in and every material uploaded
before the kill are still there, and the case is filed with all of them."""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest
from sqlmodel import Session, select

from eap.db import make_engine
from eap.i18n import t
from eap.models import StageCase, StageMaterial
from tests.browser.helpers import (
    ROOT,
    SCREENSHOTS,
    app_env,
    free_port,
    running_app,
    sign_in,
    upload,
    wait_css,
    wait_text,
)
from tests.production import prepare

pytestmark = pytest.mark.browser

# scripts/test.sh says where its PostgreSQL and Redis are; these are the machine's defaults
PG_ADMIN = os.environ.get("EAP_PG_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
REDIS = os.environ.get("EAP_TEST_REDIS_URL", "redis://127.0.0.1:6379/7")
SOCKET_LINE = re.compile(r"page socket opened in worker (\d+)")


@dataclass(frozen=True)
class Deployment:
    url: str
    database_url: str
    log: Path
    project_id: int


def _unavailable(what: str, exc: Exception) -> None:
    message = f"{what} is needed for the scaled-out test ({exc}); scripts/test.sh starts one"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def _fresh_database(name: str) -> str:
    import psycopg

    try:
        with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{name}"')
    except psycopg.Error as exc:
        _unavailable("PostgreSQL", exc)
    base = PG_ADMIN.rsplit("/", 1)[0].replace("postgresql://", "postgresql+psycopg://", 1)
    return f"{base}/{name}"


def _empty_redis() -> None:
    import redis

    try:
        redis.Redis.from_url(REDIS, socket_timeout=3).flushdb()
    except redis.RedisError as exc:
        _unavailable("Redis", exc)


def _run(env: dict[str, str], *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return done.stdout


@pytest.fixture(scope="module")
def deployment(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Deployment]:
    name = f"eap_scaled_{os.getpid()}"
    database_url = _fresh_database(name)
    _empty_redis()
    work = tmp_path_factory.mktemp("scaled")
    port = free_port()
    env = {
        **app_env(database_url),
        "EAP_ENV": "production",
        "EAP_DATA_KEY": secrets.token_hex(32),
        "REFLEX_REDIS_URL": REDIS,
        "EAP_WORKERS": "2",
        "EAP_PORT": str(port),
        "EAP_UPLOAD_DIR": str(work / "materials"),
        "PROMETHEUS_MULTIPROC_DIR": str(work / "prometheus"),
    }
    env.pop("EAP_REDIS_URL", None)  # serve.sh shares REFLEX_REDIS_URL as the cache
    # The first start as an operations team does it: schema, catalogue, first administrator.
    first = _run(env, "eap", "init", "--admin", "ops", "--phone", "13800000009")
    assert "ops" in first
    project_id = int(_run(env, "tests.production.prepare").strip())
    log = work / "serve.log"
    url = f"http://127.0.0.1:{port}"
    try:
        with running_app(["bash", "scripts/serve.sh"], env=env, log=log, url=url):
            body = httpx.get(url + "/healthz", timeout=5).json()
            assert body["database"]["dialect"] == "postgresql"
            assert body["state_manager"] == {"kind": "redis", "shared": True, "ok": True}
            yield Deployment(url, database_url, log, project_id)
    finally:
        make_engine(database_url).dispose()


def _socket_workers(log: Path) -> list[int]:
    """The workers that opened page sockets, in order (the app logs each handshake)."""
    return [int(m) for m in SOCKET_LINE.findall(log.read_text(errors="replace"))]


def _material_rows(driver) -> list[str]:  # type: ignore[no-untyped-def]
    from selenium.webdriver.common.by import By

    return [r.text for r in driver.find_elements(By.CSS_SELECTOR, "#form-materials tr")]


def _wait_uploaded(driver, code: str, name: str) -> None:  # type: ignore[no-untyped-def]
    for _ in range(60):
        if any(r.startswith(code) and name in r for r in _material_rows(driver)):
            return
        time.sleep(0.25)
    raise AssertionError(f"{code} not shown as uploaded")


def test_a_tab_survives_its_worker(deployment: Deployment, browser, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    driver = browser
    driver.delete_all_cookies()
    sign_in(driver, deployment.url, prepare.USERNAME, prepare.PASSWORD)
    wait_text(driver, "home-title", t("home.applicant", "zh"))
    driver.get(f"{deployment.url}/hall/apply?registered={deployment.project_id}")
    wait_text(driver, "home-title", t("apply.title", "zh"))
    wait_css(driver, "#form-materials tr")
    codes = [r.split()[0] for r in _material_rows(driver) if t("material.missing", "zh") in r]
    assert len(codes) >= 2
    before, after = codes[: len(codes) // 2], codes[len(codes) // 2 :]
    for code in before:
        _wait_uploaded(driver, code, upload(driver, code, tmp_path))
    driver.save_screenshot(str(SCREENSHOTS / "scaled-half-filled.png"))

    opened = _socket_workers(deployment.log)
    assert opened, "no page socket logged"
    holder = opened[-1]  # the tab's socket: the last one opened (one browser, one tab)
    os.kill(holder, signal.SIGKILL)
    for _ in range(120):  # the tab reconnects by itself, to a worker that is alive
        now = _socket_workers(deployment.log)
        if len(now) > len(opened) and now[-1] != holder:
            break
        time.sleep(0.25)
    else:
        raise AssertionError("the tab did not reconnect:\n" + deployment.log.read_text()[-3000:])

    # Still signed in, the first half still uploaded (state came back from Redis), also once
    # the reconnect's hydrate and the page's on-load have run on the new worker.
    time.sleep(3)
    driver.save_screenshot(str(SCREENSHOTS / "scaled-after-reconnect.png"))
    for code in before:
        assert any(r.startswith(code) and "-材料.pdf" in r for r in _material_rows(driver))
    for code in after:
        _wait_uploaded(driver, code, upload(driver, code, tmp_path))
    from selenium.webdriver.common.by import By

    driver.find_element(By.ID, "btn-submit").click()
    wait_css(driver, "#receipt", timeout=30)
    driver.save_screenshot(str(SCREENSHOTS / "scaled-filed-after-worker-killed.png"))
    engine = make_engine(deployment.database_url)
    try:
        with Session(engine) as s:
            case = s.exec(
                select(StageCase).where(StageCase.project_id == deployment.project_id)
            ).one()
            supplied = s.exec(
                select(StageMaterial).where(
                    StageMaterial.stage_case_id == case.id,
                    StageMaterial.file_id.is_not(None),  # type: ignore[union-attr]
                )
            ).all()
            assert case.case_no in driver.find_element(By.ID, "receipt").text
            assert len(supplied) == len(codes)  # the half before the kill and the half after
    finally:
        engine.dispose()
    # The worker that was killed was started again: two workers answer.
    pids = {httpx.get(deployment.url + "/healthz", timeout=5).json()["pid"] for _ in range(20)}
    assert holder not in pids
