"""The company's material library (材料库): what it has handed in once, offered again.

What goes in: every material the window accepts with an application (受理) and every 容缺
material handed in later; an intermediary result the owner accepts (its project's entry); and,
read straight from their own table, the e-certificates (电子证照) this system issued to the
company. A material about the company itself (``Material.company_wide``, e.g. 营业执照) is
kept once for every project; any other is kept for its project only.

The one form offers an entry while it is valid on the day (``guide._mark_satisfied``); an
expired copy is not accepted and the form asks for a new upload. The applicant sees the
library on ``/hall/library``, replaces a copy (a renewed licence, with its new end date), adds
a company-wide material and withdraws an entry. Certificates are the issuing department's:
they are neither replaced nor withdrawn here (a revoked one shows as revoked).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from enum import IntEnum

from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.models import (
    Certificate,
    Company,
    LibraryMaterial,
    Material,
    Project,
    StageCase,
    StageMaterial,
    StoredFile,
)
from eap.models.common import utcnow
from eap.services.core.audit import record
from eap.services.core.principal import Principal

EXPIRING_DAYS = 30  # an entry ending within this many days is flagged for renewal


class LibraryStatus(IntEnum):
    VALID = 1
    EXPIRING = 2  # valid, ends within EXPIRING_DAYS
    EXPIRED = 3  # the one form no longer accepts it
    REVOKED = 4  # a certificate withdrawn by its department


class LibrarySource(IntEnum):
    UPLOAD = 1  # added on the library page
    CASE = 2  # accepted with an application (source: the case number)
    INTERMEDIARY = 3  # an accepted intermediary result (source: the purchase number)
    CERTIFICATE = 4  # issued by this system (source: the certificate number)
    LICENCE = 5  # from the province's 电子证照库 (source: the licence number)


CASE_PREFIX = "case:"
LICENCE_PREFIX = "licence:"
OWN_UPLOAD = "own"


@dataclass(frozen=True)
class LibraryRow:
    """One line of the library page. ``entry_id`` 0: a certificate (not changeable here)."""

    entry_id: int
    certificate_id: int
    file_id: int
    code: str
    name_zh: str
    name_en: str
    project: str  # "" for a company-wide material
    source: int  # LibrarySource
    reference: str  # case, purchase or certificate number
    valid_until: str  # ISO date, "" when open-ended
    status: int  # LibraryStatus
    updated_on: str  # ISO date


@dataclass(frozen=True)
class AddableMaterial:
    code: str
    name_zh: str
    name_en: str


def status_on(valid_until: dt.date | None, today: dt.date, *, revoked: bool = False) -> int:
    if revoked:
        return LibraryStatus.REVOKED
    if valid_until is None or valid_until > today + dt.timedelta(days=EXPIRING_DAYS):
        return LibraryStatus.VALID
    return LibraryStatus.EXPIRING if valid_until >= today else LibraryStatus.EXPIRED


def _source_of(source: str) -> tuple[int, str]:
    if source.startswith(CASE_PREFIX):
        return LibrarySource.CASE, source[len(CASE_PREFIX) :]
    if source.startswith(LICENCE_PREFIX):
        return LibrarySource.LICENCE, source[len(LICENCE_PREFIX) :]
    if source in ("", OWN_UPLOAD):
        return LibrarySource.UPLOAD, ""
    return LibrarySource.INTERMEDIARY, source


# --- writing: called by the approval and market services --------------------------------


def keep(
    session: Session,
    *,
    company_id: int,
    material: Material,
    project_id: int | None,
    file_id: int,
    source: str,
    valid_until: dt.date | None = None,
) -> LibraryMaterial:
    """Insert or replace the company's entry for the material (company-wide materials have
    one entry for all projects, others one per project); a later copy wins. A different file
    replaces the end date with the one given (unknown: open-ended); the same file keeps it."""
    project_id = None if material.company_wide else project_id
    entry = session.exec(
        select(LibraryMaterial).where(
            LibraryMaterial.company_id == company_id,
            LibraryMaterial.material_id == material.id,
            LibraryMaterial.project_id == project_id
            if project_id is not None
            else col(LibraryMaterial.project_id).is_(None),
        )
    ).first()
    if entry is None:
        entry = LibraryMaterial(
            company_id=company_id,
            material_id=material.id or 0,
            file_id=file_id,
            project_id=project_id,
        )
    elif entry.file_id == file_id and valid_until is None:
        valid_until = entry.valid_until
    entry.file_id, entry.source, entry.valid_until = file_id, source[:40], valid_until
    entry.updated_at = utcnow()
    session.add(entry)
    session.flush()
    return entry


def keep_accepted_materials(session: Session, *, stage_case: StageCase, project: Project) -> int:
    """受理 or a 容缺 hand-in: the stage's uploaded materials go into the library. Returns how
    many entries were written (library and certificate copies are already there)."""
    rows = session.exec(
        select(StageMaterial, Material)
        .join(Material, col(Material.id) == StageMaterial.material_id)
        .where(
            StageMaterial.stage_case_id == stage_case.id,
            StageMaterial.source == "upload",
            col(StageMaterial.file_id).is_not(None),
        )
        .order_by(col(Material.code))
    ).all()
    for sm, material in rows:
        keep(
            session,
            company_id=project.company_id,
            material=material,
            project_id=project.id,
            file_id=sm.file_id or 0,
            source=f"{CASE_PREFIX}{stage_case.case_no}",
        )
    return len(rows)


# --- the applicant's page --------------------------------------------------------------------


def _company_of(principal: Principal) -> int:
    if principal.role not in ("applicant", "agent") or principal.company_id is None:
        raise PermissionDenied()
    return principal.company_id


def library_view(session: Session, *, principal: Principal, today: dt.date) -> list[LibraryRow]:
    """The company's library: company-wide entries first, then each project's, by material."""
    company_id = _company_of(principal)
    rows: list[LibraryRow] = []
    entries = session.exec(
        select(LibraryMaterial, Material, Project)
        .join(Material, col(Material.id) == LibraryMaterial.material_id)
        .join(Project, col(Project.id) == LibraryMaterial.project_id, isouter=True)
        .where(LibraryMaterial.company_id == company_id)
    ).all()
    for entry, material, project in entries:
        source, reference = _source_of(entry.source)
        rows.append(
            LibraryRow(
                entry_id=entry.id or 0,
                certificate_id=0,
                file_id=entry.file_id,
                code=material.code,
                name_zh=material.name_zh,
                name_en=material.name_en,
                project=project.name if project else "",
                source=source,
                reference=reference,
                valid_until=entry.valid_until.isoformat() if entry.valid_until else "",
                status=status_on(entry.valid_until, today),
                updated_on=entry.updated_at.date().isoformat(),
            )
        )
    certificates = session.exec(
        select(Certificate, Material, Project)
        .join(Material, col(Material.id) == Certificate.material_id)
        .join(Project, col(Project.id) == Certificate.project_id)
        .where(Certificate.company_id == company_id)
    ).all()
    for cert, material, project in certificates:
        rows.append(
            LibraryRow(
                entry_id=0,
                certificate_id=cert.id or 0,
                file_id=0,
                code=material.code,
                name_zh=material.name_zh,
                name_en=material.name_en,
                project=project.name,
                source=LibrarySource.CERTIFICATE,
                reference=cert.cert_no,
                valid_until=cert.valid_until.isoformat() if cert.valid_until else "",
                status=status_on(cert.valid_until, today, revoked=cert.status != "valid"),
                updated_on=cert.issued_on.isoformat(),
            )
        )
    return sorted(rows, key=lambda r: (r.project != "", r.project, r.code, -r.certificate_id))


def addable_materials(session: Session, *, principal: Principal) -> list[AddableMaterial]:
    """Company-wide materials the library does not hold yet (the rest come with cases)."""
    company_id = _company_of(principal)
    held = set(
        session.exec(
            select(LibraryMaterial.material_id).where(
                LibraryMaterial.company_id == company_id,
                col(LibraryMaterial.project_id).is_(None),
            )
        )
    )
    return [
        AddableMaterial(m.code, m.name_zh, m.name_en)
        for m in session.exec(
            select(Material).where(col(Material.company_wide)).order_by(col(Material.code))
        )
        if m.id not in held
    ]


def _own_file(session: Session, *, company_id: int, file_id: int | None) -> StoredFile:
    file = session.get(StoredFile, file_id) if file_id else None
    if file is None or file.company_id != company_id:
        raise DomainError("library.file_missing", field="file")
    return file


def _end_date(valid_until: dt.date | None, today: dt.date) -> dt.date | None:
    if valid_until is not None and valid_until < today:
        raise DomainError("library.already_expired", field="valid_until")
    return valid_until


def add_to_library(
    session: Session,
    *,
    principal: Principal,
    material_code: str,
    file_id: int | None,
    valid_until: dt.date | None,
    today: dt.date,
) -> LibraryMaterial:
    """A company-wide material uploaded on the library page (e.g. the business licence)."""
    company_id = _company_of(principal)
    material = session.exec(select(Material).where(Material.code == material_code)).first()
    if material is None or not material.company_wide:
        raise DomainError("library.not_company_wide", field="material")
    if session.exec(
        select(LibraryMaterial.id).where(
            LibraryMaterial.company_id == company_id,
            LibraryMaterial.material_id == material.id,
            col(LibraryMaterial.project_id).is_(None),
        )
    ).first():
        raise DomainError("library.already_held", field="material")
    _own_file(session, company_id=company_id, file_id=file_id)
    entry = keep(
        session,
        company_id=company_id,
        material=material,
        project_id=None,
        file_id=file_id or 0,
        source=OWN_UPLOAD,
        valid_until=_end_date(valid_until, today),
    )
    _audit(session, principal, "library.add", entry, material.code)
    return entry


def _own_entry(session: Session, *, company_id: int, entry_id: int) -> LibraryMaterial:
    entry = session.get(LibraryMaterial, entry_id)
    if entry is None or entry.company_id != company_id:
        raise DomainError("error.not_found")
    return entry


def replace_in_library(
    session: Session,
    *,
    principal: Principal,
    entry_id: int,
    seen_file_id: int,
    file_id: int | None,
    valid_until: dt.date | None,
    today: dt.date,
) -> LibraryMaterial:
    """A new copy for an entry (a renewed licence): the new file and its end date. Refused when
    the entry changed since the page showed it (``seen_file_id``)."""
    company_id = _company_of(principal)
    entry = _own_entry(session, company_id=company_id, entry_id=entry_id)
    if entry.file_id != seen_file_id:
        raise DomainError("library.changed")
    _own_file(session, company_id=company_id, file_id=file_id)
    if file_id == entry.file_id:
        raise DomainError("library.same_file", field="file")
    until = _end_date(valid_until, today)  # every check before the first change
    entry.file_id, entry.source, entry.valid_until = file_id or 0, OWN_UPLOAD, until
    entry.updated_at = utcnow()
    session.add(entry)
    session.flush()
    material = session.get(Material, entry.material_id)
    _audit(session, principal, "library.replace", entry, material.code if material else "")
    return entry


def withdraw_from_library(session: Session, *, principal: Principal, entry_id: int) -> str:
    """The entry leaves the library; applications already made keep their copies. Returns
    the material's code."""
    company_id = _company_of(principal)
    entry = _own_entry(session, company_id=company_id, entry_id=entry_id)
    material = session.get(Material, entry.material_id)
    code = material.code if material else ""
    _audit(session, principal, "library.withdraw", entry, code)
    session.delete(entry)
    session.flush()
    return code


def _audit(
    session: Session, principal: Principal, action: str, entry: LibraryMaterial, code: str
) -> None:
    company = session.get(Company, entry.company_id)
    record(
        session,
        actor_id=principal.user_id,
        action=action,
        entity="librarymaterial",
        entity_id=entry.id or 0,
        detail={
            "material": code,
            "project_id": entry.project_id,
            "file_id": entry.file_id,
            "valid_until": entry.valid_until.isoformat() if entry.valid_until else None,
            "company": company.uscc if company else None,
        },
    )
