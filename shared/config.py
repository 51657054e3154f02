"""Settings from the environment, with the embedded defaults (SQLite + in-process broker).

Production and tests set the URLs; a fresh machine needs nothing set at all.
"""
from __future__ import annotations

import dataclasses
import os
from pathlib import Path

SERVICES = ("submission", "review", "scoring", "publication")
# Public by design: it signs the demo tokens of the embedded mode and nothing else.
EMBEDDED_SECRET = "cqs-embedded-demo-secret-change-me"


class ConfigError(RuntimeError):
    pass


@dataclasses.dataclass(frozen=True)
class ServiceSettings:
    service: str
    database_url: str
    broker_url: str
    jwt_secret: str
    data_dir: Path
    namespace: str = "cqs"
    relay_interval_s: float = 0.2
    relay_batch_size: int = 500
    consumer_max_attempts: int = 4
    consumer_backoff_s: float = 0.25
    # The worker's Prometheus endpoint; None: no listener (several workers on one host need their own ports).
    metrics_port: int | None = None
    broker_heartbeat_s: float = 30
    # Deliveries a consumer handles in one transaction (its prefetch).
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


def jwt_secret(database: str, broker: str) -> str:
    """CQS_JWT_SECRET; only the embedded mode (SQLite and the in-process broker) may go without."""
    secret = os.environ.get("CQS_JWT_SECRET")
    if secret:
        return secret
    if database.startswith("sqlite") and broker.startswith("memory://"):
        return EMBEDDED_SECRET
    raise ConfigError("CQS_JWT_SECRET is not set: outside the embedded mode every service needs the secret "
                      "that signs the bearer tokens")


def load(service: str) -> ServiceSettings:
    if service not in SERVICES:
        raise ValueError(f"unknown service {service!r}; expected one of {SERVICES}")
    database = database_url(service)
    broker = os.environ.get("CQS_BROKER_URL", "memory://")
    return ServiceSettings(
        service=service,
        database_url=database,
        broker_url=broker,
        jwt_secret=jwt_secret(database, broker),
        data_dir=data_dir(),
        namespace=os.environ.get("CQS_NAMESPACE", "cqs"),
        relay_interval_s=float(os.environ.get("CQS_RELAY_INTERVAL_S", "0.2")),
        consumer_max_attempts=int(os.environ.get("CQS_CONSUMER_MAX_ATTEMPTS", "4")),
        consumer_backoff_s=float(os.environ.get("CQS_CONSUMER_BACKOFF_S", "0.25")),
        metrics_port=int(os.environ["CQS_METRICS_PORT"]) if os.environ.get("CQS_METRICS_PORT") else None,
        broker_heartbeat_s=float(os.environ.get("CQS_BROKER_HEARTBEAT_S", "30")),
        consumer_batch_size=int(os.environ.get("CQS_CONSUMER_BATCH_SIZE", "100")),
        relay_unroutable_retry_s=float(os.environ.get("CQS_RELAY_UNROUTABLE_RETRY_S", "10")),
        database_pooler=os.environ.get("CQS_DATABASE_POOLER", ""),
    )
