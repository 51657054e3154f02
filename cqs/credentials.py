"""`cqs signing-key`, `cqs create-account` and `cqs token`: the keys, accounts and tokens people and scripts
sign in with."""
from __future__ import annotations

import argparse
import datetime as dt
import sys

from cqs.wiring import PORTAL, bootstrap
from shared import config
from shared.auth import Role, issue_token
from shared.signing import SigningKey


def cmd_signing_key(_args: argparse.Namespace) -> None:
    print(SigningKey.generate().pem().decode("ascii"), end="")


def cmd_create_account(args: argparse.Namespace) -> None:
    from services.portal.domain.accounts import AccountError

    portal = bootstrap(PORTAL)
    portal.migrate()
    try:
        account, password = portal.accounts_for().create(args.username, args.name or args.username,
                                                         args.unit, args.role)
    except AccountError as error:
        sys.exit(f"cqs create-account: {error.code}")
    print(f"{account.username}: temporary password {password} (to be changed at first sign-in)")


def cmd_token(args: argparse.Namespace) -> None:
    print(issue_token(config.signing_key(), args.user, args.role, args.unit, ttl=dt.timedelta(minutes=args.minutes)))


def register(commands: argparse._SubParsersAction) -> None:
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
