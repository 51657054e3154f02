"""Benchmarks 2 and 3 of issue 14: draft saves under 50 concurrent clients, against a bare Flask +
gunicorn app doing one INSERT in the same run, and the resident memory of every process.

The submission service runs as in production (gunicorn with deploy/gunicorn.conf.py, the real
PostgreSQL, a round opened over the Hà Tĩnh registry) next to the four `cqs worker` processes;
the baseline (benchmarks/bare_insert_app.py) runs under the same gunicorn settings. 50 clients
(keep-alive HTTP/1.1, each on its own unit's draft, spread over several client processes) save
the unit's whole set of answers again and again for `--seconds`, first against the baseline, then
against the service. Printed and appended to benchmarks/RESULTS.md with the machine and its load.

    .venv/bin/python -m benchmarks.draft_saves [--clients 50] [--seconds 30] [--workers 2] [--threads 4]

Uses CQS_TEST_POSTGRES_URL / CQS_TEST_AMQP_URL (defaults: the local servers), a database and a
broker namespace of its own, both removed afterwards.
"""
from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import http.client
import json
import multiprocessing
import os
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path

import sqlalchemy as sa

from benchmarks import bare_insert_app, profiling
from benchmarks.machine import cpu_seconds, load_average, machine, other_processes, process_tree, record, rss_mb
from shared.auth import Role, issue_token
from shared.config import SERVICES
from shared.criteria import load_catalog
from shared.signing import SigningKey, write_jwks
from tests.support import infrastructure
from tests.support.answers import unit_answers
from tests.support.processes import BIN, ROOT, free_port

KEY = SigningKey.generate()  # the benchmark signs its own tokens; the services read its key set from a file
SEED = ROOT / "services" / "rounds" / "seed"
HEADING = "## Draft saves and memory (`benchmarks/draft_saves.py`; issue 14, benchmarks 2 and 3)"
CLIENT_PROCESSES = 5


def client(port: int, jobs: list[tuple[str, str, str]], seconds: float, queue) -> None:
    """Threads of one client process: each saves its draft in a loop; the latencies go to `queue`."""
    import threading

    latencies: list[float] = []
    errors = [0]
    lock = threading.Lock()
    deadline = time.monotonic() + seconds

    def run(report_id: str, token: str, body: str) -> None:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        headers = {"Authorization": f"Bearer {token}", "Content-Type": "application/json"}
        mine, failed = [], 0
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                connection.request("PATCH", f"/reports/{report_id}", body=body, headers=headers)
                response = connection.getresponse()
                response.read()
                ok = response.status == 200
            except (OSError, http.client.HTTPException):
                ok = False
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
            elapsed = time.perf_counter() - started
            if ok:
                mine.append(elapsed)
            else:
                failed += 1
        with lock:
            latencies.extend(mine)
            errors[0] += failed

    threads = [threading.Thread(target=run, args=job) for job in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    queue.put((latencies, errors[0]))


def load(port: int, jobs: list[tuple[str, str, str]], seconds: float) -> dict:
    queue = multiprocessing.Queue()
    groups = [jobs[index::CLIENT_PROCESSES] for index in range(CLIENT_PROCESSES)]
    processes = [multiprocessing.Process(target=client, args=(port, group, seconds, queue)) for group in groups]
    started = time.monotonic()
    for process in processes:
        process.start()
    results = [queue.get() for _ in processes]
    for process in processes:
        process.join()
    elapsed = time.monotonic() - started
    latencies = sorted(latency for found, _ in results for latency in found)
    quantiles = statistics.quantiles(latencies, n=100)
    return {"requests": len(latencies), "errors": sum(errors for _, errors in results),
            "rps": len(latencies) / elapsed, "p50": quantiles[49] * 1000, "p99": quantiles[98] * 1000}


def wait_listening(port: int, process: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + 90
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"process exited; see {log}")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            connection.getresponse().read()
            return
        except OSError:
            time.sleep(0.3)
    raise RuntimeError(f"nothing listens on {port}; see {log}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes (both apps)")
    parser.add_argument("--threads", type=int, default=4, help="gunicorn threads per worker (both apps)")
    args = profiling.parse_arguments(parser, "the service's gunicorn workers during its load")
    namespace = f"cqs-bench-{uuid.uuid4().hex[:8]}"
    logs = Path(tempfile.mkdtemp(prefix="cqs-bench-"))
    with infrastructure.postgres_server() as pg, infrastructure.rabbitmq_server() as amqp, \
            infrastructure.fresh_database(pg) as database_url:
        env = {**os.environ, "CQS_DATABASE_URL": database_url, "CQS_BROKER_URL": amqp, "CQS_NAMESPACE": namespace,
               "CQS_JWKS_URL": write_jwks(logs / "jwks.json", KEY), "CQS_DATA_DIR": str(logs / "data"),
               "CQS_LOG_LEVEL": "warning",
               "CQS_WEB_WORKERS": str(args.workers), "CQS_WEB_THREADS": str(args.threads),
               "BARE_DATABASE_URL": database_url,
               # The 50 clients share one address here, unlike 50 units: the limiter stays on (its cost
               # counts) with a limit they cannot reach.
               "CQS_RATE_LIMIT_DEFAULT": "1000000 per minute"}
        cqs = lambda *command: subprocess.run([str(BIN / "cqs"), *command], env=env, cwd=ROOT, check=True,  # noqa: E731
                                              capture_output=True, text=True)
        for service in SERVICES:
            cqs("migrate", service)
        bare_engine = sa.create_engine(database_url)
        bare_insert_app.metadata.create_all(bare_engine)
        bare_engine.dispose()
        cqs("load-units", str(SEED / "units" / "hatinh-2021.yaml"), str(SEED / "units" / "hatinh-2025.yaml"))
        cqs("load-review-models", str(SEED / "review_models.yaml"))
        processes: list[subprocess.Popen] = []

        def spawn(name: str, command: list[str], **extra: str) -> subprocess.Popen:
            log = open(logs / f"{name}.log", "w")
            process = subprocess.Popen(command, env={**env, **extra}, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT,
                                       start_new_session=True)
            processes.append(process)
            return process

        try:
            ports = {"submission": free_port(), "bare": free_port()}
            web = spawn("submission-web", [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py",
                                           "services.submission.bootstrap:create_app()"],
                        CQS_BIND=f"127.0.0.1:{ports['submission']}",
                        PROMETHEUS_MULTIPROC_DIR=str(logs / "prometheus"))
            bare = spawn("bare-web", [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py",
                                      "benchmarks.bare_insert_app:create_app()"], CQS_BIND=f"127.0.0.1:{ports['bare']}")
            workers = {service: spawn(f"{service}-worker", [str(BIN / "cqs"), "worker", service, "--no-migrate"])
                       for service in SERVICES}
            wait_listening(ports["submission"], web, logs / "submission-web.log")
            wait_listening(ports["bare"], bare, logs / "bare-web.log")

            jobs = open_round_and_drafts(ports["submission"], args.clients)
            load_before, others_before = load_average(), other_processes()
            bare_pids, web_pids = process_tree(bare.pid), process_tree(web.pid)
            cpu = cpu_seconds(bare_pids)
            baseline = load(ports["bare"], jobs, args.seconds)
            baseline["cpu_ms"] = (cpu_seconds(bare_pids) - cpu) * 1000 / max(baseline["requests"], 1)
            cpu = cpu_seconds(web_pids)
            spy = profiling.Sampled(web_pids[1:]) if args.profile else None
            service = load(ports["submission"], jobs, args.seconds)
            service["cpu_ms"] = (cpu_seconds(web_pids) - cpu) * 1000 / max(service["requests"], 1)
            service["profile"] = spy.stop() if spy else None
            load_during, others_after = load_average(), other_processes()
            memory = {"submission web (gunicorn master)": rss_mb(web.pid),
                      **{f"submission web worker {pid}": rss_mb(pid) for pid in web_pids[1:]},
                      "bare web (gunicorn master)": rss_mb(bare.pid),
                      **{f"bare web worker {pid}": rss_mb(pid) for pid in bare_pids[1:]},
                      **{f"cqs worker {name}": rss_mb(process.pid) for name, process in workers.items()}}
        finally:
            stop(processes)
            infrastructure.delete_namespace(amqp, namespace)
    report(args, baseline, service, memory, (load_before, load_during), (others_before, others_after))


def stop(processes: list[subprocess.Popen]) -> None:
    for process in processes:
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
    for process in processes:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)


def open_round_and_drafts(port: int, clients: int) -> list[tuple[str, str, str]]:
    """Open the annual round over the registry; one (report, reporter token, full answers) per client."""
    admin = issue_token(KEY, "bench-admin", Role.ADMIN, "HT")

    def call(method: str, path: str, token: str, body: dict | None = None) -> object:
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        connection.request(method, path, body=json.dumps(body) if body is not None else None,
                           headers={"Authorization": f"Bearer {token}", "Content-Type": "application/json"})
        response = connection.getresponse()
        payload = json.loads(response.read() or b"null")
        if response.status >= 300:
            raise RuntimeError(f"{method} {path}: {response.status} {payload}")
        return payload

    year = dt.date.today().year + 1
    call("POST", "/rounds", admin, {"kind": "annual_evaluation", "year": year})
    call("POST", f"/rounds/{year}-annual/open", admin)
    reports = call("GET", f"/reports?round_id={year}-annual", admin)
    reports = reports["items"] if isinstance(reports, dict) else reports
    jobs = []
    for report in reports[:clients]:
        answers = unit_answers(load_catalog(report["catalog_version"]).unit_type(report["unit_type"]))
        token = issue_token(KEY, f"bench-{report['unit_code']}", Role.UNIT_REPORTER, report["unit_code"])
        jobs.append((report["id"], token, json.dumps({"answers": answers})))
    if len(jobs) < clients:
        raise RuntimeError(f"only {len(jobs)} drafts for {clients} clients")
    return jobs


def report(args, baseline: dict, service: dict, memory: dict, loads: tuple[float, float],
           others: tuple[str, str]) -> None:
    ratio = service["rps"] / baseline["rps"]
    lines = [
        f"| bare Flask + gunicorn, one INSERT | {baseline['requests']:,} | {baseline['errors']} | "
        f"{baseline['rps']:.0f} | {baseline['p50']:.0f} | {baseline['p99']:.0f} | {baseline['cpu_ms']:.1f} |",
        f"| submission `PATCH /reports/{{id}}` | {service['requests']:,} | {service['errors']} | "
        f"{service['rps']:.0f} | {service['p50']:.0f} | {service['p99']:.0f} | {service['cpu_ms']:.1f} |",
    ]
    memory_lines = [f"| {name} | {mb:.0f} |" for name, mb in memory.items()]
    text = "\n".join([
        f"```\n.venv/bin/python -m benchmarks.draft_saves --clients {args.clients} --seconds {args.seconds:.0f} "
        f"--workers {args.workers} --threads {args.threads}{' --profile' if args.profile else ''}\n```",
        "",
        f"Machine: {machine()}. Load average before: {loads[0]:.1f}, after: {loads[1]:.1f}. Sharing the cores, "
        f"before: {others[0]}; after: {others[1]}. {args.clients} clients for {args.seconds:.0f} s per target; "
        f"gunicorn {args.workers} workers × {args.threads} threads (gthread) for both; the service's per-address "
        f"rate limit raised out of reach (the clients share one address).",
        "",
        "| target | requests | errors | requests/s | p50 ms | p99 ms | server CPU ms per request |",
        "|---|---|---|---|---|---|---|",
        *lines,
        "",
        f"Ratio of requests/s: **{ratio:.2f} ×** the bare app (target ≥ 0.7); p99 {service['p99']:.0f} ms "
        f"(target ≤ 100 ms on a quiet machine).",
        "",
        "Resident memory after the load (benchmark 3; target ≤ 120 MB per worker process):",
        "",
        "| process | RSS MB |",
        "|---|---|",
        *memory_lines,
        *(["", "Where the service's workers spent the load (py-spy):", "", *profiling.top_functions(service["profile"])]
          if service["profile"] else []),
    ])
    print(text)
    if not args.no_record:
        record(HEADING, text)


if __name__ == "__main__":
    sys.exit(main())
