import os

import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

config = rx.Config(
    app_name="eap",
    show_built_with_reflex=False,
    telemetry_enabled=False,
    disable_plugins=[SitemapPlugin],
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="blue", radius="medium"))],
    # Same origin only, unless other sites are named (eap/middleware.py refuses any other
    # origin before Reflex sees the request; this list is what CORS answers may allow).
    cors_allowed_origins=[
        o.strip() for o in os.environ.get("EAP_ALLOWED_ORIGINS", "").split(",") if o.strip()
    ],
)
