"""Operations command line: ``python -m eap …``."""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from pathlib import Path

from eap.cli.progress import progress
from eap.config import get_settings
from eap.errors import DomainError
from eap.i18n import t


def _lang() -> str:
    return get_settings().locale


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    from eap.migrate import upgrade

    upgrade(get_settings().database_url)
    print("database at head")
    return 0


def cmd_catalogue_load(_args: argparse.Namespace) -> int:
    from eap.db import session_scope
    from eap.services.admin.catalogue import load_all

    with session_scope() as session:
        counts = load_all(session)
    print(json.dumps(counts, ensure_ascii=False))
    return 0


def _step(text: str) -> None:
    """A long command says what it is doing (on stderr, so stdout stays its JSON result)."""
    print(text, file=sys.stderr, flush=True)


def cmd_seed_demo(args: argparse.Namespace) -> int:
    from eap.db import session_scope
    from eap.demo.seed import seed_demo

    _step("seed demo: catalogue, staff and companies")
    with session_scope() as session:
        counts = seed_demo(session, companies=args.companies, seed=args.seed)
    from sqlmodel import Session, func, select

    from eap.db import get_engine
    from eap.models import Project

    with Session(get_engine()) as session:
        existing = session.exec(select(func.count()).select_from(Project)).one()
    # Seeding again keeps the history that is there: simulate only into an empty province.
    if args.projects and not existing:
        from eap.demo.simulate import simulate

        with progress("seed demo: a year of history") as shown, session_scope() as session:
            counts["projects"] = simulate(
                session, projects_count=args.projects, seed=args.seed, on_progress=shown
            ).projects
        # 中介超市: purchases in every state, on the simulated projects
        from eap.demo.market import seed_market
        from eap.demo.seed import DEMO_PASSWORD, make_uscc

        _step("seed demo: the intermediary market")
        with session_scope() as session:
            market = seed_market(
                session, seed=args.seed, password=DEMO_PASSWORD, make_uscc=make_uscc
            )
            counts["market_purchases"] = market.get("purchases", 0)
        # The demo opens with its supervision already current: alerts, anomalies, KPIs.
        from eap.services.supervision import alerts as supervision, anomalies, kpi

        _step("seed demo: alerts and anomalies")
        with Session(get_engine()) as session:
            counts["alerts"] = sum(supervision.sweep_deadlines(session).new.values())
            counts["anomalies"] = sum(anomalies.detect(session, window_days=400).values())
        with progress("seed demo: KPI roll-ups") as shown, Session(get_engine()) as session:
            counts["kpi_rows"] = kpi.rebuild(session, on_progress=shown)["rows"]
        from eap.demo.hall_activity import seed_hall_activity

        _step("seed demo: service hall activity")
        with session_scope() as session:
            counts.update(seed_hall_activity(session, seed=args.seed))
    print(json.dumps(counts, ensure_ascii=False))
    return 0


def cmd_demo_simulate(args: argparse.Namespace) -> int:
    from eap.db import session_scope
    from eap.demo.simulate import simulate

    with progress("demo simulate") as shown, session_scope() as session:
        stats = simulate(session, projects_count=args.projects, seed=args.seed, on_progress=shown)
    print(json.dumps(stats.__dict__))
    return 0


def cmd_export_spgl(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from eap.db import get_engine
    from eap.services.exchange.spgl import export_jsonl

    with progress("export spgl") as shown, Session(get_engine()) as session:
        counts = export_jsonl(session, out_dir=Path(args.out), on_progress=shown)
    print(json.dumps(counts))
    return 0


def cmd_sweep(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from eap.db import get_engine
    from eap.services.supervision.alerts import sweep_deadlines

    at = None
    if args.at:
        try:
            at = dt.datetime.fromisoformat(args.at)
        except ValueError:
            raise DomainError("calendar.bad_date", line=1, text=args.at) from None
        if at.tzinfo is None:
            from eap.services.core.clock import CHINA_TZ

            at = at.replace(tzinfo=CHINA_TZ)
    with Session(get_engine()) as session:
        result = sweep_deadlines(session, now=at)
    print(json.dumps(result.__dict__))
    return 0


def cmd_kpi_rebuild(_args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from eap.db import get_engine
    from eap.services.supervision.kpi import rebuild

    with progress("kpi rebuild") as shown, Session(get_engine()) as session:
        print(json.dumps(rebuild(session, on_progress=shown)))
    return 0


def cmd_anomalies(_args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from eap.db import get_engine
    from eap.services.supervision.anomalies import detect

    with Session(get_engine()) as session:
        print(json.dumps(detect(session)))
    return 0


def cmd_scheduler(args: argparse.Namespace) -> int:
    import logging

    from eap import scheduler

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(name)s %(message)s")
    if args.once:
        out = {name: scheduler.run_job(name, fn) for name, (fn, _s) in scheduler.jobs().items()}
        print(json.dumps(out, default=str))
        return 0
    scheduler.serve()
    return 0


def cmd_calendar_import(args: argparse.Namespace) -> int:
    from eap.db import session_scope
    from eap.services.core.clock import import_year_file

    path = Path(args.file)
    if not path.is_file():
        raise DomainError("calendar.file_missing", path=str(path))
    with session_scope() as session:
        years = import_year_file(session, path=path)
    print("imported " + ",".join(map(str, years)))
    return 0


def cmd_calendar_due(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from eap.db import get_engine
    from eap.services.core.clock import WorkCalendar

    try:
        start = dt.date.fromisoformat(args.start)
    except ValueError:
        raise DomainError("calendar.bad_date", line=1, text=args.start) from None
    with Session(get_engine()) as session:
        cal = WorkCalendar.load(session)
    due = cal.add_working_days(start, args.n)
    print(due.day.isoformat())
    if due.provisional:
        print("provisional")
    return 0


def cmd_validate(args: argparse.Namespace) -> int:
    from eap.services.core import identifiers

    fn = {
        "project-code": identifiers.validate_project_code,
        "uscc": identifiers.validate_uscc,
        "id": identifiers.validate_id_number,
    }[args.kind]
    try:
        value = fn(args.value)
    except DomainError as exc:
        print(exc.translate(_lang()), file=sys.stderr)
        return 1
    print(f"{value}: {t('validate.ok', _lang())}")
    return 0


def cmd_market_verify(args: argparse.Namespace) -> int:
    """Recompute a selection from the 中选公告's public data: 0 when it matches, 1 with the
    difference otherwise (2: no such announcement, or not drawn yet)."""
    from eap.db import session_scope
    from eap.services.agency.selection import verify_draw

    lang = _lang()
    with session_scope() as session:
        check = verify_draw(session, number=args.number)
    if check.ok:
        print(t("market.verify.ok", lang, number=check.number, winner=check.published))
        return 0
    if not check.commitment_ok:
        print(t("market.verify.commitment", lang, number=check.number))
    print(
        t(
            "market.verify.differs",
            lang,
            number=check.number,
            expected=check.expected or "-",
            published=check.published or "-",
        )
    )
    return 1


def cmd_init(args: argparse.Namespace) -> int:
    """The first start of a real deployment: schema, catalogue, the first administrator."""
    from eap.db import session_scope
    from eap.migrate import upgrade
    from eap.services.admin.accounts import first_administrator
    from eap.services.admin.catalogue import load_all
    from eap.services.core.phone_codes import check_phone

    upgrade(get_settings().database_url)
    with session_scope() as session:
        load_all(session)
        phone = check_phone(args.phone)
        one_time = first_administrator(session, username=args.admin, phone=phone)
    lang = _lang()
    print(t("init.done", lang, username=args.admin))
    print(t("init.one_time", lang, password=one_time))
    return 0


def cmd_fake_sms(args: argparse.Namespace) -> int:
    from eap.fakes.sms_gateway import serve

    serve(args.port)
    return 0


def cmd_fake_investment(args: argparse.Namespace) -> int:
    from eap.fakes.investment_platform import serve

    serve(args.port, args.data, demo=args.demo)
    return 0


def cmd_fake_credit(args: argparse.Namespace) -> int:
    from eap.fakes.credit_service import serve

    serve(args.port, args.dishonest)
    return 0


def cmd_fake_oidc(args: argparse.Namespace) -> int:
    from eap.fakes.oidc_provider import serve

    serve(args.port, args.client_id, args.client_secret)
    return 0


def cmd_fake_certificates(args: argparse.Namespace) -> int:
    from eap.fakes.certificate_library import serve

    serve(args.port)
    return 0


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m eap", description="EAP operations")
    sub = p.add_subparsers(dest="command", required=True)

    db = sub.add_parser("db").add_subparsers(dest="sub", required=True)
    db.add_parser("upgrade", help="apply all migrations").set_defaults(fn=cmd_db_upgrade)

    cat = sub.add_parser("catalogue").add_subparsers(dest="sub", required=True)
    cat.add_parser("load", help="load regions, departments, items, processes").set_defaults(
        fn=cmd_catalogue_load
    )

    seed = sub.add_parser("seed").add_subparsers(dest="sub", required=True)
    demo = seed.add_parser("demo", help="seed the demo province")
    demo.add_argument("--companies", type=int, default=300)
    demo.add_argument("--seed", type=int, default=2026)
    demo.add_argument("--projects", type=int, default=150, help="projects of simulated history")
    demo.set_defaults(fn=cmd_seed_demo)

    dm = sub.add_parser("demo").add_subparsers(dest="sub", required=True)
    sim = dm.add_parser("simulate", help="drive N projects through the engine")
    sim.add_argument("--projects", type=int, required=True)
    sim.add_argument("--seed", type=int, default=1)
    sim.set_defaults(fn=cmd_demo_simulate)

    exp = sub.add_parser("export").add_subparsers(dest="sub", required=True)
    spgl = exp.add_parser("spgl", help="write SPGL_* JSON-lines files (national standard)")
    spgl.add_argument("--out", required=True)
    spgl.set_defaults(fn=cmd_export_spgl)

    from eap.cli import spgl as spgl_commands

    spgl_commands.register(sub)
    from eap.cli import audit as audit_commands

    audit_commands.register(sub)
    from eap.cli import keys as key_commands

    key_commands.register(sub)
    from eap.cli import backup as backup_commands

    backup_commands.register(sub)
    from eap.cli import web as web_commands

    web_commands.register(sub)
    from eap.cli import assessments as assessment_commands

    assessment_commands.register(sub)

    init = sub.add_parser("init", help="first start: schema, catalogue, the first administrator")
    init.add_argument("--admin", required=True, help="the administrator's username")
    init.add_argument("--phone", required=True, help="for the texted sign-in code")
    init.set_defaults(fn=cmd_init)

    fake = sub.add_parser("fake").add_subparsers(dest="sub", required=True)
    sms = fake.add_parser("sms", help="a local SMS gateway that shows every text (demo)")
    sms.add_argument("--port", type=int, default=8766)
    sms.set_defaults(fn=cmd_fake_sms)
    inv = fake.add_parser(
        "investment", help="a local investment-project platform (项目代码 lookups)"
    )
    inv.add_argument("--port", type=int, default=8767)
    inv.add_argument("--data", help="a JSON list of project records it knows")
    inv.add_argument(
        "--demo", action="store_true", help="also know every code whose serial is not 9…"
    )
    inv.set_defaults(fn=cmd_fake_investment)
    cr = fake.add_parser("credit", help="a local credit service (失信 list from --dishonest)")
    cr.add_argument("--port", type=int, default=8768)
    cr.add_argument("--dishonest", default="", help="USCCs on its 失信 list, comma-separated")
    cr.set_defaults(fn=cmd_fake_credit)
    lib = fake.add_parser("certificates", help="a local e-certificate library (电子证照库)")
    lib.add_argument("--port", type=int, default=8770)
    lib.set_defaults(fn=cmd_fake_certificates)
    oidc = fake.add_parser("oidc", help="a local identity provider (OpenID Connect, PKCE)")
    oidc.add_argument("--port", type=int, default=8769)
    oidc.add_argument("--client-id", default="eap")
    oidc.add_argument("--client-secret", default="eap-secret")
    oidc.set_defaults(fn=cmd_fake_oidc)

    cal = sub.add_parser("calendar").add_subparsers(dest="sub", required=True)
    imp = cal.add_parser("import", help="import YYYY-MM-DD,holiday|workday,name lines")
    imp.add_argument("file")
    imp.set_defaults(fn=cmd_calendar_import)
    due = cal.add_parser("due", help="due date N working days after START")
    due.add_argument("start")
    due.add_argument("n", type=int)
    due.set_defaults(fn=cmd_calendar_due)

    sw = sub.add_parser("sweep", help="one deadline sweep; JSON summary of new alerts")
    sw.add_argument("--at", help="ISO datetime to sweep as of (Beijing time if no zone)")
    sw.set_defaults(fn=cmd_sweep)
    kp = sub.add_parser("kpi").add_subparsers(dest="sub", required=True)
    kp.add_parser("rebuild", help="recompute every KPI roll-up").set_defaults(fn=cmd_kpi_rebuild)
    sub.add_parser("anomalies", help="run the anomaly checks").set_defaults(fn=cmd_anomalies)
    sch = sub.add_parser("scheduler", help="run the single scheduler process")
    sch.add_argument("--once", action="store_true", help="run every job once and exit")
    sch.set_defaults(fn=cmd_scheduler)

    mk = sub.add_parser("market").add_subparsers(dest="sub", required=True)
    vd = mk.add_parser("verify-draw", help="recompute a 中选公告 from its public data")
    vd.add_argument("number", help="the announcement number, e.g. ZJ3601202600000012")
    vd.set_defaults(fn=cmd_market_verify)

    val = sub.add_parser("validate", help="validate an identifier")
    val.add_argument("kind", choices=["project-code", "uscc", "id"])
    val.add_argument("value")
    val.set_defaults(fn=cmd_validate)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return int(args.fn(args))
    except DomainError as exc:
        print(exc.translate(_lang()), file=sys.stderr)
        return 2
