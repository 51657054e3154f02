"""Fixtures shared by the integration and end-to-end tests: the real PostgreSQL and RabbitMQ."""
from __future__ import annotations

import os
import uuid

import pytest

from shared.config import ServiceSettings
from tests.support import infrastructure

# The tests poll and upload from one address far faster than people do: rate limits are off
# unless a test turns them on (tests/integration/test_http_hardening.py, and the embedded
# e2e run, which starts without any CQS_ variable).
os.environ.setdefault("CQS_RATE_LIMIT_ENABLED", "0")
from tests.support.keys import TEST_JWKS_URL


@pytest.fixture(scope="session")
def postgres_server_url():
    with infrastructure.postgres_server() as url:
        yield url


@pytest.fixture(scope="session")
def amqp_url():
    with infrastructure.rabbitmq_server() as url:
        yield url


@pytest.fixture
def database_url(postgres_server_url):
    with infrastructure.fresh_database(postgres_server_url) as url:
        yield url


@pytest.fixture
def namespace(amqp_url):
    """A broker namespace of the test's own; its queues are deleted afterwards."""
    name = f"cqs-test-{uuid.uuid4().hex[:10]}"
    yield name
    infrastructure.delete_namespace(amqp_url, name)


@pytest.fixture
def settings_for(database_url, amqp_url, namespace, tmp_path):
    def make(service: str, **overrides) -> ServiceSettings:
        values = dict(
            service=service,
            database_url=database_url,
            broker_url=amqp_url,
            jwks_url=TEST_JWKS_URL,
            data_dir=tmp_path,
            namespace=namespace,
            relay_interval_s=0.05,
            consumer_backoff_s=0.01,
        )
        values.update(overrides)
        return ServiceSettings(**values)

    return make


@pytest.fixture
def own_rabbitmq(tmp_path_factory):
    """A RabbitMQ node of the test's own (its own port and data dir), for tests that stop the broker."""
    from tests.support.rabbitmq_node import rabbitmq_node

    with rabbitmq_node(tmp_path_factory.mktemp("rabbitmq")) as node:
        yield node
