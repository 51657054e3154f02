"""What a worker pays, per event, to turn events into CloudEvent JSON and back, on one core.

Writing an event to the outbox is `from_event` and `check_storable` (which gives the JSON stored);
consuming one is `parse` and `to_event`. Three events of the pipeline (benchmark 1): a commune's
`report.verified` (answers as the review service sends them), its `report.scored` (every criterion's
and group's points) and a `round.opened` over `--units` units. Each figure is the best of
`--repeat` runs, as timeit does: slower runs measure the other processes sharing the machine.

    .venv/bin/python -m benchmarks.event_json [--repeat 9] [--units 12000]
"""
from __future__ import annotations

import argparse
import functools
import random
import timeit

from benchmarks.scoring_engine import CATALOG_VERSION, synthetic_report
from shared import cloudevents
from shared.criteria import load_catalog
from shared.domain.events import Event
from shared.domain.report_events import ReportScored, ReportVerified
from shared.domain.round_events import RoundOpened

NOW = "2026-11-30T08:00:00+07:00"
HEADER = dict(report_id="r-0001", round_id="2027-annual", unit_code="X00001", unit_name_vi="Xã số 1",
              unit_type="commune", reviewer_unit_code="H0001", reviewer_kind="district",
              catalog_version=CATALOG_VERSION)


def pipeline_events(units: int) -> list[Event]:
    catalog = load_catalog(CATALOG_VERSION).unit_type("commune")
    answers = synthetic_report(catalog, random.Random(2021))
    verified = ReportVerified(**HEADER, revision=1, answers=answers, self_assessed_answers=answers, adjustments=[],
                              points_overrides={}, verified_by="thamdinh.H0001", verified_at=NOW)
    scored = ReportScored(**HEADER, score_id="s-0001", catalog_fingerprint="f" * 64, inputs_hash="h" * 64,
                          total="87.25", groups={group.code: "10.5" for group in catalog.groups},
                          criteria={criterion.code: "1.5" for criterion in catalog.criteria},
                          classification={"code": "good", "name_vi": "Tốt"}, complete=True, scored_at=NOW)
    in_scope = tuple({"code": f"X{index:05d}", "unit_name_vi": f"Xã số {index}", "unit_type": "commune",
                      "reviewer_unit_code": f"H{index % 700:04d}", "reviewer_kind": "district"}
                     for index in range(units))
    opened = RoundOpened(round_id="2027-annual", kind="annual_evaluation", year=2027, period_month=None,
                         catalog_versions={"commune": CATALOG_VERSION},
                         windows={"commune": {"start": "2026-11-10T00:00:00+07:00",
                                              "end": "2027-11-10T00:00:00+07:00"}},
                         unit_codes=tuple(unit["code"] for unit in in_scope), units=in_scope, opened_at=NOW,
                         commune_results_due=None, reporting_districts=tuple(f"H{index:04d}" for index in range(700)),
                         reviewing_body="SKHCN")
    return [verified, scored, opened]


def written(event: Event) -> str:
    cloudevent = cloudevents.from_event(event, "/cqs/bench")
    cloudevents.check_storable(cloudevent)
    return cloudevent.to_json()


def consumed(body: bytes) -> Event:
    return cloudevents.to_event(cloudevents.parse(body))


def best_ms(action, repeat: int) -> float:
    number = max(1, round(0.2 / max(min(timeit.repeat(action, number=1, repeat=3)), 1e-6)))
    return 1000 * min(timeit.repeat(action, number=number, repeat=repeat)) / number


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=9)
    parser.add_argument("--units", type=int, default=12_000, help="units in the round.opened")
    args = parser.parse_args()
    print("| event | bytes | written to the outbox, ms | consumed, ms |\n|---|---|---|---|")
    for event in pipeline_events(args.units):
        body = written(event).encode("utf-8")
        write = best_ms(functools.partial(written, event), args.repeat)
        consume = best_ms(functools.partial(consumed, body), args.repeat)
        print(f"| `{event.routing_key}` | {len(body):,} | {write:.3f} | {consume:.3f} |")


if __name__ == "__main__":
    main()
