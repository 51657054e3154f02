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
import datetime as dt
import importlib
import os
import sys
from pathlib import Path

import sqlalchemy as sa

from shared import audit_chain, config, db_roles
from shared.auth import Role, issue_token
from shared.observability import logs
from shared.signing import SigningKey

PORTAL = "portal"


def _bootstrap(service: str):
    return importlib.import_module(f"services.{service}.bootstrap")


def cmd_worker(args: argparse.Namespace) -> None:
    runtime = _bootstrap(args.service).runtime()
    runtime.migrate()
    runtime.run_worker()


def cmd_migrate(args: argparse.Namespace) -> None:
    if args.service == PORTAL:
        engine = _bootstrap(PORTAL).migrate()
    else:
        runtime = _bootstrap(args.service).runtime()
        runtime.migrate()
        engine = runtime.engine
    print(f"{args.service}: schema at the newest migration")
    if args.grant_to:
        db_roles.grant_application_role(engine, args.service, args.grant_to)
        print(f"{args.service}: {args.grant_to} may use the tables (INSERT and SELECT only on the append-only logs)")


def cmd_worker_only(args: argparse.Namespace) -> None:
    """The worker without migrating (its role may not): production runs `cqs migrate` as the owner first."""
    _bootstrap(args.service).runtime().run_worker()


def cmd_token(args: argparse.Namespace) -> None:
    print(issue_token(config.signing_key(), args.user, args.role, args.unit, ttl=dt.timedelta(minutes=args.minutes)))


def cmd_signing_key(_args: argparse.Namespace) -> None:
    print(SigningKey.generate().pem().decode("ascii"), end="")


def cmd_create_account(args: argparse.Namespace) -> None:
    portal = _bootstrap(PORTAL)
    portal.migrate()
    errors = importlib.import_module("services.portal.domain.accounts")
    try:
        account, password = portal.accounts_for().create(args.username, args.name or args.username,
                                                                 args.unit, args.role)
    except errors.AccountError as error:
        sys.exit(f"cqs create-account: {error.code}")
    print(f"{account.username}: temporary password {password} (to be changed at first sign-in)")


def _submission_uow():
    runtime = _bootstrap("submission").runtime()
    runtime.migrate()
    return runtime.uow_factory()


def cmd_load_units(args: argparse.Namespace) -> None:
    from services.rounds.service_layer import registry

    try:
        count = registry.load_units(_submission_uow(), args.files)
    except ValueError as error:  # a seed file or the merged tree breaks a rule; the message names where
        sys.exit(f"cqs load-units: {error}")
    print(f"submission: {count} units loaded from {', '.join(map(str, args.files))}")


def cmd_load_review_models(args: argparse.Namespace) -> None:
    from services.rounds.service_layer import registry

    try:
        count = registry.load_review_models_file(_submission_uow(), args.file)
    except ValueError as error:
        sys.exit(f"cqs load-review-models: {error}")
    print(f"submission: {count} review models loaded from {args.file}")


def cmd_import_measurements(args: argparse.Namespace) -> None:
    from services.submission.domain.measurements import ImportRefused
    from services.submission.service_layer import measurements
    from shared.clock import utc_now
    from shared.domain.errors import DomainError

    try:
        made = measurements.import_file(_submission_uow(), args.round, agency=args.agency, imported_by=args.by,
                                        file_name=args.file.name, content=args.file.read_bytes(), now=utc_now())
    except ImportRefused as refused:
        lines = [f"  {'dòng ' + str(p.line) if p.line else 'tệp'} / {p.field}: {p.message_vi} ({p.message_en})"
                 for p in refused.problems]
        sys.exit("cqs import-measurements: " + refused.vi + "\n" + "\n".join(lines))
    except DomainError as error:
        sys.exit(f"cqs import-measurements: {error}")
    replaced = f", superseding import {made.supersedes}" if made.supersedes else ""
    print(f"submission: import {made.id} of {args.agency} for round {args.round}: {len(made.values)} values from "
          f"{args.file} (sha256 {made.sha256}){replaced}")
def _security_log(service: str) -> tuple[sa.Engine, sa.Table]:
    """The engine and security log of a service, or of the portal (sign-ins, failures, lock-outs)."""
    if service == PORTAL:
        from services.portal.adapters import orm as portal_orm

        return _bootstrap(PORTAL).engine_for(), portal_orm.security_log
    runtime = _bootstrap(service).runtime()
    return runtime.engine, runtime.security_log


def cmd_audit_verify(args: argparse.Namespace) -> None:
    engine, log = _security_log(args.service)
    anchors = audit_chain.read_anchors(args.anchors) if args.anchors else []
    with engine.connect() as connection:
        findings = audit_chain.verify(connection, log, anchors)
        rows = connection.execute(sa.select(sa.func.count()).select_from(log)).scalar_one()
    for finding in findings:
        print(f"{args.service}: {finding}")
    if findings:
        sys.exit(f"{args.service}: the security log was tampered with ({len(findings)} findings)")
    print(f"{args.service}: security log intact ({rows} rows, {len(anchors)} anchors checked)")


def cmd_audit_anchor(args: argparse.Namespace) -> None:
    engine, log = _security_log(args.service)
    exported = audit_chain.export_anchor(engine, log, args.service, args.dir)
    print(f"{args.service}: anchored seq {exported['seq']} ({exported['row_hash']})")


def cmd_reconcile(args: argparse.Namespace) -> None:
    from shared import reconciliation

    urls = {service: os.environ.get(f"CQS_{service.upper()}_URL", f"http://127.0.0.1:8000/{service}")
            for service in config.SERVICES}
    for pair in args.url:
        service, _, url = pair.partition("=")
        if service not in urls or not url:
            sys.exit(f"cqs reconcile: --url takes SERVICE=URL with SERVICE one of {', '.join(config.SERVICES)}")
        urls[service] = url
    token = os.environ.get("CQS_ADMIN_TOKEN") or issue_token(
        config.signing_key(), "cqs-reconcile", Role.ADMIN, args.admin_unit,
        ttl=dt.timedelta(minutes=30))
    client = reconciliation.ServiceClient(urls, token)
    if not reconciliation.reconcile(client, args.round_id, repair=args.repair, wait_s=args.wait):
        sys.exit(1)


def _dead_letter_queues(service: str):
    runtime = _bootstrap(service).runtime()
    runtime.migrate()
    return runtime.dead_letter_queues()


def cmd_dlq_list(args: argparse.Namespace) -> None:
    from shared.messaging import dead_letters

    parked = _dead_letter_queues(args.service).parked()
    for message in parked:
        headers = message.headers
        print(f"{message.id}  {headers.get(dead_letters.DEAD_LETTERED_AT, '?')}  {message.work_queue}  "
              f"{headers.get(dead_letters.EVENT_TYPE, '?')}  {headers.get(dead_letters.SUBJECT, '?')}  "
              f"attempts={headers.get(dead_letters.ATTEMPTS, '?')}  {headers.get(dead_letters.ERROR, '')[:160]}")
    print(f"{args.service}: {len(parked)} dead letter(s)")


def cmd_dlq_show(args: argparse.Namespace) -> None:
    import json

    from shared.messaging.dead_letters import UnknownDeadLetter

    try:
        message = _dead_letter_queues(args.service).show(args.id)
    except UnknownDeadLetter:
        sys.exit(f"cqs dlq show: no dead letter {args.id} in {args.service}")
    body = message.body if isinstance(message.body, str) else message.body.decode("utf-8", "replace")
    print(json.dumps({"id": message.id, "queue": message.queue, "content_type": message.content_type,
                      "headers": message.headers, "body": body}, ensure_ascii=False, indent=2, default=str))


def cmd_dlq_resolve(args: argparse.Namespace) -> None:
    from shared.clock import utc_now
    from shared.messaging.dead_letters import UnknownDeadLetter

    queues = _dead_letter_queues(args.service)
    failed = False
    for letter_id in args.ids:
        try:
            if args.dlq_command == "replay":
                message = queues.replay(letter_id, utc_now())
                print(f"{letter_id}: replayed onto {message.work_queue}")
            else:
                queues.discard(letter_id, args.reason, utc_now())
                print(f"{letter_id}: discarded ({args.reason})")
        except UnknownDeadLetter as error:
            failed = True
            print(f"{letter_id}: not found ({error})", file=sys.stderr)
    if failed:
        sys.exit(1)


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

    worker = commands.add_parser("worker", help="relay + consumers of one service")
    worker.add_argument("service", choices=config.SERVICES)
    worker.add_argument("--no-migrate", dest="func", action="store_const", const=cmd_worker_only, default=cmd_worker,
                        help="do not migrate first (the application role may not; the owner migrates)")
    migrate = commands.add_parser("migrate", help="migrate one service's schema, or the portal's (run as the owner)")
    migrate.add_argument("service", choices=(*config.SERVICES, PORTAL))
    migrate.add_argument("--grant-to", metavar="ROLE",
                         help="then grant the application's database ROLE what it needs, and no more")
    migrate.set_defaults(func=cmd_migrate)

    commands.add_parser("signing-key", help="print a new token signing key (PEM)").set_defaults(func=cmd_signing_key)
    account = commands.add_parser("create-account", help="create a portal account")
    account.add_argument("--username", required=True)
    account.add_argument("--name", help="the person's full name")
    account.add_argument("--role", required=True, choices=[role.value for role in Role])
    account.add_argument("--unit", required=True, help="the unit code the person acts for")
    account.set_defaults(func=cmd_create_account)

    token = commands.add_parser("token", help="issue a signed bearer token")
    token.add_argument("--role", required=True, choices=[role.value for role in Role])
    token.add_argument("--unit", required=True, help="the unit code the user acts for")
    token.add_argument("--user", default="demo")
    token.add_argument("--minutes", type=int, default=60, help="lifetime; the services refuse more than 60")
    token.set_defaults(func=cmd_token)

    reconcile = commands.add_parser(
        "reconcile", help="compare the services' views of a round's reports; --repair re-publishes what was lost",
        description="Exit status 0 when every service agrees (after the repair, with --repair), 1 otherwise. "
                    "Service URLs: CQS_<SERVICE>_URL (default: the embedded system on 127.0.0.1:8000) or --url; "
                    "the admin token: CQS_ADMIN_TOKEN, else one signed with the signing key (CQS_SIGNING_KEY_FILE).")
    reconcile.add_argument("round_id", metavar="ROUND")
    reconcile.add_argument("--repair", action="store_true", help="re-publish from the owning services' outboxes")
    reconcile.add_argument("--wait", type=float, default=60.0, help="seconds to wait for agreement after a repair")
    reconcile.add_argument("--url", action="append", default=[], metavar="SERVICE=URL")
    reconcile.add_argument("--admin-unit", default="HT", help="the unit the signed admin token names")
    reconcile.set_defaults(func=cmd_reconcile)

    load_units = commands.add_parser("load-units", help="load unit registry files into the submission service")
    load_units.add_argument("files", nargs="+", type=Path, metavar="FILE")
    load_units.set_defaults(func=cmd_load_units)

    load_models = commands.add_parser("load-review-models", help="load who reviews whom into the submission service")
    load_models.add_argument("file", type=Path, metavar="FILE")
    load_models.set_defaults(func=cmd_load_review_models)

    measured = commands.add_parser("import-measurements",
                                   help="import an agency's measured inputs for a round (JSON, CSV, XLSX)")
    measured.add_argument("--round", required=True, help="the round id, e.g. 2027-annual")
    measured.add_argument("--agency", required=True,
                          help="the agency whose systems measured the values (a catalog agency, e.g. ppc_office)")
    measured.add_argument("--by", default="cli", help="who sends the file (a person or a machine account)")
    measured.add_argument("file", type=Path, metavar="FILE")
    measured.set_defaults(func=cmd_import_measurements)
    audit = commands.add_parser("audit", help="the hash-chained security log").add_subparsers(dest="audit",
                                                                                             required=True)
    verify = audit.add_parser("verify", help="find edited, deleted, inserted or reordered rows")
    verify.add_argument("service", choices=(*config.SERVICES, PORTAL))
    verify.add_argument("--anchors", type=Path, help="an anchors file exported by `cqs audit anchor`")
    verify.set_defaults(func=cmd_audit_verify)
    anchor = audit.add_parser("anchor", help="export the log's head outside the database")
    anchor.add_argument("service", choices=(*config.SERVICES, PORTAL))
    anchor.add_argument("dir", type=Path)
    anchor.set_defaults(func=cmd_audit_anchor)

    dlq = commands.add_parser("dlq", help="the dead letters of one service: list, show, replay, discard")
    dlq_commands = dlq.add_subparsers(dest="dlq_command", required=True)
    for name, text, func in (("list", "every dead letter of the service's handlers", cmd_dlq_list),
                             ("show", "one dead letter: error, headers and body", cmd_dlq_show),
                             ("replay", "back onto the handler's queue (after the cause is fixed)", cmd_dlq_resolve),
                             ("discard", "remove for good, recording why", cmd_dlq_resolve)):
        command = dlq_commands.add_parser(name, help=text)
        command.add_argument("service", choices=config.SERVICES)
        if name == "show":
            command.add_argument("id")
        elif name != "list":
            command.add_argument("ids", nargs="+", metavar="ID")
        if name == "discard":
            command.add_argument("--reason", required=True, help="why it is discarded (kept with the record)")
        command.set_defaults(func=func)

    args = parser.parse_args(argv)
    # JSON lines for the processes of the production shape; a person running `cqs run` reads text.
    logs.configure(log_format=os.environ.get("CQS_LOG_FORMAT", "text" if args.command == "run" else "json"))
    args.func(args)


if __name__ == "__main__":
    sys.exit(main())
