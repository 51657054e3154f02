"""Account use cases: create (one, or a CSV of a round's units), sign in with lock-out, change and
reset passwords, disable. Each runs in one transaction of the portal's own database."""
from __future__ import annotations

import csv
import dataclasses
import datetime as dt
import io
import secrets
import uuid
from typing import Callable

import argon2

from services.portal.adapters.repository import AccountsUnitOfWork
from services.portal.domain.accounts import (
    MAX_DISPLAY_NAME_LENGTH,
    MAX_UNIT_CODE_LENGTH,
    MAX_USERNAME_LENGTH,
    Account,
    AccountError,
    password_problems,
)
from shared import audit_chain
from shared.auth import Role

# Argon2id (the library's default type) with its default, RFC 9106-recommended costs.
_hasher = argon2.PasswordHasher()
# Verifying against this when the user name is unknown costs the same time as a real check.
_DUMMY_HASH = _hasher.hash(secrets.token_urlsafe(16))


@dataclasses.dataclass
class Accounts:
    """The use cases on the portal's database (a new unit of work each) and the bootstrap's clock."""

    uow: Callable[[], AccountsUnitOfWork]
    clock: Callable[[], dt.datetime]

    def ping(self) -> None:
        """Raises when the accounts' database is out of reach (the portal's readiness)."""
        with self.uow() as uow:
            uow.ping()

    def get(self, account_id: str) -> Account | None:
        with self.uow() as uow:
            return uow.accounts.get(account_id)

    def list(self) -> list[Account]:
        with self.uow() as uow:
            return uow.accounts.list()

    def create(self, username: str, display_name: str, unit_code: str, role: Role | str,
               password: str | None = None, *, must_change_password: bool = True) -> tuple[Account, str]:
        """A new account with `password`, or a generated temporary one; answers the account and its password."""
        username, display_name, unit_code = username.strip().lower(), display_name.strip(), unit_code.strip()
        if not username or not username.replace(".", "").replace("-", "").replace("_", "").isalnum():
            raise AccountError("invalid_username", "username")
        if len(username) > MAX_USERNAME_LENGTH:
            raise AccountError("username_too_long", "username")
        if len(display_name) > MAX_DISPLAY_NAME_LENGTH:
            raise AccountError("display_name_too_long", "display_name")
        if not unit_code or len(unit_code) > MAX_UNIT_CODE_LENGTH:
            raise AccountError("invalid_unit_code", "unit_code")
        password = password or generate_password()
        if password_problems(password, username):
            raise AccountError(password_problems(password, username)[0], "password")
        with self.uow() as uow:
            if uow.accounts.named(username):
                raise AccountError("username_taken", "username")
            account = Account(id=str(uuid.uuid4()), username=username, display_name=display_name or username,
                              unit_code=unit_code, role=Role(role), password_hash=_hasher.hash(password),
                              created_at=self.clock(), must_change_password=must_change_password)
            uow.accounts.add(account)
            uow.commit()
        return account, password

    def create_from_csv(self, text: str) -> list[tuple[Account, str]]:
        """Accounts from CSV rows `username,display_name,unit_code,role`, all or none."""
        rows = [row for row in csv.DictReader(io.StringIO(text.strip()))]
        required = {"username", "display_name", "unit_code", "role"}
        if not rows or not required <= set(rows[0]):
            raise AccountError("csv_columns", "file")
        for row in rows:
            if row["role"] not in {role.value for role in Role}:
                raise AccountError("invalid_role", "file")
        created = []
        try:
            for row in rows:
                created.append(self.create(row["username"], row["display_name"], row["unit_code"], row["role"]))
        except AccountError:
            with self.uow() as uow:
                for account, _ in created:
                    uow.accounts.remove(uow.accounts.get(account.id))
                uow.commit()
            raise
        return created

    def authenticate(self, username: str, password: str, remote_addr: str = "") -> Account:
        """The account, or AccountError; every outcome goes to the security log in the same transaction."""
        now = self.clock()
        failure = None
        newly_locked = False
        with self.uow() as uow:
            # The failure is counted in the same transaction, so it is committed, not rolled back by the refusal.
            account = uow.accounts.named(username.strip().lower())
            if account is None:
                _verify(_DUMMY_HASH, password)
                failure = "bad_credentials"
            elif account.is_locked(now):
                failure = "locked"
            elif not _verify(account.password_hash, password):
                account.record_failure(now)
                newly_locked = account.is_locked(now)
                failure = "locked" if newly_locked else "bad_credentials"
            elif account.disabled:
                failure = "disabled"
            else:
                account.record_success()
                if _hasher.check_needs_rehash(account.password_hash):
                    account.password_hash = _hasher.hash(password)
            uow.log(_sign_in_entries(username, account, failure, newly_locked, remote_addr, now))
            uow.commit()
        if failure:
            raise AccountError(failure)
        return account

    def change_password(self, account_id: str, current: str, new: str) -> Account:
        with self.uow() as uow:
            account = uow.accounts.get(account_id)
            if not _verify(account.password_hash, current):
                raise AccountError("bad_current_password", "current_password")
            if new == current:
                raise AccountError("same_password", "new_password")
            problems = password_problems(new, account.username)
            if problems:
                raise AccountError(problems[0], "new_password")
            account.set_password(_hasher.hash(new), temporary=False)
            uow.commit()
            return account

    def reset_password(self, account_id: str) -> tuple[Account, str]:
        password = generate_password()
        with self.uow() as uow:
            account = uow.accounts.get(account_id)
            account.set_password(_hasher.hash(password), temporary=True)
            uow.commit()
            return account, password

    def set_disabled(self, account_id: str, disabled: bool) -> Account:
        with self.uow() as uow:
            account = uow.accounts.get(account_id)
            account.disable() if disabled else account.enable()
            uow.commit()
            return account


def _sign_in_entries(username: str, account: Account | None, failure: str | None, newly_locked: bool,
                     remote_addr: str, now: dt.datetime) -> list[audit_chain.Entry]:
    """A sign-in, or a refused one with its reason; a lock-out is a row of its own."""
    who = {"actor": account.username if account else username.strip().lower()[:128],
           "actor_role": account.role.value if account else "", "actor_unit": account.unit_code if account else "",
           "operation": "sign_in", "target": f"account:{account.id}" if account else "", "at": now}
    detail = {"remote_addr": remote_addr, "known_account": account is not None}
    if failure is None:
        return [audit_chain.Entry(kind="sign_in", **who, detail=detail)]
    entries = [audit_chain.Entry(kind="sign_in_failed", outcome="refused", **who, detail={**detail, "reason": failure})]
    if newly_locked:
        entries.append(audit_chain.Entry(kind="account_locked", outcome="locked", **who,
                                         detail={**detail, "locked_until": account.locked_until.isoformat()}))
    return entries


def generate_password() -> str:
    """A temporary password to hand over; the account must change it at first sign-in."""
    return secrets.token_urlsafe(12)


def _verify(password_hash: str, password: str) -> bool:
    try:
        return _hasher.verify(password_hash, password)
    except argon2.exceptions.VerificationError:
        return False
    except argon2.exceptions.InvalidHashError:
        return False
