"""The full snapshot export (``python -m eap export spgl``): every reported record as it is now,
one JSON-lines file per SPGL table, with the serial number and upload state of its latest
version in the outbox (LSH null for a record the outbox has not versioned)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlmodel import Session, col, select

from eap.models import SpglVersion
from eap.services.core.progress import Progress, silent
from eap.services.exchange.fields import lsh_text
from eap.services.exchange.tables import TABLES


def export_jsonl(
    session: Session, *, out_dir: Path, on_progress: Progress = silent
) -> dict[str, int]:
    """One JSON-lines file per table, streamed so memory stays flat on large histories."""
    out_dir.mkdir(parents=True, exist_ok=True)
    counts = {}
    for done, table in enumerate(TABLES):
        on_progress(done, len(TABLES), label=table.name)
        latest: dict[str, tuple[int, int, str]] = {}
        q = (
            select(SpglVersion.record_key, SpglVersion.lsh, SpglVersion.state, SpglVersion.reason)
            .where(SpglVersion.table_name == table.name)
            .order_by(col(SpglVersion.lsh))
        )
        for key, lsh, state, reason in session.exec(q):
            latest[key] = (lsh, state, reason)
        n = 0
        tmp = out_dir / f".{table.name}.jsonl.tmp"
        with tmp.open("w", encoding="utf-8") as fh:
            for row in table.render(session, None):
                lsh, state, reason = latest.get(row.key, (0, 0, ""))
                line = {
                    "DFSJZJ": row.key,
                    "LSH": lsh_text(lsh) if lsh else None,
                    "SJYXBS": 1,
                    "SJWXYY": None,
                    "SJSCZT": state,
                    "SBYY": reason or None,
                    **row.fields,
                }
                fh.write(json.dumps(line, ensure_ascii=False) + "\n")
                n += 1
        tmp.replace(out_dir / f"{table.name}.jsonl")
        counts[table.name] = n
    return counts
