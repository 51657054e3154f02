"""Loading the catalog: the shipped version, and broken copies that must be refused with clear errors."""

import re
import shutil
from collections.abc import Callable
from copy import deepcopy
from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from shared.criteria import CatalogError, available_versions, load_catalog, read_catalog
from shared.criteria.loader import CATALOGS_DIR

VERSION = "hatinh-2021-ref-1"

# README "Scale and weights" and "Number of criteria per group".
GROUP_MAX = {
    "province_department": [150, 100, 150, 150, 150, 300],
    "central_agency": [100, 100, 150, 200, 150, 300],
    "district": [150, 100, 150, 150, 150, 300],
    "commune": [150, 100, 150, 100, 100, 400],
}
CRITERIA_COUNT = {"province_department": 63, "central_agency": 43, "district": 61, "commune": 36}


def test_shipped_version_is_available_and_cached(catalog):
    assert VERSION in available_versions()
    assert load_catalog(VERSION) is catalog


def test_manifest(catalog):
    assert catalog.title.vi.startswith("Bộ tiêu chí đánh giá kết quả phát triển chính quyền số")
    assert catalog.decision.replaces == "Quyết định 365/QĐ-UBND ngày 28/01/2019"
    assert catalog.decision.note.vi.startswith("Chưa tìm được số quyết định")
    assert catalog.decision.note.en.startswith("The decision number and Appendices 1–4 were not found")
    assert catalog.total_max_points == 1000 and catalog.decimal_places == 2
    assert [(t.name.vi, t.min) for t in catalog.classification] == [
        ("Tốt", 800), ("Khá", 650), ("Trung bình", 500), ("Yếu", 0)]
    assert catalog.tie_breakers == ("6", "5", "4", "3", "2", "1")
    assert re.fullmatch(r"[0-9a-f]{64}", catalog.identity.fingerprint)


@pytest.mark.parametrize("code", sorted(GROUP_MAX))
def test_unit_types_match_the_reference(catalog, code):
    unit = catalog.unit_type(code)
    assert [g.max_points for g in unit.groups] == [Decimal(points) for points in GROUP_MAX[code]]
    assert len(unit.criteria) == CRITERIA_COUNT[code]
    assert unit.catalog == catalog.identity and unit.catalog.version == VERSION
    assert sum(c.max_points for c in unit.criteria) == 1000


def test_criterion_model(catalog):
    criterion = catalog.unit_type("district").criteria_by_code["6.4"]
    assert criterion.kind == "ratio_threshold"
    assert criterion.rule.fields == ("apps_online", "apps_total")
    assert criterion.rule.threshold == Decimal("0.5") and criterion.rule.below == "stepped"
    assert [(s.min, s.points) for s in criterion.rule.steps][0] == (Decimal("0.4"), Decimal(24))
    assert criterion.inputs[0].unit.vi == "hồ sơ" and criterion.source == "system_measured"
    level = catalog.unit_type("commune").fields["steering_head_level"]
    assert [(o.value, o.label.en) for o in level.enum][1] == (1, "a vice-chair leads it")


def test_unknown_version_or_unit_type(catalog):
    with pytest.raises(CatalogError, match="unknown catalog version 'nope'"):
        load_catalog("nope")
    with pytest.raises(CatalogError, match="unknown unit type 'ward'"):
        catalog.unit_type("ward")


def shipped_copy(tmp_path: Path, folder: str = VERSION) -> Path:
    copy = tmp_path / folder
    shutil.copytree(CATALOGS_DIR / VERSION, copy)
    return copy


def test_fingerprint_is_of_the_content(tmp_path, shipped_commune):
    assert read_catalog(shipped_copy(tmp_path / "elsewhere")).identity.fingerprint == load_catalog(VERSION).identity.fingerprint
    # Same content, different layout: same fingerprint. Different content: a different one. (On copies that list
    # commune alone: reading all four unit types three more times only took longer.)
    copy = commune_alone(tmp_path, shipped_commune)
    text = (copy / "commune.yaml").read_text(encoding="utf-8")
    original = read_catalog(copy).identity.fingerprint
    (copy / "commune.yaml").write_text("# reformatted\n" + text, encoding="utf-8")
    assert read_catalog(copy).identity.fingerprint == original
    (copy / "commune.yaml").write_text(text.replace("max_points: 30", "max_points: 30.0", 1), encoding="utf-8")
    assert read_catalog(copy).identity.fingerprint != original


# --- broken catalogs --------------------------------------------------------------------------------------


def read_yaml(path: Path) -> dict:
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def write_yaml(path: Path, data: dict, sort_keys: bool = True) -> None:
    path.write_text(yaml.dump(data, Dumper=yaml.CSafeDumper, allow_unicode=True, sort_keys=sort_keys),
                    encoding="utf-8")


@pytest.fixture(scope="module")
def shipped_commune() -> dict:
    """The shipped commune.yaml, parsed once: each broken copy changes a deep copy of it."""
    return read_yaml(CATALOGS_DIR / VERSION / "commune.yaml")


def commune_alone(tmp_path: Path, commune: dict) -> Path:
    """A copy of the shipped version whose manifest lists commune alone, with `commune` as its file. A broken
    commune file is refused alike whatever else the manifest lists, and checking the other three unit types
    again was most of each case's time (the tests of the shipped version load all four)."""
    copy = shipped_copy(tmp_path)
    manifest = read_yaml(copy / "catalog.yaml")
    write_yaml(copy / "catalog.yaml", {**manifest, "unit_types": ["commune"]})
    write_yaml(copy / "commune.yaml", commune, sort_keys=False)
    return copy


def criterion_of(data: dict, code: str) -> dict:
    return next(c for g in data["groups"] for c in g["criteria"] if c["code"] == code)


def break_sum(data: dict) -> None:
    criterion_of(data, "1.1")["max_points"] = 25


def break_rule_field(data: dict) -> None:
    criterion_of(data, "1.4")["rule"]["params"]["denominator"] = "tasks_given"


def break_threshold(data: dict) -> None:
    criterion_of(data, "6.1")["rule"]["params"]["threshold"] = 1.5


def break_top_tier(data: dict) -> None:
    criterion_of(data, "1.3")["rule"]["params"]["tiers"][0]["points"] = 15


def break_deduction_max(data: dict) -> None:
    criterion_of(data, "1.7")["max_points"] = 5
    criterion_of(data, "1.1")["max_points"] = 25  # keep the group sum right: only the deduction is wrong


def break_shared_field(data: dict) -> None:
    criterion_of(data, "3.1")["inputs"][1]["label_vi"] = "Số cán bộ"


def break_steps(data: dict) -> None:
    criterion_of(data, "6.2")["rule"]["params"]["steps"][0]["min"] = 0.35


def break_unknown_key(data: dict) -> None:
    criterion_of(data, "2.4")["weight"] = 2


def break_assessed_max(data: dict) -> None:
    criterion_of(data, "4.3")["inputs"][0]["max"] = 25


def break_period_day(data: dict) -> None:
    data["evaluation_period"]["end"]["day"] = 31  # 31 November


def break_period_leap_day(data: dict) -> None:
    data["evaluation_period"]["start"] = {"month": 2, "day": 29, "year_offset": -1}


def break_period_order(data: dict) -> None:
    data["evaluation_period"]["end"]["year_offset"] = -1


BROKEN: list[tuple[Callable[[dict], None], str]] = [
    (break_sum, r"commune\.yaml: group 1: criteria max_points sum to 145, not 150"),
    (break_rule_field, r"commune\.yaml: criterion 1\.4: rule ratio: rule field 'tasks_given' is not declared"),
    (break_threshold, r"commune\.yaml: criterion 6\.1: rule ratio_threshold: 1\.5 is greater than the maximum of 1"),
    (break_top_tier, r"commune\.yaml: criterion 1\.3: rule tiered: top tier gives 15, not max_points 20"),
    (break_deduction_max, r"commune\.yaml: criterion 1\.7: rule deduction: a deduction criterion must have "
                          r"max_points 0"),
    (break_shared_field, r"commune\.yaml: criterion 3\.1: rule ratio: shared field 'staff_total' is defined "
                         r"differently"),
    (break_steps, r"commune\.yaml: criterion 6\.2: rule ratio_threshold: steps must lie below the threshold 0\.3"),
    (break_unknown_key, r"commune\.yaml: criterion 2\.4: rule boolean: Additional properties are not allowed "
                        r"\('weight' was unexpected\)"),
    (break_assessed_max, r"commune\.yaml: criterion 4\.3: rule assessed: assessed input max 25 differs"),
    (break_period_day, r"commune\.yaml: evaluation_period end 31/11 is not a day of every year"),
    (break_period_leap_day, r"commune\.yaml: evaluation_period start 29/02 is not a day of every year"),
    (break_period_order, r"commune\.yaml: evaluation_period does not end after it starts"),
]


@pytest.mark.parametrize(("breaker", "message"), BROKEN, ids=[b.__name__ for b, _ in BROKEN])
def test_broken_catalog_is_refused(tmp_path, shipped_commune, breaker, message):
    data = deepcopy(shipped_commune)
    breaker(data)
    with pytest.raises(CatalogError, match=message):
        read_catalog(commune_alone(tmp_path, data))


def test_catalog_error_carries_its_location(tmp_path, shipped_commune):
    data = deepcopy(shipped_commune)
    break_top_tier(data)
    with pytest.raises(CatalogError) as caught:
        read_catalog(commune_alone(tmp_path, data))
    assert (caught.value.file, caught.value.criterion, caught.value.rule) == ("commune.yaml", "1.3", "tiered")


def test_version_must_match_its_folder(tmp_path):
    with pytest.raises(CatalogError, match="does not match its folder 'hatinh-2099'"):
        read_catalog(shipped_copy(tmp_path, "hatinh-2099"))


def test_missing_unit_type_file(tmp_path):
    copy = shipped_copy(tmp_path)
    (copy / "district.yaml").unlink()
    with pytest.raises(CatalogError, match=r"district\.yaml: file not found"):
        read_catalog(copy)


def test_invalid_yaml(tmp_path, shipped_commune):
    copy = commune_alone(tmp_path, shipped_commune)
    (copy / "commune.yaml").write_text("groups: [unclosed", encoding="utf-8")
    with pytest.raises(CatalogError, match=r"commune\.yaml: not valid YAML"):
        read_catalog(copy)


def test_classification_tiers_must_descend(tmp_path):
    copy = shipped_copy(tmp_path)
    manifest = read_yaml(copy / "catalog.yaml")
    manifest["classification"][1]["min"] = 900
    write_yaml(copy / "catalog.yaml", manifest)
    with pytest.raises(CatalogError, match=r"catalog\.yaml: classification tiers must have strictly descending"):
        read_catalog(copy)


@pytest.mark.parametrize("language", ["note_vi", "note_en"])
def test_a_decision_note_is_in_both_languages_or_none(tmp_path, shipped_commune, language):
    copy = commune_alone(tmp_path, shipped_commune)
    manifest = read_yaml(copy / "catalog.yaml")
    del manifest["decision"][language]
    write_yaml(copy / "catalog.yaml", manifest)
    with pytest.raises(CatalogError, match=r"catalog\.yaml: 'note_..' is a dependency of 'note_..' \(at decision\)"):
        read_catalog(copy)
    del manifest["decision"]["note_vi" if language == "note_en" else "note_en"]
    write_yaml(copy / "catalog.yaml", manifest)
    assert read_catalog(copy).decision.note is None


def test_shipped_files_are_only_yaml(catalog):
    folder = Path(CATALOGS_DIR / VERSION)
    assert sorted(p.name for p in folder.iterdir()) == [
        "catalog.yaml", "central_agency.yaml", "commune.yaml", "district.yaml", "province_department.yaml"]


def test_a_released_version_whose_content_changed_is_refused():
    from shared.criteria.loader import check_released

    catalog = load_catalog(VERSION)
    check_released(catalog, {VERSION: catalog.identity.fingerprint})
    with pytest.raises(CatalogError, match="changed after its release"):
        check_released(catalog, {VERSION: "0" * 64})
    with pytest.raises(CatalogError, match="not in released.yaml"):
        check_released(catalog, {})
