"""Accounts of the portal: who signs in, for which unit, with which role; the password and
lock-out rules. Pure: hashing is passed in, time is passed in."""
from __future__ import annotations

import dataclasses
import datetime as dt
from pathlib import Path

from shared.auth import Role

MIN_PASSWORD_LENGTH = 10
# As long as the accounts table holds them; a unit code as long as the services' (shared/columns.UNIT_CODE).
MAX_USERNAME_LENGTH = 64
MAX_DISPLAY_NAME_LENGTH = 200
MAX_UNIT_CODE_LENGTH = 64
MAX_FAILED_ATTEMPTS = 5
LOCKOUT = dt.timedelta(minutes=15)
COMMON_PASSWORDS = frozenset(
    line.strip().lower() for line in (Path(__file__).with_name("common_passwords.txt")).read_text().splitlines()
    if line.strip() and not line.startswith("#"))


class AccountError(Exception):
    """A rule about accounts was broken; `code` names it for the message shown to people."""

    def __init__(self, code: str, field: str | None = None):
        super().__init__(code)
        self.code = code
        self.field = field


def password_problems(password: str, username: str) -> list[str]:
    """The rules a new password breaks (codes), none if it is acceptable."""
    problems = []
    if len(password) < MIN_PASSWORD_LENGTH:
        problems.append("too_short")
    lowered = password.lower()
    if lowered in COMMON_PASSWORDS or lowered.rstrip("0123456789!@#.") in COMMON_PASSWORDS:
        problems.append("too_common")
    if username and username.lower() in lowered:
        problems.append("contains_username")
    return problems


@dataclasses.dataclass
class Account:
    id: str
    username: str
    display_name: str
    unit_code: str
    role: Role
    password_hash: str
    created_at: dt.datetime
    must_change_password: bool = True
    disabled: bool = False
    failed_attempts: int = 0
    locked_until: dt.datetime | None = None
    # Bumped when the password changes or the account is disabled: older sessions end.
    session_epoch: int = 0

    def is_locked(self, now: dt.datetime) -> bool:
        return self.locked_until is not None and now < self.locked_until

    def record_failure(self, now: dt.datetime) -> None:
        self.failed_attempts += 1
        if self.failed_attempts >= MAX_FAILED_ATTEMPTS:
            self.locked_until = now + LOCKOUT
            self.failed_attempts = 0

    def record_success(self) -> None:
        self.failed_attempts = 0
        self.locked_until = None

    def set_password(self, password_hash: str, *, temporary: bool) -> None:
        self.password_hash = password_hash
        self.must_change_password = temporary
        self.failed_attempts = 0
        self.locked_until = None
        self.session_epoch += 1

    def disable(self) -> None:
        self.disabled = True
        self.session_epoch += 1

    def enable(self) -> None:
        self.disabled = False
