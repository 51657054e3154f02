"""Where the tests find PostgreSQL and RabbitMQ: the running servers named by environment
variables (defaults: the local ones), or containers when those are absent and Docker is."""
from __future__ import annotations

import contextlib
import gc
import os
import shutil
import socket
import subprocess
import uuid
from urllib.parse import urlparse

import sqlalchemy as sa
from kombu import Connection

DEFAULT_POSTGRES = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"
DEFAULT_AMQP = "amqp://guest:guest@127.0.0.1:5672/%2F"


def _reachable(url: str, default_port: int) -> bool:
    parsed = urlparse(url.replace("+psycopg", ""))
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or default_port), timeout=2):
            return True
    except OSError:
        return False


def _docker_available() -> bool:
    return shutil.which("docker") is not None and subprocess.run(
        ["docker", "info"], capture_output=True, timeout=20).returncode == 0


@contextlib.contextmanager
def postgres_server():
    url = os.environ.get("CQS_TEST_POSTGRES_URL", DEFAULT_POSTGRES)
    if _reachable(url, 5432) or not _docker_available():
        yield url
        return
    from testcontainers.postgres import PostgresContainer

    with PostgresContainer("postgres:15", driver="psycopg") as container:
        yield container.get_connection_url()


@contextlib.contextmanager
def rabbitmq_server():
    url = os.environ.get("CQS_TEST_AMQP_URL", DEFAULT_AMQP)
    if _reachable(url, 5672) or not _docker_available():
        yield url
        return
    from testcontainers.rabbitmq import RabbitMqContainer

    with RabbitMqContainer("rabbitmq:3.13") as container:
        params = container.get_connection_params()
        yield f"amqp://guest:guest@{params.host}:{params.port}/%2F"


@contextlib.contextmanager
def fresh_database(server_url: str):
    """A new, empty database on the server for one test; dropped afterwards."""
    name = f"cqs_test_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(server_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(server_url).set(database=name).render_as_string(hide_password=False)
    finally:
        # The engines a test left undisposed are collected now, while their database still answers: their
        # pooled connections close here rather than fail at a later test's garbage collection, whose error
        # log (a traceback formatted mid-allocation) upsets Python 3.11's AST building if it was under way.
        gc.collect()
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def service_queue_names(namespace: str) -> list[str]:
    """Every handler queue the four services declare in a namespace."""
    from importlib import import_module

    from shared.config import SERVICES
    from shared.messaging.topology import queue_name

    names = []
    for service in SERVICES:
        consumers = import_module(f"services.{service}.entrypoints.consumers")
        names += [queue_name(namespace, service, sub.handler_name) for sub in consumers.subscriptions()]
    return names


def delete_namespace(amqp_url: str, namespace: str, extra_queues: list[str] = ()) -> None:
    """Remove a test's queues and exchanges from the broker."""
    with Connection(amqp_url) as conn:
        channel = conn.channel()
        for name in [*service_queue_names(namespace), *extra_queues]:
            for queue in (name, f"{name}.dlq"):
                with contextlib.suppress(Exception):
                    channel.queue_delete(queue)
        for exchange in (f"{namespace}.events", f"{namespace}.dlx"):
            with contextlib.suppress(Exception):
                channel.exchange_delete(exchange)
