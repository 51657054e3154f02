"""Start the four services as real processes: per service a gunicorn web process and a
`cqs worker` process (outbox relay + consumers), as in production; and, when asked, the portal
(a gunicorn process calling the services over HTTP)."""
from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
from pathlib import Path

import requests

from shared.config import SERVICES
from tests.support.polling import eventually

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class RunningSystem:
    def __init__(self, env: dict[str, str], logs: Path):
        self.env = env
        self.logs = logs
        self.urls: dict[str, str] = {}
        self.worker_metrics_urls: dict[str, str] = {}
        self._processes: list[subprocess.Popen] = []
        self._named: dict[str, tuple[subprocess.Popen, list[str], dict[str, str]]] = {}

    def cli(self, *args: str, timeout_s: float = 120) -> str:
        result = subprocess.run([str(BIN / "cqs"), *args], env=self.env, cwd=ROOT, capture_output=True, text=True,
                                timeout=timeout_s)
        if result.returncode != 0:
            raise RuntimeError(f"cqs {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}")
        return result.stdout

    def _spawn(self, name: str, command: list[str], extra_env: dict[str, str] | None = None) -> None:
        log = open(self.logs / f"{name}.log", "a")
        process = subprocess.Popen(command, env={**self.env, **(extra_env or {})}, cwd=ROOT, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self._processes.append(process)
        self._named[name] = (process, command, extra_env or {})

    def stop_process(self, name: str) -> None:
        """Stop one process (e.g. `scoring-worker`) the way an orchestrator does: SIGTERM, then wait."""
        process, _, _ = self._named[name]
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
        self._processes.remove(process)

    def kill_process(self, name: str) -> None:
        """Kill one process with no warning (SIGKILL), as a crash or an OOM kill does."""
        process, _, _ = self._named[name]
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
        self._processes.remove(process)

    def pid(self, name: str) -> int:
        """The process id of `name` (e.g. `scoring-worker`; a web process's is its gunicorn master)."""
        return self._named[name][0].pid

    def names(self) -> list[str]:
        return list(self._named)

    def start_another(self, name: str) -> str:
        """Start a second instance of a worker (its own metrics port); return its name."""
        _, command, extra_env = self._named[name]
        another = f"{name}-2"
        self._spawn(another, command, {**extra_env, "CQS_METRICS_PORT": str(free_port())})
        return another

    def start_worker(self, service: str) -> str:
        """The service's `cqs worker` process (relay + consumers), with a metrics port; returns its name."""
        metrics_port = free_port()
        self.worker_metrics_urls[service] = f"http://127.0.0.1:{metrics_port}/metrics"
        self._spawn(f"{service}-worker", [str(BIN / "cqs"), "worker", service], {"CQS_METRICS_PORT": str(metrics_port)})
        return f"{service}-worker"

    def restart_process(self, name: str) -> None:
        _, command, extra_env = self._named[name]
        self._spawn(name, command, extra_env)

    def start(self, portal_port: int | None = None) -> None:
        """The services; with `portal_port`, the portal too (the services' CQS_JWKS_URL should name it)."""
        for service in SERVICES:
            self.cli("migrate", service)
        for service in SERVICES:
            port = free_port()
            self.urls[service] = f"http://127.0.0.1:{port}"
            # Two gunicorn workers for one service, so its /metrics adds up both (prometheus multiprocess mode).
            self._spawn(f"{service}-web", [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py",
                                           f"services.{service}.bootstrap:create_app()"],
                        {"CQS_BIND": f"127.0.0.1:{port}", "CQS_WEB_WORKERS": "2" if service == "submission" else "1",
                         "PROMETHEUS_MULTIPROC_DIR": str(self.logs / f"{service}-web-metrics")})
            self.start_worker(service)
        if portal_port:
            self.cli("migrate", "portal")
            self.urls["portal"] = f"http://127.0.0.1:{portal_port}"
            self._spawn("portal-web", [str(BIN / "gunicorn"), "-c", "deploy/gunicorn.conf.py",
                                       "services.portal.bootstrap:create_app()"],
                        {"CQS_BIND": f"127.0.0.1:{portal_port}", "CQS_WEB_WORKERS": "1",
                         **{f"CQS_{service.upper()}_URL": self.urls[service] for service in SERVICES}})
        for service, url in self.urls.items():
            self._wait_ready(service, url, "/sign-in" if service == "portal" else "/ready")

    def _wait_ready(self, service: str, url: str, path: str, timeout_s: float = 60) -> None:
        def ready() -> bool:
            if any(process.poll() is not None for process in self._processes):
                raise RuntimeError(f"a service process exited early; see the logs in {self.logs}")
            with contextlib.suppress(requests.ConnectionError, requests.Timeout):
                return requests.get(f"{url}{path}", timeout=2).status_code == 200
            return False

        eventually(ready, timeout_s=timeout_s, interval_s=0.2, what=f"{service} ready (logs in {self.logs})")

    def stop(self) -> None:
        for process in self._processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self._processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait()
