"""What the list and supervision benchmarks share: a migrated database with the demo catalogue
and staff, one project to hang generated cases on, and chunked bulk inserts."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, insert
from sqlmodel import Session, select

from eap.db import make_engine
from eap.demo.seed import seed_demo
from eap.migrate import upgrade
from eap.models import Company, Item, Process, Project


@dataclass(frozen=True)
class Seeded:
    engine: Engine
    company_id: int
    process_id: int
    item_id: int
    project_id: int


def seeded_province(path: Path, *, project_code: str) -> Seeded:
    url = f"sqlite:///{path}"
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as s:
        seed_demo(s, companies=3, seed=1)
        s.commit()
        company = s.exec(select(Company)).first()
        process = s.exec(select(Process).where(Process.region_code == "360100")).first()
        item = s.exec(select(Item)).first()
        assert company and process and item
        project = Project(
            project_code=project_code,
            name="基准",
            total_investment=1,
            region_code="360102",
            process_type=1,
            company_id=company.id,
        )
        s.add(project)
        s.commit()
        assert company.id and process.id and item.id and project.id
        return Seeded(engine, company.id, process.id, item.id, project.id)


def insert_chunked(s: Session, model: type, rows: list[dict[str, Any]], size: int = 5000) -> None:
    for chunk in range(0, len(rows), size):
        s.execute(insert(model), rows[chunk : chunk + size])
