"""Every table this province reports to the national system, in delivery order: a table comes
after the tables its rows refer to (the receiver checks a case's project and documents)."""

from __future__ import annotations

from eap.services.exchange import approval_tables, market_tables
from eap.services.exchange.fields import SpglTable

TABLES: tuple[SpglTable, ...] = (*approval_tables.TABLES, *market_tables.TABLES)
BY_NAME: dict[str, SpglTable] = {t.name: t for t in TABLES}
