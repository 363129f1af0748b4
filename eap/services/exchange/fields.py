"""Field helpers every SPGL table shares: timestamps in Beijing time, ISO dates, and the
common columns of every row."""

from __future__ import annotations

import datetime as dt
from typing import Any

from eap.services.core.clock import CHINA_TZ


def ts(value: dt.datetime | None) -> str | None:
    return value.astimezone(CHINA_TZ).strftime("%Y-%m-%d %H:%M:%S") if value else None


def day(value: dt.date | None) -> str | None:
    return value.isoformat() if value else None


def common(lsh: str, region: str) -> dict[str, Any]:
    """Every row: serial number, validity flag and upload state (0 = pending)."""
    return {"LSH": lsh, "XZQHDM": region, "SJYXBS": 1, "SJWXYY": None, "SJSCZT": 0}
