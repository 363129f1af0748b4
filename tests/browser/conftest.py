"""Start the real app (production build, one port) on a seeded database and drive Chromium."""

from __future__ import annotations

import shutil
import subprocess
import sys
from collections.abc import Iterator

import pytest

from eap.fakes import investment_platform, oidc_provider
from tests.browser.helpers import APP_DB, ROOT, app_env, free_port, running_app


# Package scope: stopped once the last page test here is done, before tests/production builds
# the frontend again for its own server.
@pytest.fixture(scope="package")
def app_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    if not (shutil.which("chromium") and shutil.which("chromedriver")):
        pytest.fail("chromium and chromedriver are required (scripts/test.sh installs them)")
    db = f"sqlite:///{tmp_path_factory.mktemp('browser') / 'app.db'}"
    APP_DB["url"] = db
    env = app_env(db)
    env["EAP_UPLOAD_DIR"] = str(tmp_path_factory.mktemp("materials"))
    # Reflex's persisted page states, where tests look for secrets that must not be there
    APP_DB["states"] = env["REFLEX_STATES_WORKDIR"] = str(tmp_path_factory.mktemp("states"))
    for args in (["db", "upgrade"], ["seed", "demo", "--companies", "30", "--projects", "40"]):
        subprocess.run(
            [sys.executable, "-m", "eap", *args],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
            timeout=600,
        )
    # The investment platform (a real HTTP fake, demo mode: it knows every code whose serial
    # does not start with 9), on for the app only: the seed above ran without it.
    platform = investment_platform.Platform(demo=True)
    server = investment_platform.start(platform)
    env["EAP_INVESTMENT_URL"] = f"http://127.0.0.1:{server.server_address[1]}"
    APP_DB["platform"] = platform
    # 统一身份认证: the fake identity provider the sign-in page offers
    idp = oidc_provider.Provider()
    idp_server = oidc_provider.start(idp)
    env.update(
        EAP_SSO_ISSUER=idp.issuer,
        EAP_SSO_CLIENT_ID=idp.client_id,
        EAP_SSO_CLIENT_SECRET=idp.client_secret,
    )
    APP_DB["idp"] = idp
    port = free_port()
    command = [sys.executable, "-m", "reflex", "run", "--env", "prod", "--single-port"]
    command += ["--frontend-port", str(port), "--loglevel", "info"]
    url = f"http://127.0.0.1:{port}"
    log = tmp_path_factory.getbasetemp() / "reflex.log"
    with running_app(command, env=env, log=log, url=url):
        yield url
    server.shutdown()
    idp_server.shutdown()
