"""``python -m eap spgl …``: national reporting from the command line. Every command prints one
JSON object on its last line."""

from __future__ import annotations

import argparse
import contextlib
import json


def cmd_push(args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from eap.config import get_settings
    from eap.db import get_engine
    from eap.services.exchange.push import push

    wait = args.wait if args.wait is not None else get_settings().spgl_claim_seconds
    with Session(get_engine()) as session:
        result = push(session, url=args.url, retry_now=args.retry_now, wait=wait)
    print(json.dumps(result, ensure_ascii=False))
    return 0 if not result.get("error") else 1


def cmd_check(_args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from eap.db import get_engine
    from eap.services.exchange import report

    with Session(get_engine()) as session:
        print(json.dumps(report.check(session), ensure_ascii=False))
    return 0


def cmd_resync(args: argparse.Namespace) -> int:
    from eap.db import session_scope
    from eap.services.exchange import outbox

    with session_scope() as session:
        written = outbox.resync(session, tables=args.table or None)
    print(json.dumps({"versions": written}, ensure_ascii=False))
    return 0


def cmd_fake_receiver(args: argparse.Namespace) -> int:
    from eap.fakes import spgl_receiver

    server = spgl_receiver.serve(args.port, args.host)
    port = server.server_address[1]
    print(json.dumps({"listening": f"http://{args.host}:{port}/"}), flush=True)
    with contextlib.suppress(KeyboardInterrupt):
        server.serve_forever()
    return 0


def cmd_fake_exchange(args: argparse.Namespace) -> int:
    from eap.services.exchange import staging

    print(json.dumps(staging.run_fake_exchange(args.staging_url)))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    spgl = sub.add_parser("spgl", help="national reporting (SPGL)").add_subparsers(
        dest="sub", required=True
    )
    push = spgl.add_parser("push", help="one delivery round now")
    push.add_argument("--url", help="push to this HTTP receiver (default: the settings)")
    push.add_argument("--retry-now", action="store_true", help="ignore the failure backoff")
    push.add_argument(
        "--wait",
        type=float,
        help="seconds to wait for a round already running elsewhere (default: a claim's life)",
    )
    push.set_defaults(fn=cmd_push)
    spgl.add_parser("check", help="the validation report").set_defaults(fn=cmd_check)
    rs = spgl.add_parser("resync", help="version every record that differs from its last version")
    rs.add_argument("--table", action="append", help="only this SPGL table (repeatable)")
    rs.set_defaults(fn=cmd_resync)
    fr = spgl.add_parser("fake-receiver", help="a local receiver with the standard's rules")
    fr.add_argument("--port", type=int, default=8765)
    fr.add_argument("--host", default="127.0.0.1")
    fr.set_defaults(fn=cmd_fake_receiver)
    fx = spgl.add_parser("fake-exchange", help="judge the staging database's new rows once")
    fx.add_argument("--staging-url", required=True)
    fx.set_defaults(fn=cmd_fake_exchange)
