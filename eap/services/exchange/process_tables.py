"""The cities' process configuration as the national standard reports it (SPGL_DFXMSPLCXXB,
…JDXXB stages, …JDSXXXB stage items), anchored on the process version; items by the city's
实施清单 code."""

from __future__ import annotations

from collections.abc import Collection, Iterator

from sqlmodel import Session, col, select

from eap.models import Item, ItemCode, Process, ProcessItem, ProcessStage, StageDef
from eap.services.exchange.fields import Row, chunks, fresh, ts


def _listed_codes(session: Session) -> dict[tuple[str, str], str]:
    return {
        (c.item_code, c.region_code): c.listed_code for c in fresh(session, select(ItemCode)).all()
    }


def _processes(session: Session, ids: Collection[int] | None) -> Iterator[Process]:
    for part in chunks(ids):
        q = select(Process).order_by(col(Process.id))
        if part is not None:
            q = q.where(col(Process.id).in_(part))
        yield from fresh(session, q).all()


def process_rows(session: Session, ids: Collection[int] | None) -> Iterator[Row]:
    for p in _processes(session, ids):
        assert p.id is not None
        yield Row(
            f"LC{p.id:010d}",
            p.id,
            p.region_code,
            {
                "XZQHDM": p.region_code,
                "SPLCBM": p.code,
                "SPLCBBH": p.version,
                "SPLCMC": p.name,
                "SPLCLX": p.process_type,
                "SFYX": int(p.active),
                "FBSJ": ts(p.published_at),
            },
        )


def process_stage_rows(session: Session, ids: Collection[int] | None) -> Iterator[Row]:
    names = {s.code: s.name_zh for s in fresh(session, select(StageDef)).all()}
    for p in _processes(session, ids):
        assert p.id is not None
        q = select(ProcessStage).where(ProcessStage.process_id == p.id)
        for st in fresh(session, q.order_by(col(ProcessStage.stage_code))).all():
            yield Row(
                f"LCJD{st.id:010d}",
                p.id,
                p.region_code,
                {
                    "XZQHDM": p.region_code,
                    "SPLCBM": p.code,
                    "SPLCBBH": p.version,
                    "SPJDXH": st.stage_code,
                    "SPJDMC": names.get(st.stage_code, ""),
                    "SPJDSX": st.limit_days,
                },
            )


def process_item_rows(session: Session, ids: Collection[int] | None) -> Iterator[Row]:
    listed = _listed_codes(session)
    for p in _processes(session, ids):
        assert p.id is not None
        q = (
            select(ProcessItem, Item)
            .join(Item, col(Item.id) == col(ProcessItem.item_id))
            .where(ProcessItem.process_id == p.id)
            .order_by(col(ProcessItem.id))
        )
        for pi, item in fresh(session, q).all():
            yield Row(
                f"LCSX{pi.id:010d}",
                p.id,
                p.region_code,
                {
                    "XZQHDM": p.region_code,
                    "SPLCBM": p.code,
                    "SPLCBBH": p.version,
                    "SPJDXH": pi.stage_code,
                    "SPSXBM": listed.get((item.code, p.region_code), ""),
                    "SPSXBBH": item.version,
                    "SPSXMC": item.name_zh,
                    "SXBLSX": pi.limit_days,
                    "SFBX": int(pi.required),
                },
            )
