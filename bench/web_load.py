"""Users over the real WebSocket (issue 19 item 3): ``python -m bench.web_load``.

Starts the app's backend (production mode, page state in Redis, data in a scratch PostgreSQL
database seeded with the demo province) on 127.0.0.1 and drives it with simulated users that
speak Reflex's own socket.io protocol, sending what a browser sends: each signs in through the
sign-in page's event (the handoff code redeemed at /auth/enter, the session cookie on a new
socket, as a browser does), then loops: open the hall from the menu (Reflex's on-load event of
the new page; every tenth time a reload instead, which hydrates the whole state), open the one
form, choose a project and save the draft. Prints p50/p95/p99 and events/s for 1, 50 and 200
sessions on 1 worker and on 2 workers — people pausing before each action as people do,
reading what the last one showed (``EAP_BENCH_THINK_SECONDS``, 5 s on average), and 200
sessions acting back to back for the capacity — and the p95 of 20 ordinary users (1 s pauses)
with and without one supervisor loading the city rankings and exporting Excel back to back,
against the targets:

- p95 at 200 sessions ≤ 3 × the single session's p95 (2 workers);
- 2 workers ≥ 1.6 × the events/s of 1 worker, 200 sessions without pauses;
- ordinary users' p95 with the heavy supervisor ≤ 1.5 × without (2 workers).

Beside each busy phase it prints where the machine's processor time went (the web workers,
PostgreSQL, Redis, this load generator, idle): everything runs on one machine here, so a phase
that leaves no processor idle measures the machine's capacity, not a stall in the app.

The machine's pace (a fixed piece of pure-Python work, best of three, timed before each phase
on the quiet machine) is printed beside each phase as a multiple of the run's first: a shared
virtual machine's speed can change severalfold within minutes, and the p95 ratio compares two
phases, so the verdict says when they ran at different paces. ``EAP_BENCH_LOGLEVEL=debug`` (with
``REFLEX_STATE_MANAGER_REDIS_DEBUG=1``) keeps the backend's lock trace in ``var/bench-web-N.log``.

Bounded: every phase stops after its time or its rounds, whichever comes first; localhost only.
PostgreSQL is reached over its local socket when it has one (as an install on one machine
connects), else over TCP. Set ``EAP_PG_ADMIN_URL`` / ``EAP_BENCH_REDIS_URL`` for other servers.
"""

from __future__ import annotations

import asyncio
import json
import os
import random
import re
import signal
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import socketio

ROOT = Path(__file__).resolve().parents[1]
PG_SOCKET = Path("/var/run/postgresql/.s.PGSQL.5432")
PG_ADMIN = os.environ.get(
    "EAP_PG_ADMIN_URL",
    "postgresql://postgres@/postgres?host=/var/run/postgresql"
    if PG_SOCKET.exists()
    else "postgresql://postgres@127.0.0.1:5432/postgres",
)
REDIS = os.environ.get("EAP_BENCH_REDIS_URL", "redis://127.0.0.1:6379/8")
PASSWORD = "Demo@2026"
PHASE_SECONDS = float(os.environ.get("EAP_BENCH_SECONDS", "20"))
# a person's pause between two actions (reading the page), in seconds on average
THINK = float(os.environ.get("EAP_BENCH_THINK_SECONDS", "5"))
NAMESPACE = "/_event"  # Reflex's socket.io namespace (and path)
HANDOFF = re.compile(r"code=([A-Za-z0-9_\-]+)")


def _names() -> dict[str, str]:
    """Full event names, from the state classes themselves (as the compiled page has them)."""
    from reflex.state import OnLoadInternalState, State

    from eap.state.core.login import LoginState
    from eap.state.hall.apply import ApplyState
    from eap.state.supervision.board import SupervisionState

    return {
        "page": f"{State.get_full_name()}.hydrate_and_load",
        "navigate": f"{OnLoadInternalState.get_full_name()}.on_load_internal",
        "login": f"{LoginState.get_full_name()}.submit",
        "choose": f"{ApplyState.get_full_name()}.set_project",
        "save": f"{ApplyState.get_full_name()}.save_draft",
        "rankings": f"{SupervisionState.get_full_name()}.load_rankings",
        "export": f"{SupervisionState.get_full_name()}.export_kpis",
    }


@dataclass
class Sample:
    latencies: list[float] = field(default_factory=list)
    by_action: dict[str, list[float]] = field(default_factory=dict)
    started: float = field(default_factory=time.perf_counter)
    ended: float = 0.0
    events: int = 0  # events the tabs sent while the clock ran

    def figures(self) -> dict[str, float]:
        if not self.latencies:
            return {"n": 0, "p50": 0.0, "p95": 0.0, "p99": 0.0, "eps": 0.0}
        q = statistics.quantiles(self.latencies, n=100, method="inclusive")
        span = (self.ended or time.perf_counter()) - self.started
        return {
            "n": len(self.latencies),
            "p50": q[49] * 1000,
            "p95": q[94] * 1000,
            "p99": q[98] * 1000,
            "eps": self.events / span,
        } | {
            f"p95 {name}": statistics.quantiles(took, n=20, method="inclusive")[18] * 1000
            for name, took in self.by_action.items()
            if len(took) > 1
        }


class PageClient:
    """One browser tab: a socket.io connection to /_event carrying the tab's token, events sent
    as the page sends them, the server's updates read until the event's final one. Backend
    events a handler returns (an on-load chain) are sent on, as the page does; frontend ones
    (call_script, redirect, download) are collected."""

    def __init__(self, base: str, names: dict[str, str]) -> None:
        self.base, self.names = base, names
        self.token = str(uuid.uuid4())
        self.cookie = ""
        self.path = "/login"
        self.sio: socketio.AsyncClient | None = None
        self.sent = 0
        self.updates: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def connect(self) -> None:
        if self.sio is not None:
            await self.sio.disconnect()
        self.sio = socketio.AsyncClient(reconnection=False)
        self.sio.on("event", self._on_update, namespace=NAMESPACE)
        headers = {"Cookie": self.cookie} if self.cookie else {}
        await self.sio.connect(
            f"{self.base}?token={self.token}",
            socketio_path="/_event",
            transports=["websocket"],
            headers=headers,
            namespaces=[NAMESPACE],
            wait_timeout=30,
        )

    async def _on_update(self, data: Any) -> None:
        await self.updates.put(json.loads(data) if isinstance(data, str) else data)

    async def call(
        self, name: str, payload: dict[str, Any] | None = None, *, until: str = ""
    ) -> list[dict]:
        """Send one event; wait for its answer — the first update, or the first whose delta
        names the var ``until`` (a background handler's result, a page's ``is_hydrated``
        after its on-load chain, which the server runs itself), or with ``until="events"``
        the first that asks the page to do something (a script, a download). The frontend events asked
        for (call_script, redirect, download) are returned."""
        assert self.sio is not None
        while not self.updates.empty():  # nothing left over from an earlier event
            self.updates.get_nowait()
        event = {"name": name, "payload": payload or {}}
        event["router_data"] = {"pathname": self.path, "asPath": self.path}
        await self.sio.emit("event", event, namespace=NAMESPACE)
        self.sent += 1
        frontend: list[dict] = []
        while True:
            update = await asyncio.wait_for(
                self.updates.get(), timeout=float(os.environ.get("EAP_BENCH_EVENT_TIMEOUT", "120"))
            )
            frontend += [e for e in update.get("events") or [] if e.get("name", "")]
            if (
                not until
                or (until == "events" and frontend)
                or _names_var(update.get("delta") or {}, until)
            ):
                return frontend

    async def open_page(self, path: str) -> None:
        """A page loaded afresh (a new tab, a reload): the whole state hydrated, then the
        page's on-load chain."""
        self.path = path
        await self.call(self.names["page"], until="is_hydrated_rx_state_=true")

    async def navigate(self, path: str) -> None:
        """A click on a link inside the app: the browser keeps its state and sends only the
        new page's on-load chain (Reflex's ``onLoadInternalEvent``)."""
        self.path = path
        await self.call(self.names["navigate"], until="is_hydrated_rx_state_=true")

    async def sign_in(self, username: str) -> None:
        await self.connect()
        await self.open_page("/login")
        form = {"username": username, "password": PASSWORD}
        scripts = await self.call(self.names["login"], {"form": form}, until="events")
        code = next(
            (m.group(1) for e in scripts if (m := HANDOFF.search(json.dumps(e["payload"])))),
            None,
        )
        if code is None:
            raise RuntimeError(f"{username} was not signed in: {scripts}")
        async with httpx.AsyncClient(base_url=self.base) as http:
            answer = await http.post("/auth/enter", data={"code": code})
            answer.raise_for_status()
            self.cookie = f"eap_session={answer.cookies['eap_session']}"
        await self.connect()  # the next page's socket carries the session, as a browser's

    async def close(self) -> None:
        if self.sio is not None:
            await self.sio.disconnect()


def _names_var(delta: dict[str, Any], var: str) -> bool:
    """The delta sets ``var`` (``name=value``: to that JSON value)."""
    name, _, wanted = var.partition("=")
    for values in delta.values():
        if (
            isinstance(values, dict)
            and name in values
            and (not wanted or json.dumps(values[name]) == wanted)
        ):
            return True
    return False


@dataclass(frozen=True)
class Applicant:
    username: str
    project_id: int


async def signed_in(base: str, names: dict[str, str], username: str, page: str) -> PageClient:
    tab = PageClient(base, names)
    await tab.sign_in(username)
    await tab.open_page(page)
    return tab


ACTIONS = ("hall", "form", "choose", "save")


async def ordinary_user(
    tab: PageClient, who: Applicant, sample: Sample, until: float, rounds: int, think: float
) -> None:
    """Opens the hall from the menu (every tenth time reloading the page instead), opens the
    one form, chooses the project and saves a draft of it, timing each action; with ``think``,
    pausing before every action as a person does, reading the page the last one showed
    (0.4–1.6 × think seconds). The first round is not counted: it is each tab's first visit to
    each page, and with pauses every tab makes it at the same moment (all start together),
    a burst of first visits no steady use has; the single session's first round is left out
    alike."""
    pause = random.Random(tab.token)
    for done in range(rounds):
        for action in range(4):
            if time.perf_counter() > until:
                return
            if think:
                await asyncio.sleep(think * pause.uniform(0.4, 1.6))
            started = time.perf_counter()
            if action == 0:
                await (tab.open_page if done % 10 == 9 else tab.navigate)("/hall")
            elif action == 1:
                await tab.navigate("/hall/apply")
            elif action == 2:
                await tab.call(tab.names["choose"], {"value": str(who.project_id)})
            else:
                await tab.call(tab.names["save"])
            took = time.perf_counter() - started
            if done == 0:
                continue
            sample.latencies.append(took)
            sample.by_action.setdefault(ACTIONS[action], []).append(took)


async def heavy_supervisor(tab: PageClient, until: float, stop: asyncio.Event) -> None:
    """The provincial supervisor: city rankings and an Excel export, back to back."""
    while time.perf_counter() < until and not stop.is_set():
        # finished when the page's buttons stop waiting (the same figures again are not re-sent)
        await tab.call(tab.names["rankings"], until="computing_rx_state_=false")
        await tab.call(tab.names["export"], until="events")


async def _sign_in_all(
    base: str, names: dict[str, str], wanted: list[tuple[str, str]]
) -> list[PageClient | BaseException]:
    """Everyone signs in before the clock starts, twenty at a time (a sign-in storm is not
    what this measures)."""
    gate = asyncio.Semaphore(20)

    async def one(username: str, page: str) -> PageClient:
        async with gate:
            return await signed_in(base, names, username, page)

    return await asyncio.gather(*(one(u, p) for u, p in wanted), return_exceptions=True)


async def phase(
    base: str,
    names: dict[str, str],
    people: list[Applicant],
    sessions: int,
    *,
    rounds: int,
    think: float = 0.0,
    supervisor: bool = False,
) -> tuple[dict[str, float], int, str]:
    who = [people[i % len(people)] for i in range(sessions)]
    wanted = [(p.username, "/hall/apply") for p in who]
    if supervisor:
        wanted.append(("sheng_duban", "/supervision"))
    tabs = await _sign_in_all(base, names, wanted)
    failures = [t for t in tabs if isinstance(t, BaseException)]
    sample = Sample()
    # with pauses, the uncounted first round (four pauses, 5 × think on average) comes first
    until = time.perf_counter() + PHASE_SECONDS + 4 * think
    stop = asyncio.Event()
    users = [
        ordinary_user(tab, person, sample, until, rounds, think)
        for tab, person in zip(tabs, who, strict=False)
        if isinstance(tab, PageClient)
    ]
    heavy = []
    if supervisor and isinstance(tabs[-1], PageClient):
        heavy = [heavy_supervisor(tabs[-1], until, stop)]
    sample.started = time.perf_counter()
    processor = _processor()
    running = asyncio.gather(*users, return_exceptions=True)
    boss = asyncio.gather(*heavy, return_exceptions=True)
    before = sum(t.sent for t in tabs if isinstance(t, PageClient))
    results = await running
    sample.ended = time.perf_counter()
    share = _share(processor, _processor(), sample.ended - sample.started)
    sample.events = sum(t.sent for t in tabs if isinstance(t, PageClient)) - before
    stop.set()
    results += await boss
    failures += [r for r in results if isinstance(r, BaseException)]
    await asyncio.gather(
        *(t.close() for t in tabs if isinstance(t, PageClient)), return_exceptions=True
    )
    if failures:
        print(f"  {len(failures)} session(s) failed, first: {failures[0]!r}", file=sys.stderr)
    return sample.figures(), len(failures), share


# --- where the processor time went ---------------------------------------------------------

_TICK = os.sysconf("SC_CLK_TCK")
_WORKERS: dict[str, int] = {}  # the running backend's process group


def _processor() -> dict[str, float]:
    """Processor seconds so far: the machine's idle time, and what the web workers,
    PostgreSQL, Redis and this load generator used (Linux /proc)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    used = {"idle": (int(fields[3]) + int(fields[4])) / _TICK}
    group = _WORKERS.get("group")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name, _, rest = (entry / "stat").read_text().rpartition(")")
            stat = rest.split()
        except OSError:  # ended meanwhile
            continue
        comm = name.partition("(")[2]
        kind = (
            "workers"
            if group is not None and int(stat[2]) == group
            else "load generator"
            if int(entry.name) == os.getpid()
            else "PostgreSQL"
            if comm.startswith("postgres")
            else "Redis"
            if comm.startswith("redis")
            else ""
        )
        if kind:
            used[kind] = used.get(kind, 0.0) + (int(stat[11]) + int(stat[12])) / _TICK
    return used


def _pace() -> float:
    """Seconds a fixed piece of pure-Python work takes now, the best of three (the machine's
    speed for one thread, with the least of whatever else is running)."""
    best = float("inf")
    for _ in range(3):
        started = time.perf_counter()
        total = 0
        for i in range(200_000):
            total += i * i % 7
        json.dumps([{"k": i, "v": str(i)} for i in range(5_000)])
        best = min(best, time.perf_counter() - started)
    return best


_PACE: dict[str, float] = {}  # the run's first pace, the unit of the others


def _share(before: dict[str, float], after: dict[str, float], seconds: float) -> str:
    order = ("workers", "PostgreSQL", "Redis", "load generator", "idle")
    parts = [
        f"{kind} {100 * (after.get(kind, 0.0) - before.get(kind, 0.0)) / seconds:.0f}%"
        for kind in order
    ]
    return f"processor (% of one core, {os.cpu_count()} cores): " + " · ".join(parts)


# --- the deployment under test --------------------------------------------------------------


def _admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN, autocommit=True, connect_timeout=5) as conn:
        conn.execute(sql)


def prepare_database() -> tuple[str, list[Applicant]]:
    name = "eap_bench_web"
    from sqlalchemy.engine import make_url

    admin = make_url(PG_ADMIN)
    url = admin.set(drivername="postgresql+psycopg", database=name).render_as_string(False)
    env = _env(url)
    reuse = os.environ.get("EAP_BENCH_REUSE_DB") == "1"  # the last run's seeded province
    if not reuse:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        _admin(f'CREATE DATABASE "{name}"')
    for args in (
        ()
        if reuse
        else (["db", "upgrade"], ["seed", "demo", "--companies", "60", "--projects", "80"])
    ):
        done = subprocess.run(
            [sys.executable, "-m", "eap", *args],
            cwd=ROOT,
            env=env,
            capture_output=True,
            text=True,
            timeout=1200,
        )
        if done.returncode:
            raise RuntimeError(f"eap {' '.join(args)} failed:\n{done.stderr[-2000:]}")
    from sqlmodel import Session, col, select

    from eap.db import make_engine
    from eap.models import Project, User

    engine = make_engine(url)
    with Session(engine) as s:
        rows = s.exec(
            select(User.username, Project.id)
            .join(Project, col(Project.company_id) == col(User.company_id))
            # the demo's applicants who sign in with its shared password (qiye001…qiye020;
            # the simulator's company accounts have passwords of their own)
            .where(User.role == "applicant", col(User.username).like("qiye%"))
            .order_by(col(Project.id))
        ).all()
    engine.dispose()
    seen: dict[str, int] = {}
    for username, project_id in rows:
        seen.setdefault(username, int(project_id or 0))
    return url, [Applicant(u, p) for u, p in seen.items()]


def _env(database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "EAP_DATABASE_URL": database_url,
        "EAP_DATA_KEY": KEY,
        "EAP_ENV": "development",  # the demo accounts sign in
        "REFLEX_REDIS_URL": REDIS,
        "EAP_REDIS_URL": REDIS,
        "REFLEX_USE_NPM": "1",
        "REFLEX_TELEMETRY_ENABLED": "0",
        "REFLEX_CHECK_LATEST_VERSION": "0",
        "PYTHONUNBUFFERED": "1",
    }


# the scratch database's data key: fixed, so a seeded database can be reused (EAP_BENCH_REUSE_DB)
KEY = "be" * 32


@contextmanager
def backend(database_url: str, workers: int) -> Iterator[str]:
    import redis

    redis.Redis.from_url(REDIS).flushdb()
    port = _free_port()
    env = {**_env(database_url), "GRANIAN_WORKERS": str(workers)}
    log = (ROOT / "var" / f"bench-web-{workers}.log").open("w")
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "reflex",
            "run",
            "--env",
            "prod",
            "--backend-only",
            "--backend-port",
            str(port),
            "--loglevel",
            os.environ.get("EAP_BENCH_LOGLEVEL", "warning"),
        ],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    _WORKERS["group"] = proc.pid  # the workers are the new session's processes
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 300
        while time.time() < deadline:
            if proc.poll() is not None:
                raise RuntimeError(f"the backend exited: see {log.name}")
            try:
                if httpx.get(base + "/healthz", timeout=2).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            time.sleep(1)
        else:
            raise RuntimeError("the backend did not start")
        yield base
    finally:
        try:
            os.killpg(proc.pid, signal.SIGTERM)
            proc.wait(timeout=10)
        except (subprocess.TimeoutExpired, ProcessLookupError):
            os.killpg(proc.pid, signal.SIGKILL)
        log.close()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _line(label: str, figures: dict[str, float], failed: int, share: str = "") -> None:
    print(
        f"  {label:<36} n={figures['n']:>5.0f}  p50={figures['p50']:>7.1f} ms  "
        f"p95={figures['p95']:>7.1f} ms  p99={figures['p99']:>7.1f} ms  "
        f"{figures['eps']:>6.1f} events/s  pace {figures.get('pace', 1.0):.2f}×"
        + (f"  FAILED SESSIONS {failed}" if failed else "")
    )
    by_action = [f"{k[4:]} {v:.0f}" for k, v in figures.items() if k.startswith("p95 ")]
    if by_action:
        print(f"  {'':<36} p95 by action (ms): " + " · ".join(by_action))
    if share:
        print(f"  {'':<36} {share}")


def _measured(
    label: str, base: str, names: dict[str, str], people: list[Applicant], sessions: int, **how: Any
) -> tuple[dict[str, float], int]:
    pace = _pace()
    first = _PACE.setdefault("first", pace)
    figures, failed, share = asyncio.run(phase(base, names, people, sessions, **how))
    figures["pace"] = pace / first
    _line(label, figures, failed, share if sessions > 1 else "")
    return figures, failed


def _pace_note(a: dict[str, float], b: dict[str, float]) -> str:
    """Said beside a verdict whose two phases ran at paces more than 1.3× apart."""
    ratio = b.get("pace", 1.0) / a.get("pace", 1.0)
    if 1 / 1.3 <= ratio <= 1.3:
        return ""
    return f" (the machine's pace differed {ratio:.2f}× between the two phases)"


def _verdict(text: str, ok: bool) -> bool:
    print(f"  {'ok  ' if ok else 'MISS'} {text}")
    return ok


def main() -> int:
    names = _names()
    print("web load: seeding a scratch PostgreSQL database with the demo province …")
    url, people = prepare_database()
    print(f"  {len(people)} applicant accounts with a project")
    results: dict[tuple[int, str], dict[str, float]] = {}
    failures = 0
    for workers in (1, 2):
        with backend(url, workers) as base:
            print(f"{workers} worker(s), page state in Redis:")
            # latency: people, pausing before each action as people do
            for sessions in (1, 50, 200):
                think = THINK if sessions > 1 else 0.0
                label = f"{sessions} session(s)" + (
                    f", ~{sessions / think:.0f} actions/s" if think else ", back to back"
                )
                figures, failed = _measured(
                    label, base, names, people, sessions, rounds=40, think=think
                )
                results[(workers, f"s{sessions}")] = figures
                failures += failed
            # capacity: 200 sessions acting back to back
            figures, failed = _measured(
                "200 sessions, no pause (capacity)", base, names, people, 200, rounds=40
            )
            results[(workers, "saturated")] = figures
            failures += failed
            if workers == 2:
                quiet, failed = _measured("20 users", base, names, people, 20, rounds=40, think=1)
                busy, failed_too = _measured(
                    "20 users + heavy supervisor",
                    base,
                    names,
                    people,
                    20,
                    rounds=40,
                    think=1,
                    supervisor=True,
                )
                failures += failed + failed_too
                results[(2, "quiet")], results[(2, "busy")] = quiet, busy
    print("targets:")
    ok = _verdict(f"every session signed in and finished ({failures} failed)", not failures)
    ok &= _verdict(
        f"p95 at 200 sessions {results[(2, 's200')]['p95']:.0f} ms ≤ 3 × single "
        f"{results[(2, 's1')]['p95']:.0f} ms"
        + _pace_note(results[(2, "s1")], results[(2, "s200")]),
        results[(2, "s200")]["p95"] <= 3 * results[(2, "s1")]["p95"],
    )
    ok &= _verdict(
        f"2 workers {results[(2, 'saturated')]['eps']:.1f} events/s ≥ 1.6 × 1 worker "
        f"{results[(1, 'saturated')]['eps']:.1f} (no pause)"
        + _pace_note(results[(1, "saturated")], results[(2, "saturated")]),
        results[(2, "saturated")]["eps"] >= 1.6 * results[(1, "saturated")]["eps"],
    )
    ok &= _verdict(
        f"users' p95 with the supervisor {results[(2, 'busy')]['p95']:.0f} ms ≤ 1.5 × without "
        f"{results[(2, 'quiet')]['p95']:.0f} ms"
        + _pace_note(results[(2, "quiet")], results[(2, "busy")]),
        results[(2, "busy")]["p95"] <= 1.5 * results[(2, "quiet")]["p95"],
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
