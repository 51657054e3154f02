"""Setting a national round up, in one process on the real PostgreSQL: `cqs load-units` of the pipeline
benchmark's synthetic registry (per 12,000 units: 10,000 communes under 700 districts, 1,000
departments, 300 central agencies), the same files loaded again (nothing changes), and the round
opened over it (one draft per unit, `round.opened` written to the outbox). Wall and CPU seconds of
each; the wall time moves with the other processes sharing the machine, the CPU time much less.

    .venv/bin/python -m benchmarks.registry_load [--units 12000]

Uses CQS_TEST_POSTGRES_URL (default: the local server) and a database of its own, removed afterwards.
"""
from __future__ import annotations

import argparse
import datetime as dt
import tempfile
import time
from pathlib import Path

from benchmarks import flow
from services.rounds.domain.calendar import RoundKind
from services.rounds.service_layer import registry, rounds
from services.submission import bootstrap as submission
from shared.config import ServiceSettings
from tests.support import infrastructure


def timed(label: str, action) -> None:
    wall, cpu = time.perf_counter(), time.process_time()
    action()
    print(f"| {label} | {time.perf_counter() - wall:.1f} | {time.process_time() - cpu:.1f} |", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=12_000, help="evaluated units (the registry adds its root "
                                                                  "and reviewing department)")
    args = parser.parse_args()
    with infrastructure.postgres_server() as pg, infrastructure.fresh_database(pg) as database_url, \
            tempfile.TemporaryDirectory(prefix="cqs-bench-registry-") as seed:
        runtime = submission.runtime(ServiceSettings(service="submission", database_url=database_url,
                                                     broker_url="memory://", jwks_url="", data_dir=None,
                                                     namespace="cqs-bench"))
        runtime.migrate()
        units = flow.synthetic_registry(args.units, Path(seed) / "units.yaml")
        models = flow.three_tier_review_model(Path(seed) / "models.yaml")
        registry.load_review_models_file(runtime.uow_factory(), models)
        round_ = rounds.create_round(runtime.uow_factory(), RoundKind.ANNUAL_EVALUATION, dt.date.today().year + 1)
        print("| step | wall s | CPU s |\n|---|---|---|")
        timed(f"load-units, {args.units:,} units", lambda: registry.load_units(runtime.uow_factory(), [units]))
        timed("load-units again (nothing changes)", lambda: registry.load_units(runtime.uow_factory(), [units]))
        timed("open the round over them", lambda: rounds.open_round(runtime.uow_factory(), round_.id,
                                                                    dt.datetime.now(dt.timezone.utc)))
        runtime.engine.dispose()


if __name__ == "__main__":
    main()
