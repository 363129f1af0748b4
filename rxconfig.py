import reflex as rx
from reflex.plugins.sitemap import SitemapPlugin

from eap.config import get_settings

config = rx.Config(
    app_name="eap",
    db_url=get_settings().database_url,
    show_built_with_reflex=False,
    telemetry_enabled=False,
    disable_plugins=[SitemapPlugin],
    plugins=[rx.plugins.RadixThemesPlugin(theme=rx.theme(accent_color="blue", radius="medium"))],
)
