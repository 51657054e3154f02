"""The portal's accounts and security log as its use cases see them: a repository of accounts and one
transaction of the portal's database (its unit of work)."""
from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session, sessionmaker

from services.portal.adapters import orm
from services.portal.domain.accounts import Account
from shared import audit_chain


class AccountRepository:
    def __init__(self, session: Session):
        self.session = session

    def get(self, account_id: str) -> Account | None:
        return self.session.get(Account, account_id)

    def named(self, username: str) -> Account | None:
        return self.session.execute(sa.select(Account).filter_by(username=username)).scalars().first()

    def list(self) -> list[Account]:
        """Every account, by unit and user name."""
        return list(self.session.execute(sa.select(Account).order_by(Account.unit_code, Account.username)).scalars())

    def add(self, account: Account) -> None:
        self.session.add(account)

    def remove(self, account: Account) -> None:
        self.session.delete(account)


class AccountsUnitOfWork:
    """One transaction of the portal's database: kept by `commit`, rolled back otherwise. What was read
    stays readable after it ends (the pages show it)."""

    accounts: AccountRepository

    def __init__(self, session_factory: sessionmaker):
        self._session_factory = session_factory

    def __enter__(self) -> AccountsUnitOfWork:
        self.session = self._session_factory()
        self.accounts = AccountRepository(self.session)
        return self

    def __exit__(self, *args) -> None:
        self.session.expunge_all()
        self.session.rollback()
        self.session.close()

    def log(self, entries: Iterable[audit_chain.Entry]) -> None:
        """Append to the security log in this transaction, after the changes made so far."""
        self.session.flush()
        audit_chain.append_in(self.session.connection(), orm.security_log, list(entries))

    def commit(self) -> None:
        self.session.commit()

    def ping(self) -> None:
        """Raises when the database is out of reach."""
        self.session.execute(sa.select(1))
