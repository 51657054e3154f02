"""Publication's cost per `report.scored` against the round's size, and the one ranking at publication.

Records N scores of one round through the real handler, one transaction each (as the consumer
does), on the real PostgreSQL, and reports the mean cost of the events near 500, 2,000, … N
recorded: a constant cost means recording does not grow with the round (before, each event
loaded the whole round: 17 ms at 500, 51–58 ms at 2,000, 64 ms and rising at 12,000). Then the
province publishes provisional results: every ranking computed once, in one pass.

    .venv/bin/python -m benchmarks.publication_recording [--reports 12000]

Uses CQS_TEST_POSTGRES_URL (default: the local server) and a database of its own, removed afterwards.
"""
from __future__ import annotations

import argparse
import datetime as dt
import time

from services.publication import bootstrap as publication
from services.publication.entrypoints import consumers
from services.publication.service_layer import handlers
from shared.auth import Principal, Role
from shared.cloudevents import CloudEvent
from shared.config import ServiceSettings
from tests.support import infrastructure
from tests.support.round_events import round_closed, round_opened

ROUND = "2026-annual"
WINDOW = 200  # events averaged around each checkpoint


def event(index: int) -> CloudEvent:
    unit_type = "commune" if index % 12 < 10 else ("province_department" if index % 12 == 10 else "district")
    groups = {str(code): f"{(index * 7 + code * 13) % 150 + 20}.00" for code in range(1, 7)}
    data = {"report_id": f"r-{index:06d}", "round_id": ROUND, "unit_code": f"U{index:06d}",
            "unit_name_vi": f"Đơn vị {index}", "unit_type": unit_type, "reviewer_unit_code": "SKHCN",
            "reviewer_kind": "department", "score_id": f"s-{index:06d}", "catalog_version": "hatinh-2021-ref-1",
            "total": f"{sum(float(points) for points in groups.values()):.2f}", "groups": groups,
            "criteria": {"1.1": "10.00"}, "catalog_fingerprint": "", "inputs_hash": "", "classification": {},
            "complete": True, "scored_at": "2026-11-20T08:00:00+00:00"}
    return CloudEvent(id=f"e-{index}", source="/cqs/scoring", type="vn.gov.cqs.report.scored",
                      subject=f"reports/{data['report_id']}", time="2026-11-20T08:00:00Z", data=data)


SUBSCRIPTIONS = {subscription.handler_name: subscription for subscription in consumers.subscriptions()}


def handle(runtime, handler_name: str, ce: CloudEvent) -> None:
    """As the service's consumer runs its handler `handler_name` (reading the event from its CloudEvent)."""
    with runtime.uow_factory() as uow:
        SUBSCRIPTIONS[handler_name].handle(uow, ce)
        uow.commit()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=12_000)
    args = parser.parse_args()
    checkpoints = [n for n in (500, 2_000, 6_000, 12_000, args.reports) if n <= args.reports]
    # The mix of a national round: per 12 reports, 10 communes, a department and a district.
    with infrastructure.postgres_server() as pg, infrastructure.fresh_database(pg) as database_url:
        settings = ServiceSettings(service="publication", database_url=database_url, broker_url="memory://",
                                   jwks_url="", data_dir=None)
        runtime = publication.runtime(settings)
        runtime.migrate()
        try:
            handle(runtime, "on_round_opened", CloudEvent(
                id="opened", source="/cqs/submission", type="vn.gov.cqs.round.opened", subject=f"rounds/{ROUND}",
                time="2025-11-15T00:00:00Z", data=round_opened(ROUND, 2026)))
            wall, cpu = [], []
            for index in range(args.reports):
                started, started_cpu = time.perf_counter(), time.process_time()
                handle(runtime, "on_report_scored", event(index))
                wall.append(time.perf_counter() - started)
                cpu.append(time.process_time() - started_cpu)
            for n in sorted(set(checkpoints)):
                low = max(0, n - WINDOW)
                print(f"recording at {n:>6} reports: {1000 * _mean(wall[low:n]):.2f} ms per event, "
                      f"{1000 * _mean(cpu[low:n]):.2f} ms of CPU here (mean of the last {n - low})")
            handle(runtime, "on_round_closed", CloudEvent(
                id="closed", source="/cqs/submission", type="vn.gov.cqs.round.closed", subject=f"rounds/{ROUND}",
                time="2026-11-15T00:00:00Z", data=round_closed(ROUND, 2026)))
            started = time.perf_counter()
            snapshot = handlers.publish(runtime.uow_factory(), ROUND, Principal("bench", Role.ADMIN, "HT"),
                                        now=dt.datetime.now(dt.timezone.utc))
            seconds = time.perf_counter() - started
            print(f"publishing {len(snapshot.standings)} standings in {len(snapshot.rankings)} rankings: "
                  f"{seconds:.2f} s")
        finally:
            runtime.engine.dispose()


def _mean(values: list[float]) -> float:
    return sum(values) / len(values)


if __name__ == "__main__":
    main()
