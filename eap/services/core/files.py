"""Stored material files: content-addressed, outside any public directory, served only after
an authorisation check (Reflex's ``/_upload`` is public, so nothing goes there)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from pathlib import Path

from sqlmodel import Session, col, or_, select

from eap.config import get_settings
from eap.errors import DomainError, PermissionDenied
from eap.models import (
    Agency,
    AgencyService,
    LibraryMaterial,
    Project,
    Qualification,
    StageCase,
    StageMaterial,
    StoredFile,
)
from eap.services.core.authz import can_view_stage_case
from eap.services.core.principal import Principal

MAX_BYTES = 20 * 1024 * 1024
# Sniffed from content, not trusted from the file name.
SIGNATURES = {
    b"%PDF-": "application/pdf",
    b"\x89PNG\r\n\x1a\n": "image/png",
    b"\xff\xd8\xff": "image/jpeg",
    b"PK\x03\x04": "application/zip",  # docx/xlsx/ofd are zip containers
}


# The extension a stored file is given, from its sniffed type: a PDF named "x.exe" is kept
# and served as "x.pdf". Zip containers keep an office extension they were uploaded with.
EXTENSIONS = {
    "application/pdf": ".pdf",
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "application/zip": ".zip",
}
ZIP_KINDS = (".docx", ".xlsx", ".pptx", ".ofd", ".zip")


def stored_name(filename: str, kind: str) -> str:
    path = Path(Path(filename).name or "file")
    stem, ext = path.stem[:180] or "file", path.suffix.lower()
    if kind == "application/zip" and ext in ZIP_KINDS:
        return stem + ext
    return stem + EXTENSIONS[kind]


def sniff(content: bytes) -> str | None:
    for sig, kind in SIGNATURES.items():
        if content.startswith(sig):
            return kind
    return None


def _path(key: str) -> Path:
    return Path(get_settings().upload_dir) / key[:2] / key


def store_file(
    session: Session,
    *,
    principal: Principal,
    filename: str,
    content: bytes,
    company_id: int | None = None,
) -> StoredFile:
    """Check and keep an upload. The bytes are written atomically before the row is added,
    so a failed transaction leaves at most an unreferenced file, never a row without bytes."""
    if not content:
        raise DomainError("file.empty", field="file", name=filename)
    if len(content) > MAX_BYTES:
        raise DomainError("file.too_big", field="file", name=filename, mb=MAX_BYTES // 2**20)
    kind = sniff(content)
    if kind is None:
        raise DomainError("file.type", field="file", name=filename)
    digest = hashlib.sha256(content).hexdigest()
    target = _path(digest)
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(content)
        os.replace(tmp, target)
    row = StoredFile(
        sha256=digest,
        size=len(content),
        content_type=kind,
        filename=stored_name(filename, kind),
        storage_key=digest,
        company_id=company_id if company_id is not None else principal.company_id,
        uploaded_by=principal.user_id,
    )
    session.add(row)
    session.flush()
    return row


def can_read(session: Session, *, principal: Principal, file: StoredFile) -> bool:
    if principal.company_id is not None and principal.company_id == file.company_id:
        return True
    if _market_party(session, principal, file):
        return True
    if principal.role in ("applicant", "agent"):
        return False
    stage_ids = session.exec(
        select(StageMaterial.stage_case_id).where(StageMaterial.file_id == file.id)
    ).all()
    for sid in stage_ids:
        stage_case = session.get(StageCase, sid)
        project = session.get(Project, stage_case.project_id) if stage_case else None
        if stage_case and project and can_view_stage_case(session, principal, stage_case, project):
            return True
    return False


def _market_party(session: Session, principal: Principal, file: StoredFile) -> bool:
    """Both sides of an intermediary service read its contract and result (the agency uploads
    them, the owner receives them); the market's reviewer reads qualification scans."""
    if principal.role == "admin":
        return (
            session.exec(select(Qualification.id).where(Qualification.file_id == file.id)).first()
            is not None
        )
    if principal.company_id is None:
        return False
    found = session.exec(
        select(AgencyService.id)
        .join(Agency, col(Agency.id) == col(AgencyService.agency_id))
        .where(
            or_(
                col(AgencyService.contract_file_id) == file.id,
                col(AgencyService.result_file_id) == file.id,
            ),
            or_(
                col(AgencyService.company_id) == principal.company_id,
                col(Agency.company_id) == principal.company_id,
            ),
        )
    ).first()
    if found is not None:
        return True
    # A result accepted into the owner's library is the owner's material from then on.
    return (
        session.exec(
            select(LibraryMaterial.id).where(
                LibraryMaterial.file_id == file.id,
                LibraryMaterial.company_id == principal.company_id,
            )
        ).first()
        is not None
    )


def read_file(session: Session, *, principal: Principal, file_id: int) -> tuple[StoredFile, bytes]:
    """The bytes of a file the principal may see; anything else looks like it does not exist."""
    file = session.get(StoredFile, file_id)
    if file is None or not can_read(session, principal=principal, file=file):
        raise PermissionDenied("error.not_found")
    data = _path(file.storage_key).read_bytes()
    if hashlib.sha256(data).hexdigest() != file.sha256:
        raise DomainError("file.corrupt")
    return file, data
