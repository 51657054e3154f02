"""Benchmark 1 of issue 14: a national round's reports through the pipeline, services as processes.

The four services run as in production (tests/support/processes.py: per service a gunicorn web
process and a `cqs worker` process — outbox relay + consumers — on the real PostgreSQL and
RabbitMQ, in a database and a broker namespace of the benchmark's own). A synthetic national
registry (per 12,000 units: 10,000 communes under 700 districts, 1,000 departments, 300 central
agencies) is loaded and the annual round opened over it (one draft per unit, `round.opened` to
publication).

1. From submit over HTTP (`--http-reports`, default 100, a mix of unit types): each unit saves its
   answers, uploads its evidence files and submits; its reviewer (the district for a commune, the
   reviewing department otherwise) accepts every criterion and verifies through the review API;
   timed until publication has recorded every score. `--clients` units and reviewers at a time.
2. From `report.verified` (`--reports`, default 12,000): the other drafts are marked submitted in
   the submission database (setup, not timed), then the benchmark publishes one `report.verified`
   per report onto the events exchange, as the review service's relay does (batches of 500,
   publisher confirms), and times until publication has recorded all of them: scoring consumes,
   scores and writes `report.scored` to its outbox, its relay sends it, publication (and
   submission) consume it.
3. The baseline, in the same run on the same broker: a bare kombu loop, one process publishing
   persistent messages of the same size with a confirm per message, another consuming and acking
   each; messages per second from the first publish to the last ack.

Per stage, p50/p95/p99 from the services' own records (outbox commit and send times, each
consumer's processed-event time). Printed, and appended to benchmarks/RESULTS.md with the machine
and its load (load average, the other processes sharing the cores).

    .venv/bin/python -m benchmarks.pipeline [--reports 12000] [--http-reports 100] [--clients 10]

Targets: all 12,000 recorded within 60 s on the 2-core machine; reports/s ≥ 0.5 × the bare loop.
Uses CQS_TEST_POSTGRES_URL / CQS_TEST_AMQP_URL (defaults: the local servers).
"""
from __future__ import annotations

import argparse
import concurrent.futures
import datetime as dt
import multiprocessing
import random
import sys
import tempfile
import time
from pathlib import Path

from kombu import Connection, Consumer, Exchange, Producer, Queue

from benchmarks import flow, profiling
from benchmarks.machine import cpu_seconds, load_average, machine, other_processes, process_tree, record
from benchmarks.scoring_engine import synthetic_report
from shared.cloudevents import from_event
from shared.criteria import load_catalog
from shared.domain.report_events import ReportVerified
from shared.messaging.publisher import ConfirmingPublisher, OutgoingMessage
from shared.messaging.topology import events_exchange

HEADING = "## Pipeline: a national round from `report.verified` to publication (`benchmarks/pipeline.py`; benchmark 1)"
INJECT_BATCH = 500  # the relay's default batch


def spread(reports: list[dict], count: int) -> list[dict]:
    """`count` reports in the round's own mix of unit types (every k-th in unit order by type)."""
    by_type = sorted(reports, key=lambda report: (report["unit_type"], report["unit_code"]))
    step = max(1, len(by_type) // max(count, 1))
    return by_type[::step][:count]


def from_submit_over_http(services: flow.Services, round_id: str, reports: list[dict], clients: int) -> dict:
    timings: dict[str, list[float]] = {}
    started = time.perf_counter()

    def journey(report: dict) -> None:
        flow.submit_report(services, report, timings)
        flow.verify_report(services, report, timings)

    with concurrent.futures.ThreadPoolExecutor(clients) as pool:
        for done in concurrent.futures.as_completed([pool.submit(journey, report) for report in reports]):
            done.result()
    ids = [report["id"] for report in reports]
    flow.wait_for(lambda: services.scalar("SELECT count(*) FROM publication.scores WHERE report_id = ANY(:ids)",
                                          ids=ids) == len(ids), 600, "publication to record the HTTP reports")
    return {"seconds": time.perf_counter() - started, "timings": timings,
            "hops": flow.hops(services, set(ids))}


def verified_events(round_id: str, reports: list[dict]) -> list[OutgoingMessage]:
    """One `report.verified` per report, with valid and varied answers, as the review service writes it."""
    rng = random.Random(2021)
    catalogs = {}
    messages = []
    now = dt.datetime.now(dt.timezone.utc).isoformat()
    for report in reports:
        key = (report["catalog_version"], report["unit_type"])
        if key not in catalogs:
            catalogs[key] = load_catalog(key[0]).unit_type(key[1])
        answers = synthetic_report(catalogs[key], rng)
        event = ReportVerified(
            report_id=report["id"], round_id=round_id, unit_code=report["unit_code"],
            unit_name_vi=report["unit_name_vi"], unit_type=report["unit_type"],
            reviewer_unit_code=report["reviewer_unit_code"], reviewer_kind=report["reviewer_kind"],
            catalog_version=report["catalog_version"], revision=1, answers=answers, self_assessed_answers=answers,
            adjustments=[], points_overrides={}, verified_by="bench-reviewer", verified_at=now)
        cloudevent = from_event(event, "/cqs/review")
        messages.append(OutgoingMessage(cloudevent.routing_key, cloudevent.to_json(), cloudevent.id))
    return messages


def from_verified(services: flow.Services, round_id: str, reports: list[dict], already: int,
                  profile: bool) -> dict:
    ids = [report["id"] for report in reports]
    running = services.running
    trees = {name: process_tree(running.pid(name)) for name in running.names()}
    workers = [running.pid(f"{service}-worker") for service in ("scoring", "publication", "submission")]
    spy = profiling.Sampled(workers) if profile else None
    cpu_before = {name: cpu_seconds(pids) for name, pids in trees.items()}
    services.execute("UPDATE submission.reports SET status = 'submitted', revision = 1, submitted_at = now() "
                     "WHERE id = ANY(:ids)", ids=ids)
    messages = verified_events(round_id, reports)
    publisher = ConfirmingPublisher(services.amqp_url, events_exchange(services.namespace))
    sent_at: dict[str, float] = {}
    started = time.perf_counter()
    for first in range(0, len(messages), INJECT_BATCH):
        batch = messages[first:first + INJECT_BATCH]
        publisher.publish_batch(batch)
        confirmed = time.time()
        sent_at.update((reports[first + offset]["id"], confirmed) for offset in range(len(batch)))
    publisher.close()
    injected = time.perf_counter() - started
    total, last_print = already + len(reports), 0.0
    while (recorded := services.recorded_at_publication(round_id)) < total:
        elapsed = time.perf_counter() - started
        if elapsed - last_print >= 10:
            print(f"  {elapsed:5.0f} s: {recorded - already:,} of {len(reports):,} recorded at publication", flush=True)
            last_print = elapsed
        if elapsed > 1800 or services.dead_letters():
            raise RuntimeError(f"stuck at {recorded - already:,} recorded after {elapsed:.0f} s "
                               f"({services.dead_letters()} dead letters)")
        time.sleep(0.2)
    seconds = time.perf_counter() - started
    followed = _wait_submission_followed(services, ids, started)
    cpu = {name: cpu_seconds(pids) - cpu_before[name] for name, pids in trees.items()}
    # A commit's rows share its created_at (the transaction's start), a relay pass's its published_at.
    batching = services.rows("SELECT count(*) AS events, count(DISTINCT created_at) AS commits, "
                             "count(DISTINCT published_at) AS passes FROM scoring.outbox "
                             "WHERE routing_key = 'report.scored' AND body::json->>'subject' = ANY(:subjects)",
                             subjects=[f"reports/{report_id}" for report_id in ids])[0]
    return {"seconds": seconds, "injected_s": injected, "sent_at": sent_at, "batching": batching,
            "submission_followed_s": followed, "hops": flow.hops(services, set(ids)), "cpu": cpu,
            "profile": spy.stop() if spy else None}


def _wait_submission_followed(services: flow.Services, ids: list[str], started: float) -> float | None:
    """Seconds until the submission service's read model shows every report scored (or None)."""
    try:
        flow.wait_for(lambda: services.scalar("SELECT count(*) FROM submission.reports WHERE id = ANY(:ids) "
                                              "AND status = 'scored'", ids=ids) == len(ids), 600,
                      "submission to follow")
    except RuntimeError:
        return None
    return time.perf_counter() - started


# --- the bare baseline ------------------------------------------------------------------------------------

def _bare_consumer(url: str, queue_name: str, count: int, ready, done) -> None:
    received = [0]
    with Connection(url) as connection:
        queue = Queue(queue_name, exchange=Exchange("", type="direct"), routing_key=queue_name, durable=True)

        def on_message(_body, message) -> None:
            message.ack()
            received[0] += 1

        with Consumer(connection, queues=[queue], callbacks=[on_message], prefetch_count=100):
            ready.set()
            while received[0] < count:
                connection.drain_events(timeout=120)
    done.put(time.time())


def bare_confirmed_loop(url: str, namespace: str, count: int, body: str) -> float:
    """Messages/s of one publisher (confirm per message, persistent) → one consumer (ack each)."""
    queue_name = f"{namespace}.bare-loop"
    with Connection(url) as connection:
        Queue(queue_name, durable=True)(connection.channel()).declare()
    ready, done = multiprocessing.Event(), multiprocessing.Queue()
    consumer = multiprocessing.Process(target=_bare_consumer, args=(url, queue_name, count, ready, done))
    consumer.start()
    try:
        ready.wait(60)
        with Connection(url, transport_options={"confirm_publish": True}) as connection:
            producer = Producer(connection.channel())
            started = time.time()
            for _ in range(count):
                producer.publish(body, routing_key=queue_name, delivery_mode=2, retry=False,
                                 content_type="application/cloudevents+json")
        finished = done.get(timeout=600)
        return count / (finished - started)
    finally:
        consumer.join(10)
        with Connection(url) as connection:
            connection.channel().queue_delete(queue_name)


# --- the run ----------------------------------------------------------------------------------------------

def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--reports", type=int, default=12_000, help="reports injected at report.verified")
    parser.add_argument("--http-reports", type=int, default=100, help="reports submitted and verified over HTTP")
    parser.add_argument("--clients", type=int, default=10, help="units and reviewers calling at a time (HTTP part)")
    args = profiling.parse_arguments(
        parser, "the scoring, publication and submission workers while the injected reports flow")
    load_before, others_before = load_average(), other_processes()
    print(f"load average {load_before:.1f}; {others_before}", flush=True)
    with tempfile.TemporaryDirectory(prefix="cqs-bench-seed-") as seed:
        registry = flow.synthetic_registry(args.reports + args.http_reports, Path(seed) / "units.yaml")
        review_models = flow.three_tier_review_model(Path(seed) / "review_models.yaml")
        with flow.running_services([registry], review_models) as services:
            started = time.perf_counter()
            round_id = flow.open_round(services, dt.date.today().year + 1)
            reports = flow.drafts(services, round_id)
            opened_s = time.perf_counter() - started
            print(f"round {round_id} opened with {len(reports):,} drafts in {opened_s:.1f} s", flush=True)
            over_http = spread(reports, args.http_reports)
            chosen = {report["id"] for report in over_http}
            injected = [report for report in reports if report["id"] not in chosen][:args.reports]

            body = verified_events(round_id, injected[:1])[0].body
            bare_count = min(args.reports, 12_000)
            print(f"baseline: bare confirmed kombu loop, {bare_count:,} messages of {len(body):,} bytes …", flush=True)
            bare = bare_confirmed_loop(services.amqp_url, services.namespace, bare_count, body)
            print(f"  {bare:,.0f} messages/s", flush=True)

            print(f"{len(over_http)} reports from submit over HTTP, {args.clients} at a time …", flush=True)
            http = from_submit_over_http(services, round_id, over_http, args.clients)
            print(f"  {len(over_http)} recorded at publication after {http['seconds']:.1f} s", flush=True)

            print(f"{len(injected):,} reports from report.verified …", flush=True)
            load_start = load_average()
            verified = from_verified(services, round_id, injected, already=len(over_http), profile=args.profile)
            load_end = load_average()
            print(f"  {len(injected):,} recorded at publication after {verified['seconds']:.1f} s", flush=True)
            others_after = other_processes()
    text = summary(args, len(reports), opened_s, bare, bare_count, len(body), http, len(over_http), verified,
                   len(injected), (load_before, load_start, load_end), (others_before, others_after))
    print(text)
    if not args.no_record:
        record(HEADING, text)


def summary(args, drafts: int, opened_s: float, bare: float, bare_count: int, body_size: int, http: dict,
            http_count: int, verified: dict, count: int, loads: tuple[float, float, float],
            others: tuple[str, str]) -> str:
    rate = count / verified["seconds"]
    followed = verified["submission_followed_s"]
    batching = verified["batching"]
    lines = [
        f"```\n.venv/bin/python -m benchmarks.pipeline --reports {args.reports} --http-reports {args.http_reports} "
        f"--clients {args.clients}{' --profile' if args.profile else ''}\n```",
        "",
        f"Machine: {machine()}. Load average {loads[0]:.1f} before the run, {loads[1]:.1f} when the "
        f"{count:,} were injected, {loads[2]:.1f} when the last was recorded. Sharing the cores, before: "
        f"{others[0]}; after: {others[1]}. Services: per service one gunicorn web process (submission: 2 "
        f"workers) and one `cqs worker`, default settings (consumer batches of 100, relay batches of 500 woken "
        f"by NOTIFY). The round opened {drafts:,} drafts in {opened_s:.1f} s (not in the figures below).",
        "",
        "| what | reports | time | reports/s |",
        "|---|---|---|---|",
        f"| from `report.verified` to recorded at publication (injected in {verified['injected_s']:.1f} s) | "
        f"{count:,} | **{verified['seconds']:.1f} s** | **{rate:,.0f}** |",
        f"| … to followed by submission (every report `scored` there) | {count:,} | "
        f"{f'{followed:.1f} s' if followed else 'not within 600 s'} | "
        f"{f'{count / followed:,.0f}' if followed else '—'} |",
        f"| from submit over HTTP to recorded at publication ({args.clients} units and reviewers at a time) | "
        f"{http_count} | {http['seconds']:.1f} s | {http_count / http['seconds']:.1f} |",
        f"| baseline: bare kombu loop, confirm per message, consume and ack ({bare_count:,} messages of "
        f"{body_size:,} bytes) | — | {bare_count / bare:.1f} s | {bare:,.0f} messages/s |",
        "",
        f"Targets: all {count:,} within 60 s — **{'met' if verified['seconds'] <= 60 else 'missed'}** "
        f"({verified['seconds']:.1f} s); reports/s ≥ 0.5 × the bare loop — **{rate / bare:.2f} ×** "
        f"({'met' if rate / bare >= 0.5 else 'missed'}).",
        "",
        f"Stages of the {count:,} injected reports (from the services' records; a stage ends when the "
        "transaction that did it began, so a batch of up to 100 counts from its start; the injected "
        "`report.verified` counts from its batch's confirm):",
        "",
        *flow.LATENCY_HEADER,
        flow.latency_row("`report.verified` confirmed by the broker → recorded at publication (end to end)",
                         _end_to_end(verified)),
        flow.latency_row("`report.verified` confirmed by the broker → scored (scoring's consumer)",
                         _verified_to_scored(verified)),
        *flow.hop_rows([hop for hop in verified["hops"] if hop.event != "report.verified"]),
        "",
        f"CPU time each process used while the {count:,} flowed, per report (load-independent: on an idle "
        f"2-core machine the pipeline could not go faster than 2 s of CPU per second; together "
        f"{1000 * sum(verified['cpu'].values()) / count:.1f} ms per report, i.e. at most "
        f"{2 * count / sum(verified['cpu'].values()):,.0f} reports/s on two idle cores):",
        "",
        "| process | CPU s | CPU ms per report |",
        "|---|---|---|",
        *[f"| {name} | {seconds:.1f} | {1000 * seconds / count:.2f} |"
          for name, seconds in sorted(verified["cpu"].items(), key=lambda item: -item[1])],
        "",
        f"Scoring wrote their {batching.events:,} `report.scored` in {batching.commits:,} commits "
        f"({batching.events / max(batching.commits, 1):.1f} a commit) and its relay sent them in "
        f"{batching.passes:,} passes ({batching.events / max(batching.passes, 1):.1f} a pass).",
        *(["", "Where the workers' time went (py-spy, the scoring, publication and submission workers together, "
           "while the injected reports flowed):", "", *profiling.top_functions(verified["profile"])]
          if verified["profile"] else []),
        "",
        f"Stages of the {http_count} reports submitted over HTTP:",
        "",
        *flow.LATENCY_HEADER,
        *[flow.latency_row(f"HTTP: {name}", seconds) for name, seconds in http["timings"].items()],
        *flow.hop_rows(http["hops"]),
    ]
    return "\n".join(lines)


def _end_to_end(verified: dict) -> list[float]:
    """Broker confirm of the report's `report.verified` → publication's transaction recording its score."""
    return _since_sent(verified, [hop for hop in verified["hops"]
                                  if hop.event == "report.scored" and hop.consumer.startswith("publication")], "done")


def _verified_to_scored(verified: dict) -> list[float]:
    """Broker confirm of `report.verified` → scoring's transaction that scored it (and wrote `report.scored`)."""
    return _since_sent(verified, [hop for hop in verified["hops"]
                                  if hop.event == "report.scored" and hop.consumer == "relay"], "committed")


def _since_sent(verified: dict, found: list[flow.Hop], moment: str) -> list[float]:
    return [max(0.0, getattr(hop, moment).timestamp() - verified["sent_at"][hop.report_id]) for hop in found]


if __name__ == "__main__":
    sys.exit(main())
