import datetime as dt

from services.portal.domain.accounts import (
    LOCKOUT,
    MAX_FAILED_ATTEMPTS,
    MAX_UNIT_CODE_LENGTH,
    Account,
    password_problems,
)
from shared.auth import Role
from shared.columns import UNIT_CODE

NOW = dt.datetime(2026, 11, 30, 8, 0, tzinfo=dt.timezone.utc)


def account() -> Account:
    return Account(id="a1", username="xa.thanhsen", display_name="Cán bộ", unit_code="18073-2025",
                   role=Role.UNIT_REPORTER, password_hash="h", created_at=NOW)


def test_a_password_must_be_long_uncommon_and_not_the_user_name():
    assert password_problems("ngắn", "xa.thanhsen") == ["too_short"]
    assert "too_common" in password_problems("matkhau123!", "someone")
    assert "too_common" in password_problems("Password1234", "someone")
    assert password_problems("xa.thanhsen-2027", "xa.thanhsen") == ["contains_username"]
    assert password_problems("cây-lúa-ruộng-bậc-thang", "xa.thanhsen") == []


def test_repeated_failures_lock_the_account_for_a_cool_down():
    clerk = account()
    for _ in range(MAX_FAILED_ATTEMPTS - 1):
        clerk.record_failure(NOW)
    assert not clerk.is_locked(NOW)
    clerk.record_failure(NOW)
    assert clerk.is_locked(NOW + LOCKOUT - dt.timedelta(seconds=1))
    assert not clerk.is_locked(NOW + LOCKOUT)


def test_a_new_password_or_disabling_ends_every_older_session():
    clerk = account()
    epoch = clerk.session_epoch
    clerk.set_password("new-hash", temporary=False)
    assert clerk.session_epoch == epoch + 1 and not clerk.must_change_password
    clerk.disable()
    assert clerk.session_epoch == epoch + 2 and clerk.disabled


def test_an_account_holds_a_unit_code_as_long_as_the_services_do():
    assert MAX_UNIT_CODE_LENGTH == UNIT_CODE.length
