"""Test database: one migrated, catalogue-loaded database per run; each test rolls back.

Set ``EAP_TEST_DATABASE_URL`` to run against PostgreSQL instead of a temporary SQLite file.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path

_TMP = Path(tempfile.mkdtemp(prefix="eap-test-"))
os.environ["EAP_DATABASE_URL"] = os.environ.get(
    "EAP_TEST_DATABASE_URL", f"sqlite:///{_TMP / 'test.db'}"
)
os.environ["EAP_UPLOAD_DIR"] = str(_TMP / "materials")
os.environ.setdefault("EAP_LOCALE", "zh")

import pytest  # noqa: E402
from sqlalchemy import Engine  # noqa: E402
from sqlmodel import Session  # noqa: E402

from eap.db import get_engine  # noqa: E402
from eap.fakes.http import start_thread  # noqa: E402
from eap.migrate import upgrade  # noqa: E402
from tests.browser.helpers import SCREENSHOTS  # noqa: E402
from tests.fakes import Gateway, WebhookReceiver  # noqa: E402


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """scripts/test.sh runs the SQLite pass with EAP_SKIP_OWN_SQLITE=1 beside the PostgreSQL
    pass: a test that makes its own SQLite database would run alike in both, so only the
    PostgreSQL pass (the shorter one) runs it. A plain ``pytest`` runs everything."""
    if os.environ.get("EAP_SKIP_OWN_SQLITE") != "1":
        return
    skip = pytest.mark.skip(reason="own SQLite database: the PostgreSQL pass beside this runs it")
    for item in items:
        if item.get_closest_marker("own_sqlite"):
            item.add_marker(skip)


@pytest.fixture(scope="session")
def engine() -> Engine:
    upgrade(os.environ["EAP_DATABASE_URL"])
    engine = get_engine()
    from eap.services.admin.catalogue import load_all

    with Session(engine) as session:
        load_all(session)
        session.commit()
    return engine


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    """A session inside a transaction that is rolled back after the test."""
    connection = engine.connect()
    outer = connection.begin()
    if connection.dialect.name == "sqlite":
        # pysqlite opens its transaction only before a write: a service's commit (a SAVEPOINT
        # released) would otherwise be a real commit and the test's rows outlive it
        connection.exec_driver_sql("BEGIN")
    sess = Session(
        bind=connection, join_transaction_mode="create_savepoint", expire_on_commit=False
    )
    try:
        yield sess
    finally:
        sess.close()
        outer.rollback()
        connection.close()


@pytest.fixture
def tmp_db_url(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'fresh.db'}"


@pytest.fixture
def gateway() -> Iterator[str]:
    Gateway.received, Gateway.fail_next = [], 0
    server = start_thread(Gateway)
    yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    server.shutdown()


@pytest.fixture
def webhook_receiver() -> Iterator[str]:
    WebhookReceiver.received, WebhookReceiver.fail_next = [], 0
    WebhookReceiver.slow_next = 0.0
    # threaded: a request left hanging (slow_next) must not hold up the next one
    server = start_thread(WebhookReceiver)
    yield f"http://127.0.0.1:{server.server_address[1]}/hook"
    server.shutdown()


# One Chromium for the page tests (tests/browser) and the scaled-out test (tests/production).
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
