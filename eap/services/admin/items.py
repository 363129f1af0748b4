"""The item catalogue beyond limits (事项管理): an item's name, statutory limit, 受理条件
(conditions), 告知承诺 (commitment) flag and materials — each key (never owed) or 容缺
(deferrable: may be owed at intake) — changed only by publishing a new item version.

Cases pin the item version they were filed on (``ItemCase.item_id``) and processes pin item
versions too, so a new version also republishes every active city process holding the item:
new applications take the new rules, running cases keep theirs. The item's promised limit in
each process carries over, shortened to the new statutory limit where that is lower. Every
publication is audited with what changed."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, replace

from sqlmodel import Session, col, func, select

from eap.errors import DomainError
from eap.models import (
    Item,
    ItemDependency,
    ItemMaterial,
    Material,
    Process,
    ProcessItem,
    StepChain,
)
from eap.services.admin import catalogue
from eap.services.core.audit import record
from eap.services.core.principal import Principal, Role

PAGE = 30


@dataclass(frozen=True)
class ItemRow:
    code: str = ""
    name: str = ""
    dept_kind: str = ""
    stage: int = 0
    version: int = 0
    limit_days: int = 0
    promise_allowed: bool = False
    materials: int = 0


@dataclass(frozen=True)
class MaterialLine:
    code: str = ""
    name: str = ""
    is_key: bool = True
    deferrable: bool = False


@dataclass(frozen=True)
class ItemDraft:
    """What the administrator edits; ``version`` is the one the draft was read from."""

    code: str = ""
    version: int = 0
    name_zh: str = ""
    name_en: str = ""
    limit_days: int = 0
    promise_allowed: bool = False
    conditions: str = ""
    legal_basis: str = ""
    fee: str = ""
    materials: list[MaterialLine] = field(default_factory=list)


@dataclass(frozen=True)
class MaterialChoice:
    code: str = ""
    name: str = ""


def catalogue_items(session: Session, *, principal: Principal, text: str = "") -> list[ItemRow]:
    """The newest version of every item, by code, optionally those whose code or name has
    ``text``."""
    principal.require_role(Role.ADMIN)
    latest = catalogue.latest_items(session)
    counts = dict(
        session.exec(
            select(ItemMaterial.item_id, func.count())
            .where(col(ItemMaterial.item_id).in_([i.id for i in latest.values()]))
            .group_by(col(ItemMaterial.item_id))
        ).all()
    )
    needle = text.strip()
    return [
        ItemRow(
            i.code,
            i.name_zh,
            i.dept_kind,
            i.stage_code,
            i.version,
            i.limit_days,
            i.promise_allowed,
            counts.get(i.id or 0, 0),
        )
        for i in latest.values()
        if not needle or needle in i.code or needle in i.name_zh
    ]


def _latest(session: Session, code: str) -> Item:
    item = catalogue.latest_items(session).get(code.strip())
    if item is None:
        raise DomainError("catalogue.unknown_item", code=code)
    return item


def item_draft(session: Session, *, principal: Principal, code: str) -> ItemDraft:
    principal.require_role(Role.ADMIN)
    item = _latest(session, code)
    lines = session.exec(
        select(ItemMaterial, Material)
        .join(Material, col(Material.id) == col(ItemMaterial.material_id))
        .where(ItemMaterial.item_id == item.id)
        .order_by(col(ItemMaterial.id))
    ).all()
    return ItemDraft(
        code=item.code,
        version=item.version,
        name_zh=item.name_zh,
        name_en=item.name_en,
        limit_days=item.limit_days,
        promise_allowed=item.promise_allowed,
        conditions=item.conditions,
        legal_basis=item.legal_basis,
        fee=item.fee,
        materials=[MaterialLine(m.code, m.name_zh, im.is_key, im.deferrable) for im, m in lines],
    )


def material_kinds(session: Session, *, principal: Principal) -> list[MaterialChoice]:
    principal.require_role(Role.ADMIN)
    return [
        MaterialChoice(m.code, m.name_zh)
        for m in session.exec(select(Material).order_by(col(Material.code)))
    ]


def add_material_kind(
    session: Session, *, principal: Principal, name_zh: str, name_en: str = ""
) -> Material:
    """A new kind of material (e.g. a new assessment report), numbered after the others."""
    principal.require_role(Role.ADMIN)
    name = name_zh.strip()
    if not name:
        raise DomainError("item.material_name", field="material_name")
    if session.exec(select(Material).where(Material.name_zh == name)).first() is not None:
        raise DomainError("item.material_exists", field="material_name", name=name)
    numbers = [
        int(c[1:]) for c in session.exec(select(Material.code)) if c[1:].isdigit() and c[0] == "M"
    ]
    material = Material(
        code=f"M{max(numbers, default=0) + 1:03d}",
        name_zh=name[:120],
        name_en=(name_en.strip() or name)[:200],
    )
    session.add(material)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="material.create",
        entity="material",
        entity_id=material.code,
        detail={"name": material.name_zh},
    )
    return material


def _checked(session: Session, draft: ItemDraft) -> tuple[ItemDraft, dict[str, Material]]:
    if not draft.name_zh.strip():
        raise DomainError("item.name_required", field="name_zh")
    if not 1 <= draft.limit_days <= 365:
        raise DomainError("process.limit_range", field="limit_days")
    if not draft.materials:
        raise DomainError("item.materials_required", field="materials")
    codes = [m.code for m in draft.materials]
    if len(set(codes)) != len(codes):
        raise DomainError("item.material_twice", field="materials")
    known = {m.code: m for m in session.exec(select(Material).where(col(Material.code).in_(codes)))}
    if unknown := [c for c in codes if c not in known]:
        raise DomainError("item.material_unknown", field="materials", codes="、".join(unknown))
    if both := [m.code for m in draft.materials if m.is_key and m.deferrable]:
        raise DomainError("item.key_deferrable", field="materials", codes="、".join(both))
    return (
        replace(
            draft,
            name_zh=draft.name_zh.strip()[:100],
            name_en=draft.name_en.strip()[:160],
            conditions=draft.conditions.strip()[:500],
            legal_basis=draft.legal_basis.strip()[:500],
            fee=draft.fee.strip()[:100],
        ),
        known,
    )


def publish_item_version(
    session: Session, *, principal: Principal, draft: ItemDraft
) -> tuple[Item, int]:
    """Publish ``draft`` as the item's next version; returns it and how many city processes
    were republished with it. Refused when the item changed since the draft was read."""
    principal.require_role(Role.ADMIN)
    old = _latest(session, draft.code)
    if old.version != draft.version:
        raise DomainError("item.stale", version=old.version)
    before = item_draft(session, principal=principal, code=old.code)
    draft, materials = _checked(session, replace(draft, name_en=draft.name_en or old.name_en))
    if draft == before:
        raise DomainError("item.unchanged")
    item = Item(
        **old.model_dump(exclude={"id", "version"}),
        version=old.version + 1,
    )
    item.name_zh, item.name_en, item.limit_days = draft.name_zh, draft.name_en, draft.limit_days
    item.promise_allowed, item.conditions = draft.promise_allowed, draft.conditions
    item.legal_basis, item.fee = draft.legal_basis, draft.fee
    session.add(item)
    session.flush()
    assert item.id is not None
    for line in draft.materials:
        session.add(
            ItemMaterial(
                item_id=item.id,
                material_id=materials[line.code].id or 0,  # catalogued rows have ids
                is_key=line.is_key,
                deferrable=line.deferrable,
            )
        )
    for dep in session.exec(select(ItemDependency).where(ItemDependency.item_id == old.id)):
        session.add(ItemDependency(item_id=item.id, requires_code=dep.requires_code))
    # a department's own review chain for the item stays with it
    for chain in session.exec(select(StepChain).where(StepChain.item_id == old.id)):
        session.add(
            StepChain(department_id=chain.department_id, item_id=item.id, steps=chain.steps)
        )
    session.flush()
    republished = _republish_processes(session, principal=principal, old=old, new=item)
    changed = {k: v for k, v in asdict(draft).items() if k != "version" and asdict(before)[k] != v}
    record(
        session,
        actor_id=principal.user_id,
        action="item.publish",
        entity="item",
        entity_id=item.code,
        detail={
            "version": item.version,
            "changed": sorted(changed),
            "before": {k: asdict(before)[k] for k in changed if k != "materials"},
            "processes": republished,
        },
    )
    return item, republished


def _republish_processes(session: Session, *, principal: Principal, old: Item, new: Item) -> int:
    holding = session.exec(
        select(Process)
        .join(ProcessItem, col(ProcessItem.process_id) == col(Process.id))
        .where(ProcessItem.item_id == old.id, col(Process.active).is_(True))
        .order_by(col(Process.id))
    ).all()
    for process in holding:
        contents = catalogue.process_contents(session, process_id=process.id or 0)
        promised = dict(contents.promised)
        promised[new.code] = min(promised[new.code], new.limit_days)
        catalogue.publish_process_version(
            session,
            region_code=process.region_code,
            process_type=process.process_type,
            spec=contents.spec,
            actor_id=principal.user_id,
            item_limits=promised,
        )
    return len(holding)
