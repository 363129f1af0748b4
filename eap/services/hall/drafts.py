"""Application drafts (申报草稿): the questionnaire answers and uploaded files of a stage
application, saved so the applicant can come back to it, deleted when it is submitted."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import bindparam, delete
from sqlmodel import Session, select

from eap.errors import DomainError, PermissionDenied
from eap.models import ApplicationDraft, Project, StoredFile
from eap.models.common import table_of, utcnow
from eap.services.core.audit import record
from eap.services.core.authz import require_applicant
from eap.services.core.principal import Principal


def _project(session: Session, principal: Principal, project_id: int) -> Project:
    project = session.get(Project, project_id)
    if project is None:
        raise PermissionDenied("error.not_found")
    require_applicant(principal, project)
    return project


def save_draft(
    session: Session,
    *,
    principal: Principal,
    project_id: int,
    stage_code: int,
    answers: dict[str, Any],
    uploads: dict[str, int],
    now: dt.datetime | None = None,
) -> ApplicationDraft:
    project = _project(session, principal, project_id)
    if stage_code not in (1, 2, 3, 4, 5):
        raise DomainError("intake.bad_stage", stage=stage_code)
    for file_id in uploads.values():
        stored = session.get(StoredFile, file_id)
        if stored is None or stored.company_id != project.company_id:
            raise PermissionDenied("error.not_found")
    draft = session.exec(
        select(ApplicationDraft).where(
            ApplicationDraft.project_id == project_id, ApplicationDraft.stage_code == stage_code
        )
    ).first() or ApplicationDraft(project_id=project_id, stage_code=stage_code, saved_by=0)
    draft.answers = {k: bool(v) for k, v in answers.items()}
    draft.uploads = {str(k): int(v) for k, v in uploads.items()}
    draft.saved_by, draft.saved_at = principal.user_id, now or utcnow()
    session.add(draft)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="draft.save",
        entity="project",
        entity_id=project_id,
        detail={"stage": stage_code, "files": len(uploads)},
    )
    return draft


def load_draft(
    session: Session, *, principal: Principal, project_id: int, stage_code: int
) -> dict[str, Any] | None:
    """The saved draft with each file's name, or None."""
    _project(session, principal, project_id)
    draft = session.exec(
        select(ApplicationDraft).where(
            ApplicationDraft.project_id == project_id, ApplicationDraft.stage_code == stage_code
        )
    ).first()
    if draft is None:
        return None
    names = {}
    for code, file_id in draft.uploads.items():
        stored = session.get(StoredFile, file_id)
        if stored is not None:
            names[code] = stored.filename
    return {
        "answers": dict(draft.answers),
        "uploads": {c: i for c, i in draft.uploads.items() if c in names},
        "names": names,
        "saved_at": draft.saved_at,
    }


_T_DRAFT = table_of(ApplicationDraft)
_DISCARD = delete(_T_DRAFT).where(
    _T_DRAFT.c.project_id == bindparam("project_id"),
    _T_DRAFT.c.stage_code == bindparam("stage_code"),
)


def discard_draft(session: Session, *, project_id: int, stage_code: int) -> None:
    """The draft is spent once the stage is submitted (its files now belong to the case)."""
    session.connection().execute(_DISCARD, {"project_id": project_id, "stage_code": stage_code})
