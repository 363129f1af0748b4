"""Shared column helpers."""

from __future__ import annotations

import datetime as dt


def utcnow() -> dt.datetime:
    """Server time, timezone-aware UTC: the only clock any row is stamped with."""
    return dt.datetime.now(dt.UTC)
