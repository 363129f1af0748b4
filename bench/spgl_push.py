"""National reporting: what a delivery round costs.

1. Throughput. The same pending row versions go to the fake receiver (a real HTTP server in
   this process, the standard's rules applied to every row) two ways, each to a fresh receiver:
   the plain loop — read the rows with the sqlite3 module, serialise batches of 500 and POST
   them, nothing recorded — and ``delivery.push_http``, which claims each batch, sends it and
   records every answer. Target: ours ≥ 0.3× the plain loop's rows per second.
2. Incremental rounds. The same number of changes waiting, behind one unit of accepted history
   and behind ten. Target: the round with ten times the history takes ≤ 1.5× as long.

Usage: python -m bench.spgl_push [--rows 5000] [--changes 500] [--history 20000]
"""

from __future__ import annotations

import argparse
import json
import os
import sqlite3
import statistics
import sys
import tempfile
import threading
import time
from http.server import ThreadingHTTPServer
from pathlib import Path

TMP = Path(tempfile.mkdtemp(prefix="eap-bench-spgl-"))
os.environ["EAP_UPLOAD_DIR"] = str(TMP / "files")

import httpx  # noqa: E402
from sqlalchemy import update  # noqa: E402
from sqlmodel import Session  # noqa: E402

from bench.seeded import insert_chunked, seeded_province  # noqa: E402
from eap.fakes.spgl_receiver import Receiver, make_handler  # noqa: E402
from eap.models import SpglVersion  # noqa: E402
from eap.models.common import utcnow  # noqa: E402
from eap.models.exchange import UploadState  # noqa: E402
from eap.services.exchange import delivery  # noqa: E402
from eap.services.exchange.fields import lsh_text  # noqa: E402

TABLE = "SPGL_XMJBXXB"
PAYLOAD = {
    "XZQHDM": "360102",
    "XMMC": "基准项目",
    "GCDM": None,
    "XMTZLY": 2,
    "TDHQFS": 3,
    "SFWCQYPG": 0,
    "LXLX": 3,
    "GCFL": 1,
    "JSXZ": 1,
    "GBHY": "E4790",
    "SPLCLX": 3,
    "SPLCBM": None,
    "SPLCBBH": None,
    "ZTZE": 1200.0,
    "JSDDXZQH": "360102",
    "JSDD": "南昌市东湖区",
    "XMJSDDX": 115.9,
    "XMJSDDY": 28.69,
    "JSGMJNR": "总建筑面积约12000平方米",
    "YDMJ": 20000.0,
    "JZMJ": 12000.0,
    "NKGSJ": None,
    "NJCSJ": None,
    "SBSJ": "2026-03-02 09:00:00",
}


def receiver() -> tuple[str, ThreadingHTTPServer]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), make_handler(Receiver()))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return f"http://127.0.0.1:{server.server_address[1]}/", server


def version(n: int, state: int) -> dict[str, object]:
    return {
        "table_name": TABLE,
        "lsh": n,
        "record_key": f"XM{n:010d}",
        "anchor_id": n,
        "region_code": "360102",
        "valid": True,
        "payload": {**PAYLOAD, "XMDM": f"2026-360102-47-01-{n % 1_000_000:06d}"},
        "payload_hash": "0" * 64,
        "state": state,
        "reason": "",
        "created_at": utcnow(),
        "attempts": 0,
        "claimed_by": "",
    }


def province(name: str, *, history: int, pending: int) -> Path:
    path = TMP / f"{name}.db"
    seeded = seeded_province(path, project_code="2026-360102-47-01-999999")
    with Session(seeded.engine) as s:
        s.execute(update(SpglVersion).values(state=UploadState.ACCEPTED))
        rows = [version(1_000_000 + n, UploadState.ACCEPTED) for n in range(history)]
        rows += [version(2_000_000 + n, UploadState.PENDING) for n in range(pending)]
        insert_chunked(s, SpglVersion, rows)
        s.commit()
    seeded.engine.dispose()
    return path


def plain_loop(path: Path, url: str) -> tuple[float, int]:
    """The floor: read, serialise, post; nothing claimed, nothing recorded."""
    start = time.perf_counter()
    conn = sqlite3.connect(path)
    rows = conn.execute(
        "SELECT record_key, lsh, payload FROM spglversion WHERE state = 0 ORDER BY lsh"
    ).fetchall()
    sent = 0
    with httpx.Client(timeout=60) as client:
        for i in range(0, len(rows), 500):
            batch = [
                {
                    **json.loads(payload),
                    "DFSJZJ": key,
                    "LSH": lsh_text(lsh),
                    "SJYXBS": 1,
                    "SJWXYY": None,
                    "SJSCZT": 0,
                }
                for key, lsh, payload in rows[i : i + 500]
            ]
            resp = client.post(url, json={"table": TABLE, "rows": batch})
            resp.raise_for_status()
            sent += len(resp.json()["results"])
    conn.close()
    return time.perf_counter() - start, sent


def ours(path: Path, url: str) -> tuple[float, delivery.RoundResult]:
    from eap.db import make_engine

    engine = make_engine(f"sqlite:///{path}")
    with Session(engine) as s:
        start = time.perf_counter()
        result = delivery.push_http(s, url=url)
        elapsed = time.perf_counter() - start
    engine.dispose()
    return elapsed, result


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--rows", type=int, default=5000)
    ap.add_argument("--changes", type=int, default=500)
    ap.add_argument("--history", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()

    plain_t, ours_t = [], []
    for r in range(args.repeat):
        path = province(f"throughput{r}", history=0, pending=args.rows)
        url, server = receiver()
        t, sent = plain_loop(path, url)
        server.shutdown()
        assert sent == args.rows, sent
        plain_t.append(t)
        url, server = receiver()
        t, result = ours(path, url)
        server.shutdown()
        assert result.accepted == args.rows and result.pending == 0, result
        ours_t.append(t)
    plain_rate = args.rows / statistics.median(plain_t)
    ours_rate = args.rows / statistics.median(ours_t)
    ratio = ours_rate / plain_rate
    print(f"throughput: plain loop {plain_rate:,.0f} rows/s, push_http {ours_rate:,.0f} rows/s")
    print(f"  ratio {ratio:.2f} (target >= 0.30)")

    rounds = {}
    for factor in (1, 10):
        times = []
        for r in range(args.repeat):
            path = province(
                f"history{factor}x{r}", history=args.history * factor, pending=args.changes
            )
            url, server = receiver()
            t, result = ours(path, url)
            server.shutdown()
            assert result.accepted == args.changes, result
            times.append(t)
        rounds[factor] = statistics.median(times)
        print(
            f"incremental round, {args.history * factor:,} accepted behind "
            f"{args.changes} changes: {rounds[factor] * 1000:.0f} ms"
        )
    growth = rounds[10] / rounds[1]
    print(f"  10x history: {growth:.2f}x (target <= 1.5x)")
    ok = ratio >= 0.3 and growth <= 1.5
    print("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
