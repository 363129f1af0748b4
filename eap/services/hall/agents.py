"""Agent authorisation (帮办代办授权): a company lets an agent apply on its behalf.

The agent picks a company to act for; the choice is stored on the login session and re-checked
against the grant on every request, so revoking or expiring a grant ends the agent's access at
once on every worker.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlmodel import Session, col, select

from eap.errors import DomainError, PermissionDenied
from eap.models import AgentGrant, Company, User, UserSession
from eap.models.common import utcnow
from eap.services.core.audit import record
from eap.services.core.clock import local_date
from eap.services.core.principal import Principal


@dataclass(frozen=True)
class GrantRow:
    """A company's authorisation of an agent (代办授权)."""

    id: int = 0
    agent: str = ""
    until: str = ""
    note: str = ""
    active: bool = False  # neither revoked nor expired


@dataclass(frozen=True)
class ActingCompany:
    """A company an agent may act for today."""

    id: int = 0
    name: str = ""
    until: str = ""


def grant_agent(
    session: Session,
    *,
    principal: Principal,
    agent_username: str,
    valid_until: dt.date,
    scope_note: str = "",
    now: dt.datetime | None = None,
) -> AgentGrant:
    """Only the company's own applicant accounts may authorise; agents cannot pass it on."""
    now = now or utcnow()
    if principal.role != "applicant" or principal.company_id is None:
        raise PermissionDenied()
    agent = session.exec(select(User).where(User.username == agent_username.strip())).first()
    if agent is None or agent.role != "agent" or not agent.active:
        raise DomainError("agent.unknown", field="agent_username")
    if valid_until < local_date(now):
        raise DomainError("agent.valid_until_past", field="valid_until")
    assert agent.id is not None
    existing = _active_grant(session, company_id=principal.company_id, agent_id=agent.id, now=now)
    if existing is not None:
        existing.valid_until, existing.scope_note = valid_until, scope_note.strip()[:200]
        grant = existing
    else:
        grant = AgentGrant(
            company_id=principal.company_id,
            agent_id=agent.id,
            granted_by=principal.user_id,
            granted_at=now,
            valid_until=valid_until,
            scope_note=scope_note.strip()[:200],
        )
    session.add(grant)
    session.flush()
    record(
        session,
        actor_id=principal.user_id,
        action="agent.grant",
        entity="agentgrant",
        entity_id=grant.id or "",
        detail={"agent": agent.username, "until": valid_until.isoformat()},
    )
    return grant


def revoke_grant(
    session: Session, *, principal: Principal, grant_id: int, now: dt.datetime | None = None
) -> AgentGrant:
    grant = session.get(AgentGrant, grant_id)
    if grant is None or principal.role != "applicant" or grant.company_id != principal.company_id:
        raise PermissionDenied("error.not_found")
    if grant.revoked_at is None:
        grant.revoked_at = now or utcnow()
        session.add(grant)
        record(
            session,
            actor_id=principal.user_id,
            action="agent.revoke",
            entity="agentgrant",
            entity_id=grant_id,
        )
        session.flush()
    return grant


def _active_grant(
    session: Session, *, company_id: int, agent_id: int, now: dt.datetime
) -> AgentGrant | None:
    return session.exec(
        select(AgentGrant).where(
            AgentGrant.company_id == company_id,
            AgentGrant.agent_id == agent_id,
            col(AgentGrant.revoked_at).is_(None),
            AgentGrant.valid_until >= local_date(now),
        )
    ).first()


def grant_is_valid(session: Session, *, company_id: int, agent_id: int, now: dt.datetime) -> bool:
    return _active_grant(session, company_id=company_id, agent_id=agent_id, now=now) is not None


def company_grants(
    session: Session, *, principal: Principal, now: dt.datetime | None = None
) -> list[GrantRow]:
    """The company's grants, newest first, for its applicants' page."""
    now = now or utcnow()
    if principal.role != "applicant" or principal.company_id is None:
        raise PermissionDenied()
    rows = session.exec(
        select(AgentGrant, User)
        .join(User, col(User.id) == col(AgentGrant.agent_id))
        .where(AgentGrant.company_id == principal.company_id)
        .order_by(col(AgentGrant.granted_at).desc())
        .limit(50)
    ).all()
    today = local_date(now)
    return [
        GrantRow(
            id=g.id or 0,
            agent=f"{u.display_name}（{u.username}）",
            until=g.valid_until.isoformat(),
            note=g.scope_note,
            active=g.revoked_at is None and g.valid_until >= today,
        )
        for g, u in rows
    ]


def companies_for_agent(
    session: Session, *, principal: Principal, now: dt.datetime | None = None
) -> list[ActingCompany]:
    now = now or utcnow()
    if principal.role != "agent":
        return []
    rows = session.exec(
        select(AgentGrant, Company)
        .join(Company, col(Company.id) == col(AgentGrant.company_id))
        .where(
            AgentGrant.agent_id == principal.user_id,
            col(AgentGrant.revoked_at).is_(None),
            AgentGrant.valid_until >= local_date(now),
        )
        .order_by(col(Company.name))
    ).all()
    return [
        ActingCompany(id=c.id or 0, name=c.name, until=g.valid_until.isoformat()) for g, c in rows
    ]


def act_for(
    session: Session,
    *,
    principal: Principal,
    session_key: str,
    company_id: int | None,
    now: dt.datetime | None = None,
) -> None:
    """Switch the agent's session (named by its key, the token's hash) to act for
    ``company_id`` (None stops acting)."""
    now = now or utcnow()
    if principal.role != "agent":
        raise PermissionDenied()
    if company_id is not None and not grant_is_valid(
        session, company_id=company_id, agent_id=principal.user_id, now=now
    ):
        raise DomainError("agent.not_authorised")
    row = session.get(UserSession, session_key)
    if row is None or row.user_id != principal.user_id:
        raise PermissionDenied()
    row.acting_company_id = company_id
    session.add(row)
    record(
        session,
        actor_id=principal.user_id,
        action="agent.act_for",
        entity="company",
        entity_id=company_id or "",
    )
    session.flush()
