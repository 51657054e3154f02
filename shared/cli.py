"""`cqs`: run the whole system embedded, run one service's worker, migrate, issue tokens.

    cqs run                      the four services on one port, SQLite + in-process broker, demo data
    cqs worker SERVICE           relay + consumers of one service (production: beside gunicorn)
    cqs migrate SERVICE          bring the service's schema to the newest migration
    cqs token --role R --unit U  a signed bearer token for the demo or for tests
"""
from __future__ import annotations

import argparse
import datetime as dt
import importlib
import logging
import sys

from shared import config
from shared.auth import Role, issue_token


def _bootstrap(service: str):
    return importlib.import_module(f"services.{service}.bootstrap")


def cmd_worker(args: argparse.Namespace) -> None:
    runtime = _bootstrap(args.service).runtime()
    runtime.migrate()
    runtime.run_worker()


def cmd_migrate(args: argparse.Namespace) -> None:
    _bootstrap(args.service).runtime().migrate()
    print(f"{args.service}: schema at the newest migration")


def cmd_token(args: argparse.Namespace) -> None:
    secret = config.load("submission").jwt_secret
    print(issue_token(secret, args.user, args.role, args.unit, ttl=dt.timedelta(hours=args.hours)))


def cmd_run(args: argparse.Namespace) -> None:
    from shared.embedded import run_embedded

    run_embedded(host=args.host, port=args.port, seed=not args.no_demo)


def main(argv: list[str] | None = None) -> None:
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s")
    parser = argparse.ArgumentParser(prog="cqs", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="the whole system on embedded defaults")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--no-demo", action="store_true", help="start without loading the demo data")
    run.set_defaults(func=cmd_run)

    for name, func, text in (("worker", cmd_worker, "relay + consumers of one service"),
                             ("migrate", cmd_migrate, "migrate one service's schema")):
        command = commands.add_parser(name, help=text)
        command.add_argument("service", choices=config.SERVICES)
        command.set_defaults(func=func)

    token = commands.add_parser("token", help="issue a signed bearer token")
    token.add_argument("--role", required=True, choices=[role.value for role in Role])
    token.add_argument("--unit", required=True, help="the unit code the user acts for")
    token.add_argument("--user", default="demo")
    token.add_argument("--hours", type=int, default=12)
    token.set_defaults(func=cmd_token)

    args = parser.parse_args(argv)
    args.func(args)


if __name__ == "__main__":
    sys.exit(main())
