"""Benchmark: score 12,000 synthetic but valid reports with the scoring engine alone, on one core.

    .venv/bin/python benchmarks/scoring_engine.py [--reports 12000] [--seed 2021] [--repeat 3] [--profile]

The mix follows the province: mostly communes, then departments, districts and central agencies.
Reports are generated before timing starts; `score_report` is timed alone, then together with
`ScoreResult.to_dict()`, which words every explanation in both languages (the engine keeps them as
data until read). Each timing is the best of --repeat runs, as `timeit` does: slower runs measure
other processes sharing the machine, not the engine.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # run from a checkout, installed or not

from shared.criteria import UnitTypeCatalog, load_catalog, score_report  # noqa: E402

CATALOG_VERSION = "hatinh-2021-ref-1"
# Share of each unit type among the reports (≈10,000 communes, 1,000 departments, 700 districts, 300 central).
MIX = {"commune": 10_000, "province_department": 1_000, "district": 700, "central_agency": 300}


def synthetic_report(unit: UnitTypeCatalog, rng: random.Random) -> dict[str, object]:
    """Valid answers as they arrive from JSON: bools, ints, floats and decimal strings."""
    denominators = {c.rule.denominator for c in unit.criteria if c.rule.denominator}
    numerator_of = {c.rule.numerator: c.rule.denominator for c in unit.criteria if c.rule.numerator}
    report: dict[str, object] = {}
    for name in sorted(denominators):
        field = unit.fields[name]
        report[name] = rng.choice([0, rng.randint(1, 30), rng.randint(30, 3000)])
        if field.type == "decimal":
            report[name] = f"{report[name] * 10}.{rng.randint(0, 99):02d}"
    for name, field in unit.fields.items():
        if name in report or (not field.required and rng.random() < 0.3):
            continue
        if name in numerator_of:
            ceiling = report[numerator_of[name]]
            value = rng.randint(0, int(float(ceiling)))
            report[name] = f"{value}.{rng.randint(0, 99):02d}" if field.type == "decimal" else value
        elif field.enum:
            report[name] = rng.choice(field.enum).value
        elif field.type == "bool":
            report[name] = rng.random() < 0.7
        elif field.type == "int":
            report[name] = rng.randint(0, 30)
        elif field.type in ("decimal", "percent"):
            top = int(field.max * 100) if field.max is not None else 100_000
            cents = rng.randint(0, top)
            report[name] = cents / 100 if rng.random() < 0.5 else f"{cents // 100}.{cents % 100:02d}"
        else:
            report[name] = rng.choice(["Nguyễn Văn A, Phó Giám đốc", "Máy chủ, CSDL", ""])
    return report


def build_workload(count: int, seed: int) -> list[tuple[UnitTypeCatalog, dict[str, object]]]:
    catalog = load_catalog(CATALOG_VERSION)
    rng = random.Random(seed)
    total_weight = sum(MIX.values())
    workload = []
    for code, weight in MIX.items():
        unit = catalog.unit_type(code)
        workload.extend((unit, synthetic_report(unit, rng)) for _ in range(count * weight // total_weight))
    rng.shuffle(workload)
    return workload


def run(workload: list[tuple[UnitTypeCatalog, dict[str, object]]]) -> float:
    start = time.perf_counter()
    for unit, report in workload:
        score_report(unit, report)
    return time.perf_counter() - start


def run_with_serialisation(workload: list[tuple[UnitTypeCatalog, dict[str, object]]]) -> float:
    start = time.perf_counter()
    for unit, report in workload:
        score_report(unit, report).to_dict()
    return time.perf_counter() - start


def report_line(label: str, count: int, seconds: float) -> str:
    return f"{label}: {count} reports in {seconds:.3f} s, {count / seconds:,.0f} reports/s " \
           f"({seconds / count * 1e6:.0f} µs per report)"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=12_000)
    parser.add_argument("--seed", type=int, default=2021)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="print the top functions by own time")
    args = parser.parse_args()

    workload = build_workload(args.reports, args.seed)
    run(workload[:200])  # compile the per-catalog plans and warm up before timing
    if args.profile:
        profiler = cProfile.Profile()
        profiler.runcall(run, workload)
        pstats.Stats(profiler).sort_stats("tottime").print_stats(15)
        return
    count = len(workload)
    print(report_line("score_report", count, min(run(workload) for _ in range(args.repeat))))
    print(report_line("score_report + to_dict", count,
                      min(run_with_serialisation(workload) for _ in range(args.repeat))))


if __name__ == "__main__":
    main()
