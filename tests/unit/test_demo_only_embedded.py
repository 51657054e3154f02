"""The demo fills in and sends reports in real units' names and creates accounts whose password it prints: `cqs run`
refuses it unless every service and the portal run on the embedded mode's SQLite files and in-process broker."""
from __future__ import annotations

from types import SimpleNamespace

import pytest

from cqs.embedded import _refuse_demo_outside_embedded
from shared import config

SQLITE, POSTGRES = "sqlite:////tmp/cqs/submission.sqlite", "postgresql://cqs@db/cqs"
MEMORY, RABBITMQ = config.EMBEDDED_BROKER_URL, "amqp://cqs@broker//"


def runtimes(database: str = SQLITE, broker: str = MEMORY, **services: str) -> dict:
    return {service: SimpleNamespace(settings=SimpleNamespace(database_url=services.get(service, database),
                                                              broker_url=broker))
            for service in config.SERVICES}


def test_the_embedded_mode_takes_the_demo():
    _refuse_demo_outside_embedded(runtimes(), SQLITE)


@pytest.mark.parametrize("services, portal_database", [
    (runtimes(database=POSTGRES), SQLITE),
    (runtimes(review=POSTGRES), SQLITE),
    (runtimes(broker=RABBITMQ), SQLITE),
    (runtimes(), POSTGRES),
])
def test_a_real_database_or_broker_anywhere_refuses_the_demo(services, portal_database):
    with pytest.raises(config.ConfigError, match="--no-demo"):
        _refuse_demo_outside_embedded(services, portal_database)
