"""`cqs`: run the whole system embedded, run one service's worker, migrate, issue tokens.

    cqs run                      the four services on one port, SQLite + in-process broker, demo data
    cqs worker SERVICE           relay + consumers of one service (production: beside gunicorn)
    cqs migrate SERVICE          bring the service's schema to the newest migration [--grant-to APP_ROLE]
    cqs migrate portal           the portal's accounts schema
    cqs token --role R --unit U  a bearer token signed with the portal's key, for scripts and tests
    cqs signing-key              print a new Ed25519 signing key (PEM) for CQS_SIGNING_KEY_FILE
    cqs create-account ...       a portal account (e.g. the first admin); prints its temporary password
    cqs reconcile ROUND          compare the services' views of every report of a round (--repair re-publishes)
    cqs load-units FILE...       load unit registry files (YAML, applied in order) into the submission service
    cqs load-review-models FILE  replace who-reviews-whom with the models of FILE (YAML)
    cqs import-measurements --round R --agency A FILE
                                 import an agency's measured inputs (JSON, CSV or XLSX) into a round
    cqs audit verify SERVICE     check the security log's hash chain (and --anchors FILE); exit 1 on findings
    cqs audit anchor SERVICE DIR export the log's head to DIR/SERVICE.anchors.jsonl (keep DIR off the database)
    cqs dlq list SERVICE         the events the service's handlers could not process (parked, dead-lettered)
    cqs dlq show SERVICE ID      one of them: its error, headers and body
    cqs dlq replay SERVICE ID... put them back on their handler's queue, after the cause is fixed
    cqs dlq discard SERVICE ID... --reason TEXT   remove them for good, recording why
"""
from __future__ import annotations

import argparse
import os
import sys

from cqs import audit, credentials, dead_letters, processes, reconcile, submission_data
from shared import config
from shared.observability import logs


def cmd_run(args: argparse.Namespace) -> None:
    from cqs.embedded import run_embedded

    run_embedded(host=args.host, port=args.port, seed=not args.no_demo)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="cqs", description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)

    run = commands.add_parser("run", help="the whole system on embedded defaults")
    run.add_argument("--host", default="127.0.0.1")
    run.add_argument("--port", type=int, default=8000)
    run.add_argument("--no-demo", action="store_true", help="start without loading the demo data")
    run.set_defaults(func=cmd_run)
    for group in (processes, credentials, reconcile, submission_data, audit, dead_letters):
        group.register(commands)

    args = parser.parse_args(argv)
    # JSON lines for the processes of the production shape; a person running `cqs run` reads text.
    logs.configure(log_format=os.environ.get("CQS_LOG_FORMAT", "text" if args.command == "run" else "json"))
    try:
        args.func(args)
    except config.ConfigError as error:  # a setting to fix, said in one line rather than a traceback
        sys.exit(f"cqs: {error}")


if __name__ == "__main__":
    sys.exit(main())
