"""Item-case transitions per second through intake -> approval -> stage closure, on SQLite.

Side by side, in the same run:
  ours   the EAP engine's services, one commit per user action;
  spiff  SpiffWorkflow running an equivalent BPMN process (four stages, parallel items, each
         item's receive/accept/start/approve as tasks) serialised and stored after every step;
  floor  plain sqlite3: per transition one UPDATE of the case row and one INSERT of a history
         row, committed;
  floor through SQLAlchemy: the same two statements and commit issued through a Session, to
         show what the mandated toolkit costs before any domain work.
Ours and the floors alternate over several rounds (fresh projects each round) so that
machine noise falls on both; prints every round and the median round's figures and ratios.
Ours drives the services with one session and a commit per user action; one more round gives
every action its own session, as web requests have, for reference.
SpiffWorkflow runs once, on the first round's shapes. Target: ours >= 0.2 x floor.

Usage: python -m bench.engine_throughput [--projects N] [--rounds R]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="eap-bench-"))
os.environ["EAP_DATABASE_URL"] = f"sqlite:///{TMP / 'engine.db'}"
os.environ["EAP_UPLOAD_DIR"] = str(TMP / "files")

from sqlalchemy import (
    bindparam,  # noqa: E402
    select as sa_select,  # noqa: E402
)
from sqlmodel import Session, col, func, select  # noqa: E402

from eap.db import get_engine  # noqa: E402
from eap.demo.seed import seed_demo  # noqa: E402
from eap.migrate import upgrade  # noqa: E402
from eap.models import (  # noqa: E402
    CaseEvent,
    Company,
    ItemCase,
    LibraryMaterial,
    Material,
    Project,
    User,
)
from eap.services.approval import filing, handling, intake, results
from eap.services.core import files
from eap.services.core.clock import CHINA_TZ  # noqa: E402
from eap.services.core.principal import Principal  # noqa: E402

LEAD = {1: "fgw", 2: "zrzy", 3: "zj", 4: "zj"}


def setup(n_projects: int) -> tuple[list[int], dict[int, Principal], Principal, Principal]:
    upgrade(os.environ["EAP_DATABASE_URL"])
    engine = get_engine()
    with Session(engine) as s:
        seed_demo(s, companies=5)
        s.commit()
        company = s.exec(select(Company).where(Company.region_code.startswith("3601"))).first()
        owner_user = s.exec(select(User).where(User.username == "qiye001")).one()
        owner_user.company_id, owner_user.region_code = company.id, company.region_code
        s.add(owner_user)
        owner = Principal.of(owner_user)
        # Everything in the company's material library: timing excludes file storage.
        for mat in s.exec(select(Material)):
            f = files.store_file(
                s,
                principal=owner,
                filename=f"{mat.code}.pdf",
                content=b"%PDF-1.4 bench " + mat.code.encode(),
            )
            s.add(LibraryMaterial(company_id=company.id, material_id=mat.id, file_id=f.id))
        from eap.models.projects import ProjectCreate
        from eap.services.hall import projects

        pids = []
        for i in range(n_projects):
            p = projects.register_project(
                s,
                principal=owner,
                data=ProjectCreate(
                    project_code=f"2026-360102-47-01-{i + 1:06d}",
                    name=f"基准项目{i}",
                    location="南昌市东湖区",
                    region_code="360102",
                    total_investment=1000,
                    process_type=1,
                ),
            )
            pids.append(p.id)
        staff = {}
        for u in s.exec(
            select(User).where(
                User.region_code == "360100", User.role == "approver", col(User.is_head).is_(False)
            )
        ):
            staff[u.department_id] = Principal.of(u)
        window = Principal.of(s.exec(select(User).where(User.username == "nc_window")).one())
        s.commit()
    return pids, staff, window, owner


_CASES = ItemCase.__table__  # type: ignore[attr-defined]
_WORKLIST = (
    sa_select(_CASES.c.id, _CASES.c.department_id, _CASES.c.status, _CASES.c.waiting_on)
    .where(_CASES.c.stage_case_id == bindparam("stage_case_id"))
    .order_by(_CASES.c.id)
)


def worklist(s: Session, stage_case_id: int) -> list[tuple[int, int, int, str]]:
    """What the driver needs to pick the next case: (id, department, BLZT, waiting on)."""
    rows = s.connection().execute(_WORKLIST, {"stage_case_id": stage_case_id})
    return [tuple(r) for r in rows]  # type: ignore[misc]


def run_ours(
    pids: list[int],
    staff: dict[int, Principal],
    window: Principal,
    owner: Principal,
    *,
    fresh_sessions: bool = False,
) -> tuple[int, float, list[list[int]]]:
    """Drive the projects through all four stages, one commit per user action; with
    ``fresh_sessions`` every action gets its own session, as a web request does."""
    engine = get_engine()
    shapes: list[list[int]] = []
    day = dt.datetime(2026, 3, 2, 10, tzinfo=CHINA_TZ)
    with Session(engine) as s:
        before = s.exec(
            select(func.count()).select_from(CaseEvent).where(col(CaseEvent.status).is_not(None))
        ).one()
    t0 = time.perf_counter()
    with Session(engine, expire_on_commit=False) as shared:

        def act(service, **kwargs):  # type: ignore[no-untyped-def]
            if not fresh_sessions:
                result = service(shared, **kwargs)
                shared.commit()
                return result
            with Session(engine, expire_on_commit=False) as s:
                result = service(s, **kwargs)
                s.commit()
                return result

        def look(stage_case_id: int) -> list[tuple[int, int, int, str]]:
            if not fresh_sessions:
                return worklist(shared, stage_case_id)
            with Session(engine) as s:
                return worklist(s, stage_case_id)

        for pid in pids:
            shape = []
            for stage in (1, 2, 3, 4):
                sc = act(
                    filing.submit_stage_application,
                    principal=owner,
                    project_id=pid,
                    stage_code=stage,
                    now=day,
                )
                act(intake.receive_case, principal=window, stage_case_id=sc.id, now=day)
                act(intake.accept_case, principal=window, stage_case_id=sc.id, now=day)
                shape.append(len(look(sc.id)))
                # Rounds until nothing is left to handle: items waiting on a prerequisite
                # start by themselves once it is approved, and are handled in the next round.
                while ready := [
                    (cid, dept)
                    for cid, dept, status, waiting_on in look(sc.id)
                    if status < 11 and not waiting_on
                ]:
                    for case_id, dept in ready:
                        who = staff[dept]
                        act(handling.start_handling, principal=who, item_case_id=case_id, now=day)
                        act(
                            handling.decide,
                            principal=who,
                            item_case_id=case_id,
                            outcome="approve",
                            opinion="同意",
                            now=day,
                        )
                lead = next(p for d, p in staff.items() if d == sc.lead_department_id)
                act(results.close_stage, principal=lead, stage_case_id=sc.id, now=day)
                day += dt.timedelta(days=1)
            shapes.append(shape)
    elapsed = time.perf_counter() - t0
    with Session(engine) as s:
        after = s.exec(
            select(func.count()).select_from(CaseEvent).where(col(CaseEvent.status).is_not(None))
        ).one()
        assert s.exec(
            select(func.count())
            .select_from(Project)
            .where(col(Project.id).in_(pids), col(Project.completed_at).is_not(None))
        ).one() == len(pids)
    return after - before, elapsed, shapes


def bpmn_for(shape: list[int]) -> str:
    parts = [
        '<?xml version="1.0" encoding="UTF-8"?><bpmn:definitions '
        'xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d" '
        'targetNamespace="http://eap.example/bpmn"><bpmn:process id="approval" '
        'isExecutable="true"><bpmn:startEvent id="start"/>'
    ]
    counter = iter(range(10**6))

    def flow(a: str, b: str) -> None:
        parts.append(f'<bpmn:sequenceFlow id="f{next(counter)}" sourceRef="{a}" targetRef="{b}"/>')

    prev = "start"
    for s, k in enumerate(shape, start=1):
        parts.append(f'<bpmn:parallelGateway id="split{s}"/><bpmn:parallelGateway id="join{s}"/>')
        flow(prev, f"split{s}")
        for i in range(k):
            chain = [f"s{s}i{i}{step}" for step in ("receive", "accept", "start", "approve")]
            for tid in chain:
                parts.append(f'<bpmn:userTask id="{tid}"/>')
            flow(f"split{s}", chain[0])
            for a, b in zip(chain, chain[1:], strict=False):
                flow(a, b)
            flow(chain[-1], f"join{s}")
        parts.append(f'<bpmn:userTask id="close{s}"/>')
        flow(f"join{s}", f"close{s}")
        prev = f"close{s}"
    parts.append('<bpmn:endEvent id="end"/>')
    flow(prev, "end")
    parts.append("</bpmn:process></bpmn:definitions>")
    return "".join(parts)


def run_spiff(shapes: list[list[int]]) -> tuple[int, float]:
    from SpiffWorkflow.bpmn import BpmnWorkflow
    from SpiffWorkflow.bpmn.parser import BpmnParser
    from SpiffWorkflow.bpmn.serializer import BpmnWorkflowSerializer
    from SpiffWorkflow.util.task import TaskState

    db = sqlite3.connect(TMP / "spiff.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE workflow (id INTEGER PRIMARY KEY, state TEXT)")
    serializer = BpmnWorkflowSerializer()
    specs = {}
    transitions = 0
    t0 = time.perf_counter()
    for n, shape in enumerate(shapes):
        key = tuple(shape)
        if key not in specs:
            parser = BpmnParser()
            parser.add_bpmn_str(bpmn_for(shape).encode())
            specs[key] = parser.get_spec("approval")
        wf = BpmnWorkflow(specs[key])
        wf.do_engine_steps()
        db.execute("INSERT INTO workflow VALUES (?, ?)", (n, serializer.serialize_json(wf)))
        db.commit()
        while not wf.is_completed():
            ready = [t for t in wf.get_tasks(state=TaskState.READY) if t.task_spec.manual]
            if not ready:
                break
            ready[0].run()
            wf.do_engine_steps()
            if not ready[0].task_spec.name.startswith("close"):
                transitions += 1
            db.execute(
                "UPDATE workflow SET state = ? WHERE id = ?", (serializer.serialize_json(wf), n)
            )
            db.commit()
        assert wf.is_completed()
    elapsed = time.perf_counter() - t0
    db.close()
    return transitions, elapsed


def run_floor(transitions: int, name: str = "floor") -> float:
    db = sqlite3.connect(TMP / f"{name}.db")
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=FULL")
    db.execute("CREATE TABLE itemcase (id INTEGER PRIMARY KEY, status INT, version INT)")
    db.execute(
        "CREATE TABLE history (id INTEGER PRIMARY KEY, case_id INT, status INT, "
        "opinion TEXT, at TEXT)"
    )
    cases = max(1, transitions // 4)
    db.executemany("INSERT INTO itemcase VALUES (?, 0, 1)", [(i,) for i in range(cases)])
    db.commit()
    t0 = time.perf_counter()
    for n in range(transitions):
        cid = n % cases
        db.execute(
            "UPDATE itemcase SET status = ?, version = version + 1 WHERE id = ?", (n % 15, cid)
        )
        db.execute(
            "INSERT INTO history (case_id, status, opinion, at) VALUES (?, ?, ?, ?)",
            (cid, n % 15, "同意", dt.datetime.now(dt.UTC).isoformat()),
        )
        db.commit()
    elapsed = time.perf_counter() - t0
    db.close()
    return elapsed


def run_orm_floor(transitions: int, name: str = "orm_floor") -> float:
    """The floor's exact work (one UPDATE, one INSERT, commit) issued through SQLAlchemy Core
    on a Session, as our services must (SQLModel is the stack): what the toolkit alone costs."""
    from sqlalchemy import (
        Column,
        Integer,
        MetaData,
        String,
        Table,
        create_engine,
        event,
        insert as sa_insert,
        update as sa_update,
    )

    eng = create_engine(f"sqlite:///{TMP / f'{name}.db'}")

    @event.listens_for(eng, "connect")
    def _pragmas(dbapi_conn, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_conn.execute("PRAGMA journal_mode=WAL")
        dbapi_conn.execute("PRAGMA synchronous=FULL")

    md = MetaData()
    case = Table(
        "itemcase",
        md,
        Column("id", Integer, primary_key=True),
        Column("status", Integer),
        Column("version", Integer),
    )
    history = Table(
        "history",
        md,
        Column("id", Integer, primary_key=True),
        Column("case_id", Integer),
        Column("status", Integer),
        Column("opinion", String),
        Column("at", String),
    )
    md.create_all(eng)
    cases = max(1, transitions // 4)
    with eng.begin() as conn:
        conn.execute(sa_insert(case), [{"id": i, "status": 0, "version": 1} for i in range(cases)])
    t0 = time.perf_counter()
    with Session(eng) as s:
        for n in range(transitions):
            cid = n % cases
            s.execute(
                sa_update(case)
                .where(case.c.id == cid)
                .values(status=n % 15, version=case.c.version + 1)
            )
            s.execute(
                sa_insert(history).values(
                    case_id=cid,
                    status=n % 15,
                    opinion="同意",
                    at=dt.datetime.now(dt.UTC).isoformat(),
                )
            )
            s.commit()
    elapsed = time.perf_counter() - t0
    eng.dispose()
    return elapsed


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--projects", type=int, default=20)
    ap.add_argument("--rounds", type=int, default=3)
    args = ap.parse_args()
    warm = 2
    pids, staff, window, owner = setup(args.projects * (args.rounds + 1) + warm)
    # A short uncounted warm-up: SQLAlchemy compiles each statement once per process, which
    # is start-up cost, not throughput.
    run_ours(pids[-warm:], staff, window, owner)
    pids = pids[:-warm]
    # Ours and the floors take turns, round after round, so a busy moment of the machine falls
    # on both sides; the verdict is the median round.
    rounds = []
    shapes: list[list[int]] = []
    for r in range(args.rounds):
        chunk = pids[r * args.projects : (r + 1) * args.projects]
        n_ours, t_ours, round_shapes = run_ours(chunk, staff, window, owner)
        shapes = shapes or round_shapes
        t_floor = run_floor(n_ours, name=f"floor{r}")
        t_orm_floor = run_orm_floor(n_ours, name=f"orm_floor{r}")
        ours, floor, orm_floor = n_ours / t_ours, n_ours / t_floor, n_ours / t_orm_floor
        rounds.append((ours / floor, ours, floor, orm_floor))
        print(
            f"round {r + 1}: {n_ours} item transitions  ours {ours:8.1f}/s  floor {floor:8.1f}/s  "
            f"floor through SQLAlchemy {orm_floor:8.1f}/s  ours/floor {ours / floor:.3f}"
        )
    # The same work with a fresh session for every action, as web requests have (nothing
    # memoised across actions): shown for reference beside the median round's floor.
    fresh_pids = pids[args.rounds * args.projects :]
    n_fresh, t_fresh, _ = run_ours(fresh_pids, staff, window, owner, fresh_sessions=True)
    n_spiff, t_spiff = run_spiff(shapes)
    ratio, ours, floor, orm_floor = sorted(rounds)[len(rounds) // 2]
    fresh = n_fresh / t_fresh
    spiff = n_spiff / t_spiff
    print(f"projects per round: {args.projects}  rounds: {args.rounds}  (median round below)")
    print(f"ours : {ours:10.1f} transitions/s")
    print(
        f"ours, a fresh session per action: {fresh:10.1f} transitions/s  "
        f"(/ floor = {fresh / floor:.3f})"
    )
    print(f"spiff: {spiff:10.1f} transitions/s  ({n_spiff} transitions, {t_spiff:.2f} s)")
    print(f"floor: {floor:10.1f} transitions/s")
    print(f"floor through SQLAlchemy: {orm_floor:10.1f} transitions/s")
    print(f"ours / spiff = {ours / spiff:.2f}")
    print(f"SQLAlchemy floor / floor = {orm_floor / floor:.3f}  (the toolkit's own share)")
    print(f"ours / SQLAlchemy floor = {ours / orm_floor:.3f}")
    print(f"ours / floor = {ratio:.3f}  (target >= 0.200: {'met' if ratio >= 0.2 else 'NOT met'})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
