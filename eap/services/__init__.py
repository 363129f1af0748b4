"""The domain: one package per subsystem, no Reflex. Importing any service installs the
national reporting outbox's listeners, so every writing process versions what it changes."""

from eap.services.exchange import outbox as _outbox

_outbox.install()
