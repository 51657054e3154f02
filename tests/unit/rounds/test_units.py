from datetime import date

import pytest

from services.rounds.domain.units import InvalidUnitRegistry, UnitRegistry, UnitType, UnknownUnit

from .conftest import TWO_TIERS, make_unit, small_units

IN_2021 = date(2021, 11, 1)
AFTER_REFORM = date(2025, 8, 1)


def codes(units):
    return [u.code for u in units]


def registry_with(*extra, without=()):
    return UnitRegistry([u for u in small_units() if u.code not in without] + list(extra))


def test_lookup_by_code_and_unknown_code(registry):
    assert registry.get("SNV").name_vi == "Sở Nội vụ"
    assert "SNV" in registry and "XYZ" not in registry
    with pytest.raises(UnknownUnit, match="'XYZ'"):
        registry.get("XYZ")


def test_children_and_ancestors_follow_the_tree(registry):
    assert codes(registry.children("436", IN_2021)) == ["18070", "18073"]
    assert codes(registry.ancestors("18070")) == ["436", "HT"]
    assert registry.ancestors("HT") == []


def test_children_are_those_active_on_the_date(registry):
    assert registry.children("436", AFTER_REFORM) == []
    assert codes(registry.children("HT", AFTER_REFORM)) == ["SKHCN", "SNV", "BCHQS", "KBNN", "18073-2025"]


def test_active_period_is_half_open(registry):
    commune = registry.get("18070")
    assert commune.is_active_on(date(2025, 6, 30))
    assert not commune.is_active_on(TWO_TIERS)
    assert registry.get("18073-2025").is_active_on(TWO_TIERS)


def test_excluded_units_are_registered_but_never_evaluated(registry):
    for on in (IN_2021, AFTER_REFORM):
        assert "BCHQS" in codes(registry.active_on(on))
        assert "BCHQS" not in codes(registry.evaluated_units(on))
        assert "HT" not in codes(registry.evaluated_units(on))


def test_evaluated_units_change_with_the_date(registry):
    assert codes(registry.evaluated_units(IN_2021)) == ["STTTT", "SKHCN", "SNV", "KBNN", "436", "18070", "18073"]
    assert codes(registry.evaluated_units(AFTER_REFORM)) == ["SKHCN", "SNV", "KBNN", "18073-2025"]


def test_merged_units_keep_their_history(registry):
    old = registry.get("18070")
    assert old.active_to == TWO_TIERS and old.merged_into == "18073-2025"
    assert old.parent_code == "436"
    assert registry.get(old.merged_into).is_active_on(old.active_to)
    assert "18070" not in codes(registry.active_on(AFTER_REFORM))


def test_the_province_can_never_be_evaluated():
    with pytest.raises(InvalidUnitRegistry, match="never evaluated"):
        make_unit("HT", UnitType.PROVINCE, parent_code=None, evaluated=True)


def test_codes_must_be_unique():
    with pytest.raises(InvalidUnitRegistry, match="'SNV': duplicate code"):
        registry_with(make_unit("SNV", UnitType.PROVINCE_DEPARTMENT))


def test_parent_must_exist():
    with pytest.raises(InvalidUnitRegistry, match="'18999': parent '999' does not exist"):
        registry_with(make_unit("18999", UnitType.COMMUNE, parent_code="999"))


def test_only_the_province_has_no_parent():
    with pytest.raises(InvalidUnitRegistry, match="a district needs a parent"):
        registry_with(make_unit("450", UnitType.DISTRICT, parent_code=None))


def test_parent_chain_must_not_loop():
    with pytest.raises(InvalidUnitRegistry, match="loops"):
        registry_with(
            make_unit("A", UnitType.COMMUNE, parent_code="B"),
            make_unit("B", UnitType.COMMUNE, parent_code="A"),
        )


@pytest.mark.parametrize(
    "unit",
    [
        make_unit("C", UnitType.COMMUNE, parent_code="SNV"),
        make_unit("C", UnitType.COMMUNE, parent_code="18073-2025", active_from=TWO_TIERS),
        make_unit("D", UnitType.PROVINCE_DEPARTMENT, parent_code="436", active_to=TWO_TIERS),
        make_unit("E", UnitType.DISTRICT, parent_code="436", active_to=TWO_TIERS),
    ],
)
def test_parent_must_have_an_allowed_type(unit):
    with pytest.raises(InvalidUnitRegistry, match="cannot sit under"):
        registry_with(unit)


def test_a_commune_may_sit_under_a_district_or_the_province(registry):
    assert registry.get("18070").parent_code == "436"
    assert registry.get("18073-2025").parent_code == "HT"


def test_a_unit_cannot_outlive_its_parent():
    with pytest.raises(InvalidUnitRegistry, match="outside the active period of its parent '436'"):
        registry_with(make_unit("18076", UnitType.COMMUNE, parent_code="436"))


def test_a_merged_unit_needs_an_end_date():
    with pytest.raises(InvalidUnitRegistry, match="must have active_to"):
        make_unit("18076", UnitType.COMMUNE, parent_code="436", merged_into="18073-2025")


def test_successor_must_exist_and_be_active_when_the_unit_ends():
    with pytest.raises(InvalidUnitRegistry, match="'NOPE' is not another unit"):
        registry_with(make_unit("X", UnitType.PROVINCE_DEPARTMENT, active_to=TWO_TIERS, merged_into="NOPE"))
    with pytest.raises(InvalidUnitRegistry, match="not active on 2025-03-01"):
        registry_with(
            make_unit("X", UnitType.PROVINCE_DEPARTMENT, active_to=date(2025, 3, 1), merged_into="18073-2025")
        )


def test_active_to_must_follow_active_from():
    with pytest.raises(InvalidUnitRegistry, match="after active_from"):
        make_unit("X", UnitType.PROVINCE_DEPARTMENT, active_to=date(2019, 1, 1))
