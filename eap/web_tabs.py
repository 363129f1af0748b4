"""A tab whose web worker died keeps its page state (issue 19, several workers on Redis).

Reflex records in Redis which worker holds each tab's socket (``token_manager_socket_record_<tab
token>``, kept for ``redis_token_expiration``) and treats a tab that connects while such a record
exists as a *duplicate* tab: it gets a new token, hence a fresh, empty page state. When a worker
is killed its records stay behind, so every tab it held would reconnect to another worker with
its sign-in kept (the cookie) but its half-filled forms gone.

Each worker therefore announces itself on a Redis channel of its own, ``eap:worker:<instance>``,
as a subscription: Redis drops a subscription the moment the worker's connection closes, however
the process ended. On a page socket's handshake the record of the tab's token is checked, and a
record left by a worker no longer subscribed is removed before Reflex looks, so the tab keeps its
token and its state. A record of a live worker (a second tab copied from the first) is left
alone: Reflex's duplicate detection stays as it was.
"""

from __future__ import annotations

import asyncio
import logging
import pickle
from typing import Any
from urllib.parse import parse_qs

log = logging.getLogger(__name__)

RECORD_PREFIX = "token_manager_socket_record_"  # Reflex 0.10's key (reflex.utils.token_manager)
CHANNEL = "eap:worker:{}"

_client: Any = None


def _redis() -> Any:
    """The state manager's Redis (asyncio client), or None without one."""
    global _client
    if _client is None:
        from reflex.config import get_config

        url = get_config().redis_url
        if not url:
            return None
        import redis.asyncio

        _client = redis.asyncio.Redis.from_url(url)
    return _client


def _instance_id(reflex_app: Any) -> str | None:
    namespace = getattr(reflex_app, "event_namespace", None)
    manager = getattr(namespace, "_token_manager", None)
    return getattr(manager, "instance_id", None)


async def announce_worker(reflex_app: Any) -> None:
    """Lifespan task of every worker: subscribed to its own channel while it lives."""
    client = _redis()
    if client is None:
        return
    pubsub = client.pubsub()
    current: str | None = None
    try:
        while True:
            instance = _instance_id(reflex_app)
            if instance and instance != current:  # set (again) when the worker starts
                if current:
                    await pubsub.unsubscribe(CHANNEL.format(current))
                await pubsub.subscribe(CHANNEL.format(instance))
                current = instance
            if current:
                await pubsub.get_message(timeout=1.0)  # keeps the connection serviced
            else:
                await asyncio.sleep(0.2)
    finally:
        await pubsub.aclose()


def tab_token(query_string: bytes) -> str:
    values = parse_qs(query_string.decode("latin-1")).get("token", [])
    return values[0] if values else ""


async def release_orphaned_tab(token: str) -> bool:
    """Before Reflex links a reconnecting tab: drop the socket record of a dead worker.
    True when one was removed. Never raises (a tab is better served with a new state than
    refused)."""
    client = _redis()
    if client is None or not token:
        return False
    key = RECORD_PREFIX + token
    try:
        raw = await client.get(key)
        if raw is None:
            return False
        instance = getattr(pickle.loads(raw), "instance_id", "")  # Reflex's own record
        alive = await client.pubsub_numsub(CHANNEL.format(instance))
        if alive and alive[0][1] > 0:
            return False
        await client.delete(key)
        log.info("tab reconnected after its worker ended: its page state is kept")
        return True
    except Exception:  # Redis trouble: Reflex decides as it would have
        log.warning("could not check a reconnecting tab's worker", exc_info=True)
        return False
