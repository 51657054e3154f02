"""The services through PgBouncer in transaction pooling (the k8s shape): migrations, the HTTP
flow, the outbox relay and the consumers on two server connections per service, with psycopg
preparing no statement and each service in its own schema."""
from __future__ import annotations

import threading

import pytest
import sqlalchemy as sa

from tests.support.keys import TEST_KEY
from tests.support.pgbouncer import pgbouncer
from tests.support.review_system import shut_down, start

pytestmark = pytest.mark.integration


def test_submission_and_review_work_through_pgbouncer_in_transaction_pooling(settings_for, database_url):
    with pgbouncer(database_url, ["submission", "review"]) as pooled:
        stop = threading.Event()
        system = start(lambda service: settings_for(service, database_url=pooled[service],
                                                    database_pooler="pgbouncer"), TEST_KEY, stop)
        try:
            # Enough of the same statements that psycopg would have prepared them, from several threads.
            reports = [system.new_report(unit_code=f"HT-CL-X{index}") for index in range(4)]
            submitters = [threading.Thread(target=system.submit, args=(report,)) for report in reports]
            for thread in submitters:
                thread.start()
            for thread in submitters:
                thread.join()
            for report in reports:
                system.wait_for_case(report.id, status="submitted")
        finally:
            shut_down(system, stop)

    direct = sa.create_engine(database_url)
    with direct.connect() as connection:
        assert connection.execute(sa.text("SELECT count(*) FROM submission.reports WHERE status = 'submitted'")
                                  ).scalar_one() == 4
        assert connection.execute(sa.text("SELECT count(*) FROM review.review_cases")).scalar_one() == 4
        assert connection.execute(sa.text("SELECT count(*) FROM submission.outbox WHERE published_at IS NULL")
                                  ).scalar_one() == 0
        public_tables = connection.execute(sa.text(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'")).scalar_one()
    direct.dispose()
    assert public_tables == 0  # every table went to its service's schema
