"""A small Hà Tĩnh-shaped registry and the three review models built in code, and the real seed."""
from datetime import date

import pytest

from services.rounds.adapters.seed_files import load_review_models, load_unit_registry
from services.rounds.domain.review_models import ReviewerRule, ReviewingBody, ReviewModel, ReviewModels
from services.rounds.domain.units import Unit, UnitRegistry, UnitType
from services.rounds.service_layer.rounds import annual_periods, excluded_units

# The 2021 decision's annual periods and excluded units, as the released catalog states them and the service layer
# hands them to a round.
RELEASED_CATALOGS = {t: "hatinh-2021-ref-1" for t in UnitType if t is not UnitType.PROVINCE}
RELEASED_PERIODS = annual_periods(RELEASED_CATALOGS)
RELEASED_EXCLUDED = excluded_units(RELEASED_CATALOGS)

REGISTRY_START = date(2020, 1, 1)
MERGER_OF_STTTT = date(2025, 3, 1)
TWO_TIERS = date(2025, 7, 1)

STTTT = ReviewingBody("STTTT", "Sở Thông tin và Truyền thông", "Department of Information and Communications")
SKHCN = ReviewingBody("SKHCN", "Sở Khoa học và Công nghệ", "Department of Science and Technology")
THREE_TIER_RULES = {
    UnitType.PROVINCE_DEPARTMENT: ReviewerRule.REVIEWING_BODY,
    UnitType.CENTRAL_AGENCY: ReviewerRule.REVIEWING_BODY,
    UnitType.DISTRICT: ReviewerRule.REVIEWING_BODY,
    UnitType.COMMUNE: ReviewerRule.PARENT_DISTRICT,
}
TWO_TIER_RULES = {
    UnitType.PROVINCE_DEPARTMENT: ReviewerRule.REVIEWING_BODY,
    UnitType.CENTRAL_AGENCY: ReviewerRule.REVIEWING_BODY,
    UnitType.COMMUNE: ReviewerRule.REVIEWING_BODY,
}


def make_unit(code, unit_type, parent_code="HT", **fields):
    fields.setdefault("active_from", REGISTRY_START)
    fields.setdefault("name_vi", f"Đơn vị {code}")
    return Unit(code=code, unit_type=unit_type, parent_code=parent_code, **fields)


def small_units():
    return [
        make_unit("HT", UnitType.PROVINCE, parent_code=None, name_vi="Tỉnh Hà Tĩnh", evaluated=False),
        make_unit("STTTT", UnitType.PROVINCE_DEPARTMENT, name_vi="Sở Thông tin và Truyền thông",
                  active_to=MERGER_OF_STTTT, merged_into="SKHCN"),
        make_unit("SKHCN", UnitType.PROVINCE_DEPARTMENT, name_vi="Sở Khoa học và Công nghệ"),
        make_unit("SNV", UnitType.PROVINCE_DEPARTMENT, name_vi="Sở Nội vụ", name_en="Department of Home Affairs"),
        make_unit("BCHQS", UnitType.PROVINCE_DEPARTMENT, name_vi="Bộ Chỉ huy Quân sự tỉnh", evaluated=False),
        make_unit("KBNN", UnitType.CENTRAL_AGENCY, name_vi="Kho bạc Nhà nước Hà Tĩnh"),
        make_unit("436", UnitType.DISTRICT, name_vi="Thành phố Hà Tĩnh", active_to=TWO_TIERS),
        make_unit("18070", UnitType.COMMUNE, parent_code="436", name_vi="Phường Trần Phú",
                  active_to=TWO_TIERS, merged_into="18073-2025"),
        make_unit("18073", UnitType.COMMUNE, parent_code="436", name_vi="Phường Nam Hà",
                  active_to=TWO_TIERS, merged_into="18073-2025"),
        make_unit("18073-2025", UnitType.COMMUNE, name_vi="Phường Thành Sen", active_from=TWO_TIERS),
    ]


@pytest.fixture
def registry():
    return UnitRegistry(small_units())


@pytest.fixture
def review_models():
    return ReviewModels([
        ReviewModel("2021", date(2021, 1, 1), MERGER_OF_STTTT, STTTT, THREE_TIER_RULES),
        ReviewModel("2025-03", MERGER_OF_STTTT, TWO_TIERS, SKHCN, THREE_TIER_RULES),
        ReviewModel("2025-07", TWO_TIERS, None, SKHCN, TWO_TIER_RULES),
    ])


@pytest.fixture(scope="session")
def hatinh_registry():
    return load_unit_registry()


@pytest.fixture(scope="session")
def hatinh_review_models():
    return load_review_models()
