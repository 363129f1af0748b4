"""``python -m eap assessment add|list``: 区域评估 recorded by an administrator (named with
``--by``, audited as them) from the area's boundary file (GeoJSON, WGS-84)."""

from __future__ import annotations

import argparse
import datetime as dt
import json
from pathlib import Path


def cmd_add(args: argparse.Namespace) -> int:
    from sqlmodel import select

    from eap.db import session_scope
    from eap.errors import DomainError
    from eap.models import User
    from eap.services.admin import assessments
    from eap.services.core.principal import Principal

    path = Path(args.file)
    try:
        boundary = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise DomainError("assessment.bad_boundary", field="boundary") from exc
    with session_scope() as session:
        admin = session.exec(select(User).where(User.username == args.by)).first()
        if admin is None or not admin.active:
            raise DomainError("error.forbidden")
        row = assessments.add_assessment(
            session,
            principal=Principal.of(admin),
            name=args.name,
            kind=args.kind,
            region_code=args.region,
            boundary=boundary,
            exempts=[c.strip() for c in args.exempts.split(",") if c.strip()],
            document_no=args.document_no,
            valid_until=dt.date.fromisoformat(args.valid_until) if args.valid_until else None,
        )
        print(
            json.dumps({"id": row.id, "name": row.name, "exempts": row.exempts}, ensure_ascii=False)
        )
    return 0


def cmd_list(_args: argparse.Namespace) -> int:
    from sqlmodel import Session, col, select

    from eap.db import get_engine
    from eap.models import AreaAssessment

    with Session(get_engine()) as session:
        for row in session.exec(select(AreaAssessment).order_by(col(AreaAssessment.id))):
            print(
                json.dumps(
                    {
                        "id": row.id,
                        "name": row.name,
                        "kind": row.kind,
                        "region": row.region_code,
                        "exempts": row.exempts,
                        "valid_until": row.valid_until.isoformat() if row.valid_until else None,
                        "active": row.active,
                    },
                    ensure_ascii=False,
                )
            )
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    cmd = sub.add_parser("assessment").add_subparsers(dest="sub", required=True)
    add = cmd.add_parser("add", help="record a 区域评估 from its boundary (GeoJSON)")
    add.add_argument("--file", required=True, help="GeoJSON polygon, feature or collection of one")
    add.add_argument("--name", required=True)
    add.add_argument("--kind", required=True, help="env soil geohazard seismic mineral other")
    add.add_argument("--region", required=True, help="the city or county code")
    add.add_argument("--exempts", required=True, help="material codes it stands for, e.g. M038")
    add.add_argument("--document-no", default="")
    add.add_argument("--valid-until", default="")
    add.add_argument("--by", required=True, help="the administrator recording it")
    add.set_defaults(fn=cmd_add)
    cmd.add_parser("list", help="every recorded 区域评估").set_defaults(fn=cmd_list)
