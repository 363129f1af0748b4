"""The domain: one package per subsystem, no Reflex. Importing any service installs the
session listeners every writing process needs: the national reporting outbox versions what
a transaction changed, then the audit trail seals the transaction's entries into its chain."""

from eap.services.core import audit as _audit
from eap.services.exchange import outbox as _outbox

_outbox.install()
_audit.install()
