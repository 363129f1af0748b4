"""One settings object, read from environment variables (prefix ``EAP_``) and ``.env``."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

PROJECT_ROOT = Path(__file__).resolve().parent.parent


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="EAP_", env_file=".env", extra="ignore")

    database_url: str = Field(
        default=f"sqlite:///{PROJECT_ROOT / 'var' / 'eap.db'}",
        description="SQLAlchemy URL; SQLite file by default, postgresql+psycopg://... accepted",
    )
    upload_dir: Path = Field(default=PROJECT_ROOT / "var" / "materials")
    sms_gateway_url: str | None = Field(
        default=None, description="HTTP endpoint for SMS; unset means record messages locally"
    )
    scheduler_enabled: bool = False
    public_base_url: str | None = Field(
        default=None,
        description="printed in certificate QR codes; unset: the address the request came in on",
    )
    pdf_font_path: Path | None = Field(
        default=None, description="a CJK TrueType/OpenType font; found automatically if unset"
    )
    sweep_minutes: int = Field(default=5, ge=1, description="deadline sweep interval")
    offload_processes: int = Field(
        default=1,
        ge=1,
        le=16,
        description="processes per web worker for a supervisor's rankings and exports",
    )
    offload_nice: int = Field(
        default=10,
        ge=0,
        le=19,
        description="scheduling niceness of those processes: below the pages people wait on",
    )
    screen_refresh_seconds: int = Field(
        default=60, ge=10, description="how often the scheduler recomputes the big screens' figures"
    )
    redis_url: str | None = Field(
        default=None,
        description="a Redis every worker shares, for the screens' snapshot; unset: no cache",
    )
    centre_silent_days: int = Field(
        default=3,
        ge=1,
        description="a city with no case event for this many working days is flagged",
    )
    # National reporting (数据共享交换, services.exchange): how the outbox is delivered
    spgl_mode: str = Field(
        default="http", pattern="^(http|staging)$", description="HTTP push or staging database"
    )
    spgl_url: str | None = Field(default=None, description="the national receiver (HTTP mode)")
    spgl_staging_url: str | None = Field(
        default=None, description="SQLAlchemy URL of the staging database (前置库)"
    )
    spgl_push_minutes: int = Field(default=5, ge=1, description="delivery round interval")
    spgl_batch: int = Field(default=500, ge=1, le=500, description="rows per request")
    spgl_timeout_seconds: float = Field(default=30, gt=0)
    spgl_claim_seconds: int = Field(
        default=120, ge=1, description="a batch's claim; a pusher that died frees it after this"
    )
    # The open API (/api/v1) and its webhooks (services.exchange.api_clients, .webhooks)
    api_token_minutes: int = Field(default=60, ge=1, le=1440, description="access token life")
    webhook_timeout_seconds: float = Field(default=10, gt=0)
    webhook_max_attempts: int = Field(
        default=15, ge=1, description="deliveries tried before one is marked dead"
    )
    webhook_round_seconds: int = Field(default=30, ge=5, description="delivery round interval")
    # The province's other systems (services.exchange.adapters): each off until its URL is set
    investment_url: str | None = Field(
        default=None, description="投资项目在线审批监管平台: project codes and their records"
    )
    credit_url: str | None = Field(default=None, description="信用 service: a party's credit")
    cert_library_url: str | None = Field(
        default=None, description="电子证照库: certificates pushed, a company's licences pulled"
    )
    adapter_timeout_seconds: float = Field(default=5, gt=0, description="per request")
    adapter_attempts: int = Field(default=3, ge=1, le=10, description="tries of one call")
    adapter_backoff_seconds: float = Field(default=0.2, ge=0, description="first retry's wait")
    adapter_failures: int = Field(default=3, ge=1, description="failed calls that open a circuit")
    adapter_cooldown_seconds: int = Field(default=60, ge=1, description="an open circuit's rest")
    # 统一身份认证 (services.admin.sso): OpenID Connect, off until the issuer is set
    sso_issuer: str | None = Field(default=None, description="the provider's issuer URL")
    sso_client_id: str = ""
    sso_client_secret: str = ""
    sso_region: str = Field(
        default="360100", description="a party new through SSO whose claims name no region"
    )
    locale: str = Field(default="zh", pattern="^(zh|en)$")
    env: str = Field(
        default="development",
        pattern="^(development|production)$",
        description="production: no demo seeding, demo accounts cannot sign in",
    )
    # 等保 level 3: the web edge (eap/middleware.py)
    allowed_origins: str = Field(
        default="", description="other sites (comma-separated origins) that may call this one"
    )
    trust_proxy: bool = Field(
        default=False, description="believe X-Forwarded-Proto/-Host (only behind our own proxy)"
    )
    audit_retention_days: int = Field(
        default=365, ge=183, description="audit entries are kept at least this long (≥ 6 months)"
    )
    data_key: str | None = Field(
        default=None, description="64 hex digits: SM4 key + blind-index key (eap/crypto.py)"
    )
    data_key_file: str = Field(
        default=str(PROJECT_ROOT / "instance" / "data.key"),
        description="where the data key is kept when EAP_DATA_KEY is not set (made if missing)",
    )
    data_key_id: str = Field(default="1", pattern="^[A-Za-z0-9]{1,8}$")
    data_keys_old: str = Field(default="", description="id=hex,… earlier keys, to open old values")
    second_factor_roles: str = Field(
        default="admin,auditor,security",
        description="roles that confirm sign-in with an SMS code (add approver,window,… by policy)",
    )
    metrics_token: str | None = Field(
        default=None, description="when set, /metrics answers only this bearer token"
    )
    request_max_mb: int = Field(
        default=45, ge=1, description="largest request body (two 20 MB materials and the form)"
    )
    https_only: bool = Field(
        default=False, description="always mark cookies Secure and send HSTS (TLS at the proxy)"
    )
    session_idle_minutes: int = 30
    session_max_hours: int = Field(
        default=12, ge=1, description="a session ends this long after sign-in, however busy"
    )
    evaluation_window_days: int = Field(
        default=30, ge=1, description="好差评: days after an item case ends that it may be rated"
    )
    evaluation_rectify_days: int = Field(
        default=15, ge=1, description="好差评: working days to rectify a bad grade and call back"
    )
    lockout_threshold: int = 5
    lockout_minutes: int = 15
    sms_code_minutes: int = Field(default=10, description="an SMS code's lifetime")
    sms_code_attempts: int = Field(default=5, description="wrong entries before a code dies")
    sms_resend_seconds: int = Field(default=60, description="wait before another code")
    sms_daily_limit: int = Field(default=10, description="codes per phone per 24 hours")
    sms_per_ip_hourly: int = Field(default=20, ge=1, description="codes one address may ask")
    sms_hourly_cap: int = Field(default=2000, ge=1, description="all codes, against SMS pumping")
    signups_per_ip_hourly: int = Field(default=10, ge=1)
    login_failures_per_ip: int = Field(
        default=50, ge=1, description="failed sign-ins from one address per 15 minutes"
    )
    captcha_after_failures: int = Field(
        default=3, ge=0, description="failed sign-ins from an address before a CAPTCHA is asked"
    )
    appointment_cancel_hours: int = Field(default=2, description="cancel cut-off before a slot")
    appointment_days_ahead: int = Field(default=10, description="working days open for booking")
    # 中介超市 (services.agency): the market's rules a province sets
    market_direct_max: float = Field(default=100_000, description="直接选取 only up to (元)")
    market_min_register_days: int = Field(default=3, ge=1, description="报名 at least (工作日)")
    market_publicity_days: int = Field(default=3, ge=1, description="中选公示 (工作日)")
    market_contract_days: int = Field(default=10, ge=1, description="签约 after publicity (工作日)")
    market_choose_days: int = Field(default=5, ge=1, description="直接选取 after the deadline")


@lru_cache
def get_settings() -> Settings:
    return Settings()
