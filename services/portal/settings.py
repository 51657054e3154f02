"""The portal's settings from the environment, with the embedded defaults."""
from __future__ import annotations

import dataclasses
import datetime as dt
import os
import secrets
from pathlib import Path

from shared import config
from shared.signing import SigningKey

SERVICE = "portal"


@dataclasses.dataclass(frozen=True)
class PortalSettings:
    database_url: str
    api_urls: dict[str, str]
    secret_key: str
    signing_key: SigningKey
    secure_cookies: bool
    data_dir: Path
    idle_timeout: dt.timedelta = dt.timedelta(minutes=30)
    absolute_timeout: dt.timedelta = dt.timedelta(hours=10)
    token_lifetime: dt.timedelta = dt.timedelta(minutes=5)


def api_urls(default_base: str | None) -> dict[str, str]:
    """Each service's base URL: `CQS_<SERVICE>_URL`, else `CQS_API_URL` + /<service> (one origin behind the
    reverse proxy, or the embedded port)."""
    base = os.environ.get("CQS_API_URL", default_base or "")
    urls = {}
    for service in config.SERVICES:
        url = os.environ.get(f"CQS_{service.upper()}_URL") or (f"{base.rstrip('/')}/{service}" if base else "")
        if not url:
            raise config.ConfigError(f"the portal needs CQS_API_URL (or CQS_{service.upper()}_URL) to reach {service}")
        urls[service] = url
    return urls


def load(api_base: str | None = None) -> PortalSettings:
    database = config.database_url(SERVICE)
    embedded = config.is_embedded(database, os.environ.get("CQS_BROKER_URL", config.EMBEDDED_BROKER_URL))
    secret = os.environ.get("CQS_PORTAL_SECRET_KEY")
    if not secret:
        if not embedded:
            raise config.ConfigError("CQS_PORTAL_SECRET_KEY is not set: it signs the portal's session cookies")
        secret = _kept_secret(config.data_dir() / "portal-session-key")
    return PortalSettings(database_url=database, api_urls=api_urls(api_base), secret_key=secret,
                          signing_key=config.signing_key(), secure_cookies=not embedded, data_dir=config.data_dir())


def _kept_secret(path: Path) -> str:
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_urlsafe(32))
        path.chmod(0o600)
    return path.read_text().strip()
