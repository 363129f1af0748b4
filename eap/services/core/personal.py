"""Personal data on screen (个人信息脱敏): what staff see of an applicant party.

Lists, exports and pages show ID and phone numbers masked. The full value is shown only on a
deliberate request by someone whose work needs it — the window clerk or the approver of the
case, to call the applicant — and every such request is audited.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlmodel import Session

from eap.errors import PermissionDenied
from eap.models import Company, Project, StageCase
from eap.services.core.audit import record
from eap.services.core.authz import can_view_stage_case
from eap.services.core.identifiers import mask_id, mask_phone
from eap.services.core.principal import Principal, Role

# Who may ask for the full number of a case they can see: those who call the applicant.
REVEALING_ROLES = frozenset({Role.WINDOW, Role.APPROVER})


@dataclass(frozen=True)
class PartyCard:
    """The applicant party as shown: masked unless ``full``."""

    name: str = ""
    contact: str = ""
    phone: str = ""
    id_number: str = ""  # a natural person's 身份证号; companies have none
    full: bool = False


def party_card(company: Company | None) -> PartyCard:
    if company is None:
        return PartyCard()
    return PartyCard(
        name=company.name,
        contact=company.legal_rep,
        phone=mask_phone(company.contact_phone),
        id_number=mask_id(company.id_number),
    )


def reveal_party(session: Session, *, principal: Principal, stage_case_id: int) -> PartyCard:
    """The full phone and ID number of an application's applicant, audited."""
    sc = session.get(StageCase, stage_case_id)
    project = session.get(Project, sc.project_id) if sc else None
    if (
        sc is None
        or project is None
        or principal.role not in REVEALING_ROLES
        or not can_view_stage_case(session, principal, sc, project)
    ):
        raise PermissionDenied("error.not_found")
    company = session.get(Company, project.company_id)
    if company is None:
        raise PermissionDenied("error.not_found")
    record(
        session,
        actor_id=principal.user_id,
        action="personal.reveal",
        entity="company",
        entity_id=company.id or "",
        detail={"case": sc.case_no},
    )
    session.flush()
    return PartyCard(
        name=company.name,
        contact=company.legal_rep,
        phone=company.contact_phone,
        id_number=company.id_number,
        full=True,
    )
