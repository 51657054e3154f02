"""The whole system in one process, for a laptop or a demo: the portal at / and the four services'
apps under /<service> of one port (werkzeug dispatcher), their relays and consumers as threads,
SQLite files and the in-process broker. The code paths are production's; only the URLs differ:
the portal calls the services over HTTP on the same port, as it calls the reverse proxy in production."""
from __future__ import annotations

import logging
import threading

from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.serving import WSGIRequestHandler, run_simple

from cqs import demo_history
from cqs.wiring import bootstrap
from services.portal import bootstrap as portal
from services.portal import demo as portal_demo
from services.portal import settings as portal_settings
from services.submission import demo as submission_demo
from shared import config

log = logging.getLogger(__name__)


class QuietRequestHandler(WSGIRequestHandler):
    """werkzeug's server without its banner (`Server: Werkzeug/x Python/y` names versions to attack)."""

    def version_string(self) -> str:
        return "cqs"


def build(seed: bool, base_url: str) -> tuple[DispatcherMiddleware, list, threading.Event]:
    runtimes, apps = {}, {}
    for service in config.SERVICES:
        wired = bootstrap(service)
        runtime = wired.runtime()
        runtime.migrate()
        runtimes[service] = runtime
        apps[f"/{service}"] = wired.create_app(runtime)
    stop = threading.Event()
    for runtime in runtimes.values():
        runtime.start_messaging(stop)
    settings = portal_settings.load(api_base=base_url)
    if seed:
        _refuse_demo_outside_embedded(runtimes, settings.database_url)
    portal.migrate(settings.database_url)
    accounts = portal.accounts_for(settings.database_url)
    demo_accounts = []
    if seed:
        submission_demo.seed(runtimes["submission"])
        demo_history.replay(apps, runtimes)
        demo_accounts = portal_demo.seed(accounts)
    # The calendar starts once the demo's past rounds are replayed (cqs/demo_history.py sets the clocks back).
    for runtime in runtimes.values():
        runtime.start_periodic_jobs(stop)
    return DispatcherMiddleware(portal.create_app(settings, accounts), apps), demo_accounts, stop


def _refuse_demo_outside_embedded(runtimes: dict, portal_database_url: str) -> None:
    """The demo fills in and sends reports in real units' names and creates accounts with a printed password:
    only on the embedded mode's own SQLite files and in-process broker, never on servers set by the environment."""
    broker = runtimes["submission"].settings.broker_url
    if not all(config.is_embedded(runtime.settings.database_url, runtime.settings.broker_url)
               for runtime in runtimes.values()) or not config.is_embedded(portal_database_url, broker):
        raise config.ConfigError("the demo data is for the embedded mode only (SQLite files and the in-process "
                                 "broker): with CQS_DATABASE_URL or CQS_BROKER_URL set, start with --no-demo")


def run_embedded(host: str, port: int, seed: bool) -> None:
    url = f"http://{host}:{port}"
    application, demo_accounts, stop = build(seed, url)
    print(f"\nCQS đang chạy tại / is running at {url}/  (đăng nhập / sign in: {url}/sign-in)")
    for service in config.SERVICES:
        print(f"  {service:12s} {url}/{service}/openapi.json")
    if demo_accounts:
        print("\nTài khoản demo / demo accounts (tên đăng nhập / user name, mật khẩu / password):")
        for label, username, password in demo_accounts:
            print(f"  {label}:\n    {username} / {password}")
    print("\nScripts: `cqs token --role R --unit U` signs a bearer token with the same key (CQS_DATA_DIR).")
    try:
        run_simple(host, port, application, threaded=True, use_reloader=False, request_handler=QuietRequestHandler)
    finally:
        stop.set()
