"""``python -m eap audit …``: the tamper-evident audit trail from the command line.

``verify`` exits 0 on an intact chain and 1 naming the first broken entry; ``purge`` removes
entries older than the configured retention (never fewer than six months), moving the chain's
verification base past them.
"""

from __future__ import annotations

import argparse
import json


def cmd_verify(_args: argparse.Namespace) -> int:
    from sqlmodel import Session

    from eap.db import get_engine
    from eap.services.core.audit import verify_chain

    with Session(get_engine()) as session:
        broken = verify_chain(session)
    if broken is None:
        print(json.dumps({"intact": True}))
        return 0
    print(
        json.dumps(
            {
                "intact": False,
                "entry_id": broken.entry_id,
                "seq": broken.seq,
                "problem": broken.problem,
            }
        )
    )
    return 1


def cmd_purge(_args: argparse.Namespace) -> int:
    from eap.db import session_scope
    from eap.services.core.audit import purge_expired

    with session_scope() as session:
        removed = purge_expired(session)
    print(json.dumps({"purged": removed}))
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    audit = sub.add_parser("audit").add_subparsers(dest="sub", required=True)
    audit.add_parser("verify", help="check the audit hash chain").set_defaults(fn=cmd_verify)
    audit.add_parser(
        "purge", help="remove entries older than EAP_AUDIT_RETENTION_DAYS"
    ).set_defaults(fn=cmd_purge)
