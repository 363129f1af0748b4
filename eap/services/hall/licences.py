"""Licences issued elsewhere (电子证照库 pull): a company's valid licences in the province's
e-certificate library become entries of its material library, so the one form offers them as
it offers any kept material — no upload of a licence the province already holds. Only
company-wide materials (营业执照, 资质证书 …) come this way; licences this system issued are
its own certificates already. The library down or off: nothing changes, the form still works.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from eap.models import Certificate, Company, LibraryMaterial, Material
from eap.services.core import files
from eap.services.core.audit import record
from eap.services.core.principal import Principal
from eap.services.exchange.adapters import certificates
from eap.services.exchange.adapters.breaker import AdapterDown
from eap.services.hall.library import LICENCE_PREFIX, keep


def enabled() -> bool:
    return certificates.enabled()


def pull_in_own_transaction(principal: Principal) -> int:
    """``pull_licences`` in a transaction of its own (the pages run it in a worker thread:
    the library may be slow, and the event loop serves everyone else meanwhile)."""
    from eap.db import session_scope
    from eap.services.core.clock import today_in_china

    with session_scope() as session:
        return pull_licences(session, principal=principal, today=today_in_china())


def pull_licences(session: Session, *, principal: Principal, today: dt.date) -> int:
    """Bring the company's valid licences into its library; the number added or renewed."""
    if not certificates.enabled() or principal.company_id is None:
        return 0
    company = session.get(Company, principal.company_id)
    if company is None or company.kind != "company":
        return 0
    try:
        found = certificates.licences_of(session, uscc=company.uscc)
    except AdapterDown:
        return 0
    ours = set(
        session.exec(select(Certificate.cert_no).where(Certificate.company_id == company.id)).all()
    )
    kept = 0
    for licence in found:
        if (
            licence.number in ours
            or licence.status != "valid"
            or (licence.valid_until is not None and licence.valid_until < today)
        ):
            continue
        material = session.exec(
            select(Material).where(Material.code == licence.material_code)
        ).first()
        if material is None or not material.company_wide:
            continue
        source = f"{LICENCE_PREFIX}{licence.number}"[:40]
        entry = session.exec(
            select(LibraryMaterial).where(
                LibraryMaterial.company_id == company.id,
                LibraryMaterial.material_id == material.id,
                col(LibraryMaterial.project_id).is_(None),
            )
        ).first()
        if (
            entry is not None
            and entry.source == source
            and entry.valid_until == licence.valid_until
        ):
            continue  # already here, unchanged
        try:
            content = certificates.licence_file(session, number=licence.number)
        except AdapterDown:
            break
        stored = files.store_file(
            session,
            principal=principal,
            filename=f"{licence.name}-{licence.number}.pdf",
            content=content,
            company_id=company.id,
        )
        keep(
            session,
            company_id=company.id or 0,
            material=material,
            project_id=None,
            file_id=stored.id or 0,
            source=source,
            valid_until=licence.valid_until,
        )
        record(
            session,
            actor_id=principal.user_id,
            action="library.licence_pulled",
            entity="company",
            entity_id=company.id or "",
            detail={"material": material.code, "number": licence.number},
        )
        kept += 1
    return kept
