"""`cqs audit verify` and `cqs audit anchor`: the hash-chained security log of a service or of the portal."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path

import sqlalchemy as sa

from cqs.wiring import PORTAL, bootstrap
from shared import audit_chain, config


def _security_log(service: str) -> tuple[sa.Engine, sa.Table]:
    """The engine and security log of a service, or of the portal (sign-ins, failures, lock-outs)."""
    if service == PORTAL:
        from services.portal.adapters import orm as portal_orm

        return bootstrap(PORTAL).engine_for(), portal_orm.security_log
    runtime = bootstrap(service).runtime()
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


def register(commands: argparse._SubParsersAction) -> None:
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
