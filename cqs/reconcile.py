"""`cqs reconcile ROUND`: compare the services' views of a round's reports over their HTTP APIs, and repair."""
from __future__ import annotations

import argparse
import datetime as dt
import os
import sys

from shared import config, reconciliation
from shared.auth import Role, issue_token


def cmd_reconcile(args: argparse.Namespace) -> None:
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


def register(commands: argparse._SubParsersAction) -> None:
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
