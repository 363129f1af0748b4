"""A cache every worker shares (Redis), for reads that many open pages repeat: the big
screens' snapshot and a wall screen's session check. Without ``EAP_REDIS_URL`` (the embedded
demo) there is no cache and every read goes to the database; a Redis that fails is a miss,
never an error a user sees. Nothing here is kept per process."""

from __future__ import annotations

import json
import logging
from functools import cache
from typing import Any

from eap.config import get_settings

log = logging.getLogger(__name__)


@cache
def _client(url: str) -> Any:
    import redis  # a dependency of Reflex's state manager too

    return redis.Redis.from_url(url, socket_timeout=0.5, socket_connect_timeout=0.5)


def client() -> Any | None:
    url = get_settings().redis_url
    return _client(url) if url else None


def get_json(key: str) -> Any | None:
    r = client()
    if r is None:
        return None
    try:
        raw = r.get(key)
    except Exception as exc:  # a cache that fails is a miss
        log.warning("cache get %s failed: %s", key, exc)
        return None
    return None if raw is None else json.loads(raw)


def set_json(key: str, value: Any, *, ttl_seconds: int) -> None:
    r = client()
    if r is None:
        return
    try:
        r.set(key, json.dumps(value, ensure_ascii=False, default=str), ex=ttl_seconds)
    except Exception as exc:
        log.warning("cache set %s failed: %s", key, exc)


def delete(key: str) -> None:
    r = client()
    if r is None:
        return
    try:
        r.delete(key)
    except Exception as exc:
        log.warning("cache delete %s failed: %s", key, exc)
