"""Demo accounts for `cqs run`: one per kind of person, with passwords printed at start-up (the
embedded mode only; production accounts are created by an administrator). Seeding twice changes nothing."""
from __future__ import annotations

from services.portal.domain.accounts import AccountError
from services.portal.service_layer.accounts import Accounts
from shared.auth import Role

DEMO_PASSWORD = "demo-Ha-Tinh-2027"
DEMO_ACCOUNTS = (
    ("xa.thanhsen", "Cán bộ Phường Thành Sen", Role.UNIT_REPORTER, "18073-2025",
     "báo cáo cấp xã / commune clerk — Phường Thành Sen"),
    ("so.taichinh", "Cán bộ Sở Tài chính", Role.UNIT_REPORTER, "STC",
     "báo cáo cấp sở / department clerk — Sở Tài chính"),
    ("huyen.honglinh", "Thẩm định viên TX Hồng Lĩnh", Role.DISTRICT_REVIEWER, "437",
     "thẩm định cấp huyện / district reviewer — Thị xã Hồng Lĩnh (rounds 2022-annual, 2023-annual: "
     "2021 three-tier model)"),
    ("so.khcn", "Thẩm định viên Sở KH&CN", Role.DEPARTMENT_REVIEWER, "SKHCN",
     "thẩm định / the Department's reviewer — Sở Khoa học và Công nghệ"),
    ("quantri", "Quản trị hệ thống", Role.ADMIN, "HT", "quản trị / admin — UBND tỉnh Hà Tĩnh"),
)


def seed(accounts: Accounts) -> list[tuple[str, str, str]]:
    """Create the demo accounts (if missing); answers (label, user name, password) to print."""
    for username, name, role, unit, _label in DEMO_ACCOUNTS:
        try:
            accounts.create(username, name, unit, role, DEMO_PASSWORD, must_change_password=False)
        except AccountError as error:
            if error.code != "username_taken":
                raise
    return [(label, username, DEMO_PASSWORD) for username, _name, _role, _unit, label in DEMO_ACCOUNTS]
