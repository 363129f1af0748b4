"""Fifty open big screens must not multiply the database's work by fifty.

Counts the SQL statements a steady minute costs: the scheduler's ``screen`` job (which
recomputes every scope once) plus every open screen's timer refresh, done exactly as
``ScreenState.tick`` does it (the session check for a refresh, then ``screen_view``). With the
shared cache (Redis at EAP_REDIS_URL, default redis://127.0.0.1:6379/15), a refresh reads the
snapshot from Redis and re-checks its session in the database every other minute (the check
lives 120 s, the timer ticks every 60 s), so the steady state is the average of a minute whose
checks expired and one whose checks hold. Without a cache every refresh reads the database;
that figure is printed for comparison.

Target: statements per minute with 50 screens ≤ 1.2× those with one.

Usage: python -m bench.screen_load [--screens 50]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="eap-bench-screenload-"))
os.environ["EAP_UPLOAD_DIR"] = str(TMP / "files")
os.environ.setdefault("EAP_REDIS_URL", "redis://127.0.0.1:6379/15")

from sqlalchemy import event  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.seeded import seeded_province  # noqa: E402
from eap.config import get_settings  # noqa: E402
from eap.models.accounts import UserCreate  # noqa: E402
from eap.services.admin import accounts  # noqa: E402
from eap.services.core import cache  # noqa: E402
from eap.services.screen import snapshot  # noqa: E402
from eap.services.screen.figures import screen_view  # noqa: E402

PASSWORD = "Bench#2026"


def leaders(engine, n: int) -> list[str]:  # type: ignore[no-untyped-def]
    """n province leaders, each signed in once: one token per open screen."""
    tokens = []
    with Session(engine) as s:
        hashed = accounts.hash_password(PASSWORD)
        for i in range(n):
            user = accounts.create_user(
                s,
                data=UserCreate(
                    username=f"wall{i:03d}",
                    display_name=f"大屏{i}",
                    role="leader",
                    region_code="360000",
                    password=PASSWORD,
                    phone="13800138000",
                ),  # type: ignore[call-arg]
                actor_id=None,
                hashed=hashed,
            )
            s.commit()
            tokens.append(accounts.login(s, username=user.username, password=PASSWORD).token)
            s.commit()
    return tokens


def minute(engine, tokens: list[str], counter: list[int], *, cached: bool) -> int:  # type: ignore[no-untyped-def]
    """One minute: the job once, then every screen's refresh; the statements it took."""
    before = counter[0]
    with Session(engine) as s:
        snapshot.refresh(s)
        s.commit()
    for token in tokens:
        with Session(engine) as s:
            if cached:
                principal = accounts.resolve_session_for_refresh(s, token=token)
            else:
                principal = accounts.resolve_session(s, token=token)
            assert principal is not None
            screen_view(s, principal=principal, period="year")
            s.commit()
    return counter[0] - before


def steady(engine, tokens: list[str], counter: list[int], *, cached: bool) -> float:  # type: ignore[no-untyped-def]
    if not cached:
        return float(minute(engine, tokens, counter, cached=False))
    for token in tokens:  # the checks have just expired
        cache.delete(accounts._check_key(token))
    expired = minute(engine, tokens, counter, cached=True)
    held = minute(engine, tokens, counter, cached=True)
    return (expired + held) / 2


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--screens", type=int, default=50)
    args = ap.parse_args()
    if cache.client() is None:
        print("no EAP_REDIS_URL: nothing to measure")
        return 1
    cache.client().ping()
    seeded = seeded_province(TMP / "load.db", project_code="2026-360102-47-01-999998")
    engine = seeded.engine
    counter = [0]

    @event.listens_for(engine, "before_cursor_execute")
    def _count(*_args: object) -> None:
        counter[0] += 1

    tokens = leaders(engine, args.screens)
    minute(engine, tokens[:1], counter, cached=True)  # warm: the first snapshot, the caches
    results = {}
    for cached in (True, False):
        if not cached:
            settings = get_settings()
            url, settings.redis_url = settings.redis_url, None  # no shared cache at all
        one = steady(engine, tokens[:1], counter, cached=cached)
        many = steady(engine, tokens, counter, cached=cached)
        results[cached] = many / one
        label = "shared cache" if cached else "no cache    "
        print(
            f"{label}: {one:7.1f} statements a minute with 1 screen, "
            f"{many:7.1f} with {args.screens}: {many / one:.2f}x"
        )
        if not cached:
            settings.redis_url = url
    ok = results[True] <= 1.2
    print(f"target with the shared cache <= 1.2x: {'PASS' if ok else 'FAIL'}")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
