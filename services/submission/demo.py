"""Demo data for `cqs run`: the Hà Tĩnh registry and review models, the annual round open
today, a past round under the 2021 three-tier model, and bearer tokens to try them with.

Which round is "today's": the annual evaluation whose departments' window contains today.
Windows run from 15 Nov (communes: 10 Nov) of the previous year, so on 25 Nov 2026 that is
the 2027 evaluation, open for communes since 10 Nov 2026 and for the others since 15 Nov
2026. The past round is the 2022 evaluation, opened as on 10 Nov 2021 (communes reviewed by
their district, results consolidated by districts) and closed at its last deadline.
Seeding twice changes nothing.
"""
from __future__ import annotations

import datetime as dt

from services.submission.adapters.seed_files import HATINH_UNIT_FILES, REVIEW_MODELS_FILE
from services.submission.domain.calendar import RoundKind, annual_window
from services.submission.domain.rounds import RoundStatus
from services.submission.domain.units import UnitType
from services.submission.service_layer import rounds
from shared.auth import Role, issue_token

THREE_TIER_YEAR = 2022
DEMO_USERS = (
    ("báo cáo / department reporter — Sở Tài chính", "demo-stc", Role.UNIT_REPORTER, "STC"),
    ("báo cáo / commune reporter — Phường Thành Sen", "demo-thanhsen", Role.UNIT_REPORTER, "18073-2025"),
    ("thẩm định / the Department's reviewer — Sở Khoa học và Công nghệ", "demo-skhcn",
     Role.DEPARTMENT_REVIEWER, "SKHCN"),
    ("quản trị / admin — UBND tỉnh Hà Tĩnh", "demo-admin", Role.ADMIN, "HT"),
    (f"thẩm định cấp huyện / district reviewer (2021 three-tier model, round {THREE_TIER_YEAR}-annual) "
     "— Thành phố Hà Tĩnh", "demo-tp-hatinh", Role.DISTRICT_REVIEWER, "436"),
)


def seed(runtime) -> list[tuple[str, str]]:
    uow = runtime.uow_factory
    rounds.load_units(uow(), HATINH_UNIT_FILES)
    rounds.load_review_models_file(uow(), REVIEW_MODELS_FILE)
    now = runtime.clock()
    _open_annual(runtime, current_annual_year(now), now)
    past = _open_annual(runtime, THREE_TIER_YEAR, None)
    if past.status is RoundStatus.OPEN:
        rounds.close_round(uow(), past.id, past.closes_at)
    return [(label, issue_token(runtime.settings.jwt_secret, user, role, unit))
            for label, user, role, unit in DEMO_USERS]


def current_annual_year(now: dt.datetime) -> int:
    """The evaluation year whose departments' window contains `now`."""
    year = now.year
    return year + 1 if annual_window(UnitType.PROVINCE_DEPARTMENT, year + 1).contains(now) else year


def _open_annual(runtime, year: int, opened_at: dt.datetime | None):
    """The annual round of `year`, created and opened (at `opened_at`, or when it opens) if need be."""
    round_id = rounds.round_id_for(RoundKind.ANNUAL_EVALUATION, year, None)
    round_ = rounds.find_round(runtime.uow_factory(), round_id)
    if round_ is None:
        round_ = rounds.create_round(runtime.uow_factory(), RoundKind.ANNUAL_EVALUATION, year)
    if round_.status is RoundStatus.PLANNED:
        round_ = rounds.open_round(runtime.uow_factory(), round_id, opened_at or round_.opens_at)
    return round_
