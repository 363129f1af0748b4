"""Test database: one migrated, catalogue-loaded database per run; each test rolls back.

Set ``EAP_TEST_DATABASE_URL`` to run against PostgreSQL instead of a temporary SQLite file.
"""

from __future__ import annotations

import os
import tempfile
import threading
from collections.abc import Iterator
from http.server import HTTPServer
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
from eap.migrate import upgrade  # noqa: E402
from tests.fakes import Gateway  # noqa: E402


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
    server = HTTPServer(("127.0.0.1", 0), Gateway)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/sms"
    server.shutdown()
