"""Run in the deployment's environment (its database URL and data key) before the scaled-out
test: an applicant company with its own (non-demo) account and one registered project.
Prints the project's id."""

from __future__ import annotations

import random
import sys

from eap.db import session_scope
from eap.demo.seed import make_uscc
from eap.models import Company
from eap.models.accounts import UserCreate
from eap.services.admin import accounts
from eap.services.core.principal import Principal
from tests.factories import project

USERNAME = "scaled_owner"
PASSWORD = "Scaled#Owner2026"


def main() -> int:
    with session_scope() as session:
        company = Company(
            uscc=make_uscc(random.Random(19), "360102"),
            name="横向扩展测试建设有限公司",
            legal_rep="李四",
            contact_phone="13912340000",
            region_code="360102",
        )
        session.add(company)
        session.flush()
        user = accounts.create_user(
            session,
            data=UserCreate(
                username=USERNAME,
                display_name="扩展测试申报人",
                role="applicant",
                password=PASSWORD,
                phone="13912340000",
                region_code="360102",
                company_id=company.id,
            ),
            actor_id=None,
        )
        project_id = project(session, Principal.of(user))
    print(project_id)
    return 0


if __name__ == "__main__":
    sys.exit(main())
