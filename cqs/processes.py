"""`cqs worker` and `cqs migrate`: the processes of the production shape besides the web apps."""
from __future__ import annotations

import argparse

from cqs.wiring import PORTAL, bootstrap
from shared import config, db_roles


def cmd_worker(args: argparse.Namespace) -> None:
    runtime = bootstrap(args.service).runtime()
    runtime.migrate()
    runtime.run_worker()


def cmd_worker_only(args: argparse.Namespace) -> None:
    """The worker without migrating (its role may not): production runs `cqs migrate` as the owner first."""
    bootstrap(args.service).runtime().run_worker()


def cmd_migrate(args: argparse.Namespace) -> None:
    if args.service == PORTAL:
        engine = bootstrap(PORTAL).migrate()
    else:
        runtime = bootstrap(args.service).runtime()
        runtime.migrate()
        engine = runtime.engine
    print(f"{args.service}: schema at the newest migration")
    if args.grant_to:
        db_roles.grant_application_role(engine, args.service, args.grant_to)
        print(f"{args.service}: {args.grant_to} may use the tables (INSERT and SELECT only on the append-only logs)")


def register(commands: argparse._SubParsersAction) -> None:
    worker = commands.add_parser("worker", help="relay + consumers of one service")
    worker.add_argument("service", choices=config.SERVICES)
    worker.add_argument("--no-migrate", dest="func", action="store_const", const=cmd_worker_only, default=cmd_worker,
                        help="do not migrate first (the application role may not; the owner migrates)")
    migrate = commands.add_parser("migrate", help="migrate one service's schema, or the portal's (run as the owner)")
    migrate.add_argument("service", choices=(*config.SERVICES, PORTAL))
    migrate.add_argument("--grant-to", metavar="ROLE",
                         help="then grant the application's database ROLE what it needs, and no more")
    migrate.set_defaults(func=cmd_migrate)
