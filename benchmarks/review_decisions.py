"""Benchmark: the review service's CPU per reviewer's click, without the database, and `suppliers()`.

    .venv/bin/python -m benchmarks.review_decisions [--cases 20] [--repeat 5] [--profile]

Decisions: every criterion of `--cases` reports (communes, districts and departments in turn, on the
shipped catalog) accepted one by one as `POST /cases/{id}/decisions` answers it: the case decides
(`ReviewCase.decide`, what `handlers.decide` runs in its unit of work) and the answer is the case in
detail (`views.case_detail`, also the answer of `GET /cases/{id}`). The baseline, measured in the same
run on the same cases: `ReviewCase.decide` alone, so the ratio is what answering a decision costs over
deciding it. `suppliers()`: asked of each of the catalog's unit types, against working the suppliers
out afresh, so the ratio is what the cache saves. Process time, the best of --repeat runs: slower runs
measure other processes sharing the cores.
"""
from __future__ import annotations

import argparse
import cProfile
import datetime as dt
import pstats
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from benchmarks.machine import load_average, machine  # noqa: E402
from services.review.domain.cases import ReviewCase, Submission  # noqa: E402
from services.review.service_layer import views  # noqa: E402
from shared.criteria import load_catalog  # noqa: E402
from shared.criteria.suppliers import _suppliers, suppliers  # noqa: E402
from shared.domain.report_header import ReportHeader  # noqa: E402
from tests.support.answers import complete_answers  # noqa: E402

CATALOG_VERSION = "hatinh-2021-ref-1"
UNIT_TYPES = ("commune", "district", "province_department")
NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
SUPPLIERS_CALLS = 20_000


def submitted_cases(count: int) -> list[ReviewCase]:
    catalog = load_catalog(CATALOG_VERSION)
    cases = []
    for number in range(count):
        unit_type = UNIT_TYPES[number % len(UNIT_TYPES)]
        unit = catalog.unit_type(unit_type)
        case = ReviewCase(report_id=f"r-{number}", catalog_version=CATALOG_VERSION,
                          header=ReportHeader(round_id="2026", unit_code=f"U{number}", unit_name_vi=f"Đơn vị {number}",
                                              unit_type=unit_type, reviewer_unit_code="436", reviewer_kind="district"))
        case.receive_submission(Submission(revision=1, answers=complete_answers(unit), evidence={}, by="reporter",
                                           at=NOW), unit)
        case.version = 1  # the ORM's version counter, which `views.case_detail` shows
        cases.append(case)
    return cases


def decide_all(cases: list[ReviewCase], answer: bool) -> int:
    """Accept every criterion of every case, answering each decision with the case in detail if `answer`."""
    decided = 0
    for case in cases:
        unit = load_catalog(case.catalog_version).unit_type(case.unit_type)
        for code in case.undecided(unit):
            case.decide(unit, code, "accept", values=None, points=None, reason="", by="reviewer", by_unit="436",
                        now=NOW)
            if answer:
                views.case_detail(case)
            decided += 1
    return decided


def best_time(repeat: int, prepare: Callable[[], object], work: Callable[[object], object]) -> float:
    """The least process time of `work(prepare())` over `repeat` runs, `prepare` untimed."""
    times = []
    for _ in range(repeat):
        prepared = prepare()
        start = time.process_time()
        work(prepared)
        times.append(time.process_time() - start)
    return min(times)


def suppliers_calls(compute: Callable) -> None:
    units = list(load_catalog(CATALOG_VERSION).unit_types.values())
    for number in range(SUPPLIERS_CALLS):
        compute(units[number % len(units)])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cases", type=int, default=20)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--profile", action="store_true", help="print the answered decisions' top functions")
    args = parser.parse_args()

    decisions = decide_all(submitted_cases(args.cases), answer=True)  # warm up: catalog loaded, caches filled
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(decide_all, submitted_cases(args.cases), True)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(20)
        return
    print(f"{machine()}; load average {load_average():.1f}")
    prepare = lambda: submitted_cases(args.cases)  # noqa: E731
    answered = best_time(args.repeat, prepare, lambda cases: decide_all(cases, answer=True))
    decided = best_time(args.repeat, prepare, lambda cases: decide_all(cases, answer=False))
    print(f"{decisions} decisions answered with the case: {answered * 1e3 / decisions:.3f} ms each; "
          f"decided alone: {decided * 1e3 / decisions:.3f} ms each; ratio {answered / decided:.2f} ×")
    cached = best_time(args.repeat, lambda: suppliers, suppliers_calls)
    afresh = best_time(args.repeat, lambda: _suppliers.__wrapped__, suppliers_calls)
    print(f"suppliers(), {SUPPLIERS_CALLS} calls: {cached * 1e6 / SUPPLIERS_CALLS:.2f} µs each; worked out afresh: "
          f"{afresh * 1e6 / SUPPLIERS_CALLS:.2f} µs each; ratio {cached / afresh:.3f} ×")


if __name__ == "__main__":
    main()
