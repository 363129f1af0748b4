"""The domain: one package per subsystem, no Reflex. Importing any service installs the
session listeners every writing process needs: the webhook outbox announces changed cases,
the national reporting outbox versions what a transaction changed (consuming the record of
what was touched, so it comes after), then the audit trail seals the transaction's entries
into its chain."""

from eap.services.core import audit as _audit
from eap.services.exchange import outbox as _outbox, webhooks as _webhooks

_webhooks.install()
_outbox.install()
_audit.install()
