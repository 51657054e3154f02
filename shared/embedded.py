"""The whole system in one process, for a laptop or a demo: the four services' apps under one
port (werkzeug dispatcher), their relays and consumers as threads, SQLite files and the
in-process broker. The code paths are production's; only the URLs differ."""
from __future__ import annotations

import importlib
import logging
import threading

from flask import Flask
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import WSGIRequestHandler, run_simple

from shared import config

log = logging.getLogger(__name__)


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's server without its banner (`Server: Werkzeug/x Python/y` names versions to attack)."""

    def version_string(self) -> str:
        return "cqs"


def _index(mounts: list[str]) -> Flask:
    index = Flask("cqs")

    @index.get("/")
    def root():
        return {
            "name": "CQS — Hệ thống đánh giá kết quả phát triển chính quyền số",
            "services": {name: {"api": f"/{name}/", "openapi": f"/{name}/openapi.json", "health": f"/{name}/health"}
                         for name in mounts},
        }

    return index


def build(seed: bool) -> tuple[DispatcherMiddleware, list, threading.Event]:
    runtimes, apps = {}, {}
    for service in config.SERVICES:
        bootstrap = importlib.import_module(f"services.{service}.bootstrap")
        runtime = bootstrap.runtime()
        runtime.migrate()
        runtimes[service] = runtime
        apps[f"/{service}"] = bootstrap.create_app(runtime)
    stop = threading.Event()
    for runtime in runtimes.values():
        runtime.start_background(stop)
    tokens = []
    if seed:
        from services.submission import demo

        tokens = demo.seed(runtimes["submission"])
    return DispatcherMiddleware(_index(list(config.SERVICES)), apps), tokens, stop


def run_embedded(host: str, port: int, seed: bool) -> None:
    application, tokens, stop = build(seed)
    url = f"http://{host}:{port}"
    print(f"\nCQS đang chạy tại / is running at {url}/")
    for service in config.SERVICES:
        print(f"  {service:12s} {url}/{service}/openapi.json")
    if tokens:
        print("\nDemo tokens (Authorization: Bearer …):")
        for label, token in tokens:
            print(f"  {label}:\n    {token}")
    try:
        run_simple(host, port, application, threaded=True, use_reloader=False, request_handler=QuietRequestHandler)
    finally:
        stop.set()
