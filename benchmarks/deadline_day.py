"""Benchmark 4 of issue 14: a province's deadline day, services as processes.

The four services run as in production (tests/support/processes.py: per service a gunicorn web
process and a `cqs worker` process, the real PostgreSQL and RabbitMQ, a database and a broker
namespace of the benchmark's own) over a province of `--units` units (default 250) in the national
mix: 208 communes under 15 districts, 21 departments and 6 central agencies (Hà Tĩnh had 216
communes, 13 districts and about 30 departments in 2021; its seed registry for a round opened
today is the two-tier one of 92 units). Three tiers: each district reviews its communes, the
Department of Science and Technology everything else. The annual round is opened and every unit
submits within one minute, their starts
spread evenly over `--window` seconds: each saves its answers, uploads a real file (PDF or PNG,
multipart over HTTP) to every criterion that needs evidence and submits. Reviewers played by a
script (`--reviewers` at a time, as the reviewing department) take each report as its submit
returns, accept every criterion through the review API (filling the reviewer's own inputs) and
verify. Once every score is recorded at publication each district publishes its communes' results
(its report to the province), the round is closed and the province publishes its provisional
results; the run waits until the submission service shows every report
published. Then:

- none lost: each service holds every submitted report (submission published, review verified,
  scoring scored once, publication recorded), and no dead letter anywhere;
- the reconciliation (`cqs reconcile`'s own function, shared/reconciliation.py) finds every
  service agreeing;
- latencies: every HTTP call by kind, each event's steps (outbox commit → relay, → each
  consumer), and end to end from the submit's answer to the score recorded and to published.

Printed, and appended to benchmarks/RESULTS.md with the machine and its load.

    .venv/bin/python -m benchmarks.deadline_day [--units 250] [--window 60] [--reviewers 10]

Uses CQS_TEST_POSTGRES_URL / CQS_TEST_AMQP_URL (defaults: the local servers).
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchmarks import flow
from benchmarks.machine import load_average, machine, other_processes, record
from shared.reconciliation import ServiceClient, reconcile

HEADING = "## A province's deadline day (`benchmarks/deadline_day.py`; benchmark 4)"


def deadline_day(services: flow.Services, round_id: str, reports: list[dict], window_s: float,
                 reviewers: int) -> dict:
    timings: dict[str, list[float]] = {}
    submitted_at: dict[str, float] = {}
    failures: list[BaseException] = []
    reviews = concurrent.futures.ThreadPoolExecutor(reviewers)
    verified: list[concurrent.futures.Future] = []
    lock = threading.Lock()
    started = time.perf_counter()

    def unit(index: int, report: dict) -> None:
        time.sleep(max(0.0, started + index * window_s / len(reports) - time.perf_counter()))
        submitted_at[report["id"]] = flow.submit_report(services, report, timings)
        with lock:
            verified.append(reviews.submit(flow.verify_report, services, report, timings))

    # One thread per unit: each starts at its moment of the minute, however slow the others are answered.
    with concurrent.futures.ThreadPoolExecutor(len(reports)) as units:
        for done in concurrent.futures.as_completed([units.submit(unit, index, report)
                                                     for index, report in enumerate(reports)]):
            if done.exception():
                failures.append(done.exception())
    submitting_s = time.perf_counter() - started
    for done in concurrent.futures.as_completed(verified):
        if done.exception():
            failures.append(done.exception())
    reviews.shutdown()
    if failures:
        raise RuntimeError(f"{len(failures)} units or reviews failed; the first: {failures[0]!r}")
    ids = [report["id"] for report in reports]
    flow.wait_for(lambda: services.scalar("SELECT count(*) FROM publication.scores WHERE report_id = ANY(:ids)",
                                          ids=ids) == len(ids), 900, "publication to record every score")
    scored_s = time.perf_counter() - started

    admin, urls = flow.Api(flow.ADMIN), services.urls
    # Each district publishes its communes' results: its report to the province, without which the
    # province's publication leaves the communes out.
    for district in sorted({r["reviewer_unit_code"] for r in reports if r["reviewer_kind"] == "district"}):
        reviewer = flow.Api(flow.reviewer_token({"reviewer_unit_code": district, "reviewer_kind": "district"}))
        reviewer.call("publish a district's communes", "POST", f"{urls['publication']}/rounds/{round_id}/publish",
                      expected=201, json={})
    admin.call("close the round", "POST", f"{urls['submission']}/rounds/{round_id}/close")
    publish_started = time.perf_counter()
    # The province publishes once publication has heard of the close (409 with Retry-After until then).
    snapshot = flow.wait_for(lambda: _publish(admin, urls["publication"], round_id), 120, "the publication")
    published_s = time.perf_counter() - publish_started
    flow.wait_for(lambda: services.scalar("SELECT count(*) FROM submission.reports WHERE id = ANY(:ids) "
                                          "AND status = 'published'", ids=ids) == len(ids), 600,
                  "submission to show every report published")
    return {"timings": timings, "submitting_s": submitting_s, "scored_s": scored_s, "published_s": published_s,
            "all_s": time.perf_counter() - started, "submitted_at": submitted_at, "snapshot": snapshot,
            "hops": flow.hops(services, set(ids))}


def _publish(admin: flow.Api, url: str, round_id: str) -> dict | None:
    response = admin.session.post(f"{url}/rounds/{round_id}/publish", json={"stage": "provisional"}, timeout=300)
    if response.status_code == 409 and "Retry-After" in response.headers:
        return None
    if response.status_code != 201:
        raise RuntimeError(f"publish: {response.status_code} {response.text[:500]}")
    return response.json()


def nothing_lost(services: flow.Services, round_id: str, ids: list[str]) -> tuple[bool, list[str]]:
    """What each service holds of the submitted reports, the reconciliation's verdict, dead letters."""
    client = ServiceClient(services.urls, flow.ADMIN)
    views = client.views(round_id)
    lines = []
    expected = {"submission": "published", "review": "verified", "scoring": None, "publication": None}
    complete = True
    for service, status in expected.items():
        held = [views[service].get(report_id) for report_id in ids]
        present = sum(1 for view in held if view is not None and (status is None or view.get("status") == status))
        complete &= present == len(ids)
        lines.append(f"{service}: {present} of {len(ids)}" + (f" {status}" if status else ""))
    scored_once = services.scalar("SELECT count(*) FROM scoring.scores s JOIN scoring.score_sheets h "
                                  "ON h.report_id = s.report_id WHERE h.round_id = :round", round=round_id)
    lines.append(f"scores in scoring: {scored_once} for {len(ids)} reports")
    said: list[str] = []
    agreed = reconcile(client, round_id, repair=False, wait_s=0, say=said.append)
    dead = {service: len(client.dead_letters(service)) for service in services.urls}
    lines.append(f"reconciliation: {'clean' if agreed else 'DIVERGENT'} ({'; '.join(said)})")
    lines.append("dead letters: " + ", ".join(f"{service} {count}" for service, count in dead.items()))
    return complete and agreed and scored_once == len(ids) and not any(dead.values()), lines


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--units", type=int, default=250)
    parser.add_argument("--window", type=float, default=60, help="seconds over which the units start submitting")
    parser.add_argument("--reviewers", type=int, default=10, help="reviews in progress at a time")
    parser.add_argument("--no-record", action="store_true", help="print only; leave RESULTS.md alone")
    args = parser.parse_args()
    load_before, others_before = load_average(), other_processes()
    print(f"load average {load_before:.1f}; {others_before}", flush=True)
    with tempfile.TemporaryDirectory(prefix="cqs-bench-seed-") as seed:
        registry = flow.synthetic_registry(args.units, Path(seed) / "units.yaml")
        review_models = flow.three_tier_review_model(Path(seed) / "review_models.yaml")
        with flow.running_services([registry], review_models) as services:
            round_id = flow.open_round(services, dt.date.today().year + 1)
            reports = flow.drafts(services, round_id)
            kinds = ", ".join(f"{sum(r['unit_type'] == kind for r in reports)} {kind}"
                              for kind in sorted({r["unit_type"] for r in reports}))
            print(f"round {round_id}: its {len(reports)} units ({kinds}) submit within {args.window:.0f} s …",
                  flush=True)
            day = deadline_day(services, round_id, reports, args.window, args.reviewers)
            day["kinds"] = kinds
            load_during = load_average()
            ok, checks = nothing_lost(services, round_id, [report["id"] for report in reports])
            others_after = other_processes()
    text = summary(args, day, ok, checks, (load_before, load_during), (others_before, others_after))
    print(text)
    if not args.no_record:
        record(HEADING, text)
    return 0 if ok else 1


def summary(args, day: dict, ok: bool, checks: list[str], loads: tuple[float, float],
            others: tuple[str, str]) -> str:
    recorded = [hop for hop in day["hops"] if hop.event == "report.scored" and hop.consumer.startswith("publication")]
    published = [hop for hop in day["hops"]
                 if hop.event == "report.published" and hop.consumer.startswith("submission")]
    uploads = len(day["timings"].get("upload an evidence file", []))
    return "\n".join([
        f"```\n.venv/bin/python -m benchmarks.deadline_day --units {args.units} --window {args.window:.0f} "
        f"--reviewers {args.reviewers}\n```",
        "",
        f"Machine: {machine()}. Load average {loads[0]:.1f} before, {loads[1]:.1f} at the end. Sharing the cores, "
        f"before: {others[0]}; after: {others[1]}. Services: per service one gunicorn web process (submission: 2 "
        f"workers) and one `cqs worker`, default settings.",
        "",
        f"The round's {args.units} units ({day['kinds']}) submitted, their starts spread over {args.window:.0f} s, "
        f"with "
        f"{uploads:,} evidence files; every submit answered after {day['submitting_s']:.1f} s; every score recorded "
        f"at publication after {day['scored_s']:.1f} s; the province's publication took {day['published_s']:.1f} s "
        f"({len(day['snapshot'].get('standings', [])) or 'its'} standings); every report shown published by "
        f"submission after {day['all_s']:.1f} s.",
        "",
        f"None lost, reconciliation clean: **{'yes' if ok else 'NO'}** — " + "; ".join(checks) + ".",
        "",
        *flow.LATENCY_HEADER,
        *[flow.latency_row(f"HTTP: {name}", seconds) for name, seconds in day["timings"].items()],
        flow.latency_row("submit answered → score recorded at publication",
                         [hop.done.timestamp() - day["submitted_at"][hop.report_id] for hop in recorded]),
        flow.latency_row("submit answered → shown published by submission",
                         [hop.done.timestamp() - day["submitted_at"][hop.report_id] for hop in published]),
        *flow.hop_rows(day["hops"]),
    ])


if __name__ == "__main__":
    sys.exit(main())
