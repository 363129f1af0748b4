"""Run Alembic migrations programmatically (used by the CLI and the tests)."""

from __future__ import annotations

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from eap.config import PROJECT_ROOT


def alembic_config(url: str | None = None) -> Config:
    cfg = Config(str(PROJECT_ROOT / "alembic.ini"))
    cfg.set_main_option("script_location", str(PROJECT_ROOT / "migrations"))
    if url:
        # the ini parser interpolates '%': a URL-quoted socket path or password must pass as is
        cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str | None = None, *, connection: Connection | None = None) -> None:
    cfg = alembic_config(url)
    if connection is not None:
        cfg.attributes["connection"] = connection
    command.upgrade(cfg, "head")
