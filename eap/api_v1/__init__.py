"""The open API, ``/api/v1`` (开放接口): other systems read projects, cases, documents, the
catalogue and KPIs, verify certificates and subscribe to case status changes, with OAuth2
client-credentials tokens. FastAPI on the Starlette Reflex already runs; the domain stays in
``services/exchange`` (``api_clients``, ``open_data``, ``webhooks``)."""

from eap.api_v1.app import open_api

__all__ = ["open_api"]
