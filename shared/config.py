"""Settings from the environment, with the embedded defaults (SQLite + in-process broker).

Production and tests set the URLs; a fresh machine needs nothing set at all.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

from shared.signing import SigningKey, write_jwks

SERVICES = ("submission", "review", "scoring", "publication")
# kombu's in-process transport; named with its host, as kombu otherwise warns that none was given on every connection.
EMBEDDED_BROKER_URL = "memory://localhost/"


class ConfigError(RuntimeError):
    pass


@dataclasses.dataclass(frozen=True)
class ServiceSettings:
    service: str
    database_url: str
    broker_url: str
    jwks_url: str
    data_dir: Path
    namespace: str = "cqs"
    relay_interval_s: float = 0.2
    relay_batch_size: int = 500
    consumer_max_attempts: int = 4
    consumer_backoff_s: float = 0.25
    # The worker's Prometheus endpoint; None: no listener (several workers on one host need their own ports).
    metrics_port: int | None = None
    broker_heartbeat_s: float = 30
    # Deliveries a consumer handles in one transaction (its prefetch is two batches).
    consumer_batch_size: int = 100
    # How long an event no queue was bound to waits in the outbox before it is offered again.
    relay_unroutable_retry_s: float = 10
    # "pgbouncer" when database_url names a PgBouncer database in transaction pooling (see db.make_engine).
    database_pooler: str = ""


def data_dir() -> Path:
    return Path(os.environ.get("CQS_DATA_DIR", "var")).resolve()


def database_url(service: str) -> str:
    """`CQS_<SERVICE>_DATABASE_URL`, else `CQS_DATABASE_URL` (shared server, one schema per
    service), else a SQLite file of the service's own."""
    specific = os.environ.get(f"CQS_{service.upper()}_DATABASE_URL")
    if specific:
        return specific
    shared_server = os.environ.get("CQS_DATABASE_URL")
    if shared_server:
        return shared_server
    return f"sqlite:///{data_dir() / (service + '.sqlite')}"


def database_pooler() -> str:
    """`CQS_DATABASE_POOLER`: "pgbouncer" when the database URL names a PgBouncer pool (shared/db.py)."""
    return os.environ.get("CQS_DATABASE_POOLER", "")


def is_embedded(database: str, broker: str) -> bool:
    return database.startswith("sqlite") and broker.startswith("memory://")


def signing_key() -> SigningKey:
    """The key that signs access tokens: `CQS_SIGNING_KEY_FILE` (an Ed25519 PEM), else a development key
    kept (and created on first use) in `CQS_DATA_DIR`."""
    configured = os.environ.get("CQS_SIGNING_KEY_FILE")
    if configured:
        return SigningKey.load(Path(configured))
    return SigningKey.load_or_create(data_dir() / "signing-key.pem")


def jwks_url(database: str, broker: str) -> str:
    """Where a service fetches the public keys of the token signer: `CQS_JWKS_URL` (the portal's
    /.well-known/jwks.json); only the embedded mode may go without, reading the development key's."""
    url = os.environ.get("CQS_JWKS_URL")
    if url:
        return url
    if is_embedded(database, broker):
        return write_jwks(data_dir() / "jwks.json", signing_key())
    raise ConfigError("CQS_JWKS_URL is not set: outside the embedded mode every service needs the portal's "
                      "key set (e.g. http://portal:8000/.well-known/jwks.json) to verify bearer tokens")


def load(service: str) -> ServiceSettings:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; expected one of {SERVICES}")
    database = database_url(service)
    broker = os.environ.get("CQS_BROKER_URL", EMBEDDED_BROKER_URL)
    return ServiceSettings(
        service=service,
        database_url=database,
        broker_url=broker,
        jwks_url=jwks_url(database, broker),
        data_dir=data_dir(),
        namespace=os.environ.get("CQS_NAMESPACE", "cqs"),
        relay_interval_s=float(os.environ.get("CQS_RELAY_INTERVAL_S", "0.2")),
        consumer_max_attempts=int(os.environ.get("CQS_CONSUMER_MAX_ATTEMPTS", "4")),
        consumer_backoff_s=float(os.environ.get("CQS_CONSUMER_BACKOFF_S", "0.25")),
        metrics_port=int(os.environ["CQS_METRICS_PORT"]) if os.environ.get("CQS_METRICS_PORT") else None,
        broker_heartbeat_s=float(os.environ.get("CQS_BROKER_HEARTBEAT_S", "30")),
        consumer_batch_size=int(os.environ.get("CQS_CONSUMER_BATCH_SIZE", "100")),
        relay_unroutable_retry_s=float(os.environ.get("CQS_RELAY_UNROUTABLE_RETRY_S", "10")),
        database_pooler=database_pooler(),
    )
