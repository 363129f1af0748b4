"""An agency's opportunities page (中介超市 可报名公告) as the market's history grows: the same
agency, 10k and then 100k announcements in the database (nine in ten already decided, the
rest open, across every service and city), measured side by side in one run.
Target: the 100k page takes at most 1.5 x the 10k page.

Usage: python -m bench.market_opportunities [--announcements 10000]
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="eap-bench-market-"))
os.environ["EAP_UPLOAD_DIR"] = str(TMP / "files")

from sqlmodel import Session, select  # noqa: E402

from bench.seeded import insert_chunked, seeded_province  # noqa: E402
from eap.models import Purchase, Region, ServiceType, User  # noqa: E402
from eap.models.market import PurchaseStatus  # noqa: E402
from eap.services.agency import views  # noqa: E402
from eap.services.core.clock import CHINA_TZ  # noqa: E402
from eap.services.core.principal import Principal  # noqa: E402

NOW = dt.datetime(2026, 11, 25, 9, tzinfo=CHINA_TZ)
TARGET = 1.5


def build(path: Path, count: int):  # type: ignore[no-untyped-def]
    seeded = seeded_province(path, project_code="2026-360102-47-01-000019")
    with Session(seeded.engine) as s:
        services = [c for c in s.exec(select(ServiceType.code))]
        cities = [c for c in s.exec(select(Region.code).where(Region.level == "city"))]
        owner = s.exec(select(User).where(User.username == "qiye001")).one()
        rows = []
        for i in range(count):
            open_ = i % 10 == 0
            rows.append(
                {
                    "number": f"ZJB{i:012d}",
                    "project_id": seeded.project_id,
                    "company_id": seeded.company_id,
                    "service_code": services[i % len(services)],
                    "city_code": cities[(i // len(services)) % len(cities)],
                    "region_code": "360102",
                    "scope": "基准",
                    "budget": 50000.0,
                    "limit_days": 10,
                    "method": 2,
                    "weights": {},
                    "qualification": "",
                    "published_at": NOW - dt.timedelta(days=1),
                    "deadline": NOW + dt.timedelta(hours=1 + i % 500),
                    "seed_hash": "0" * 64,
                    "seed": "",
                    "status": PurchaseStatus.OPEN if open_ else PurchaseStatus.SELECTED,
                    "registrations": 0,
                    "result": {},
                    "created_by": owner.id,
                    "version": 1,
                }
            )
        insert_chunked(s, Purchase, rows)
        s.commit()
    return seeded.engine


def timed(engine, runs: int = 9) -> tuple[float, int]:  # type: ignore[no-untyped-def]
    times, total = [], 0
    with Session(engine) as s:
        agency = Principal.of(s.exec(select(User).where(User.username == "zhongjie01")).one())
        for _ in range(runs):
            t0 = time.perf_counter()
            rows, total = views.opportunities(s, principal=agency, lang="zh", now=NOW)
            times.append(time.perf_counter() - t0)
            assert len(rows) == 20
    return statistics.median(times), total


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--announcements", type=int, default=10_000)
    args = ap.parse_args()
    small = build(TMP / "small.db", args.announcements)
    big = build(TMP / "big.db", args.announcements * 10)
    (a, na), (b, nb) = timed(small), timed(big)
    ratio = b / a
    print(
        f"agency opportunities page: {args.announcements} announcements ({na} matching open) "
        f"-> {a * 1000:.1f} ms; {args.announcements * 10} ({nb} matching open) -> "
        f"{b * 1000:.1f} ms; ratio {ratio:.2f}; target <= {TARGET}: "
        f"{'met' if ratio <= TARGET else 'NOT met'}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
