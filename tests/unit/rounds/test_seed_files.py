from collections import Counter
from datetime import date

import pytest

from services.rounds.adapters.seed_files import SeedFileError, load_review_models, load_unit_registry
from services.rounds.domain.units import UnitType

IN_2021 = date(2021, 11, 15)
LAST_DAY_OF_THREE_TIERS = date(2025, 6, 30)
TWO_TIERS = date(2025, 7, 1)


def of_type(units, unit_type):
    return [u for u in units if u.unit_type is unit_type]


def kinds(communes):
    """xã / phường / thị trấn, read from the official name."""
    return Counter(u.name_vi.split(" ")[0] if not u.name_vi.startswith("Thị trấn") else "Thị trấn" for u in communes)


def test_2021_tree_has_13_districts_and_216_communes(hatinh_registry):
    active = hatinh_registry.active_on(IN_2021)
    assert len(of_type(active, UnitType.DISTRICT)) == 13
    communes = of_type(active, UnitType.COMMUNE)
    assert len(communes) == 216
    assert kinds(communes) == {"Xã": 182, "Phường": 21, "Thị trấn": 13}


def test_every_2021_commune_sits_under_a_district(hatinh_registry):
    for commune in of_type(hatinh_registry.active_on(IN_2021), UnitType.COMMUNE):
        assert hatinh_registry.get(commune.parent_code).unit_type is UnitType.DISTRICT, commune.code


def test_2025_tree_has_69_communes_directly_under_the_province(hatinh_registry):
    active = hatinh_registry.active_on(TWO_TIERS)
    assert of_type(active, UnitType.DISTRICT) == []
    communes = of_type(active, UnitType.COMMUNE)
    assert kinds(communes) == {"Xã": 60, "Phường": 9}
    assert {c.parent_code for c in communes} == {"HT"}


def test_excluded_units_are_present_but_never_evaluated(hatinh_registry):
    for code in ("BCHQS", "BCHBDBP"):
        unit = hatinh_registry.get(code)
        assert unit.unit_type is UnitType.PROVINCE_DEPARTMENT and not unit.evaluated
        for on in (IN_2021, TWO_TIERS):
            assert unit.is_active_on(on)
            assert unit not in hatinh_registry.evaluated_units(on)


def test_every_evaluated_type_is_present_in_2021(hatinh_registry):
    evaluated = Counter(u.unit_type for u in hatinh_registry.evaluated_units(IN_2021))
    assert evaluated == {
        UnitType.PROVINCE_DEPARTMENT: 20,
        UnitType.CENTRAL_AGENCY: 8,
        UnitType.DISTRICT: 13,
        UnitType.COMMUNE: 216,
    }


def test_merged_units_keep_their_history(hatinh_registry):
    tran_phu_2021 = hatinh_registry.get("18070")
    assert (tran_phu_2021.name_vi, tran_phu_2021.parent_code) == ("Phường Trần Phú", "436")
    assert (tran_phu_2021.active_to, tran_phu_2021.merged_into) == (TWO_TIERS, "18073-2025")
    assert hatinh_registry.get("18073-2025").name_vi == "Phường Thành Sen"
    stttt = hatinh_registry.get("STTTT")
    assert (stttt.active_to, stttt.merged_into) == (date(2025, 3, 1), "SKHCN")


def test_no_2021_commune_survives_the_reform_and_each_new_one_has_predecessors(hatinh_registry):
    old = of_type(hatinh_registry.active_on(LAST_DAY_OF_THREE_TIERS), UnitType.COMMUNE)
    assert {c.active_to for c in old} == {TWO_TIERS}
    successors = Counter(c.merged_into for c in old if c.merged_into)
    new = of_type(hatinh_registry.active_on(TWO_TIERS), UnitType.COMMUNE)
    assert {c.code for c in new} == set(successors)


def test_communes_without_a_known_successor_are_flagged(hatinh_registry):
    orphans = [u for u in hatinh_registry.units if u.unit_type is UnitType.COMMUNE and u.active_to and not u.merged_into]
    assert sorted(u.name_vi for u in orphans) == ["Phường Nguyễn Du", "Phường Thạch Linh", "Xã Phú Phong", "Xã Trung Lộc"]
    assert all(u.note.startswith("unconfirmed") for u in orphans)


def test_review_models_cover_2021_to_now(hatinh_review_models):
    assert [(m.id, m.valid_from, m.valid_to, m.reviewing_body.code) for m in hatinh_review_models.models] == [
        ("hatinh-2021-stttt-three-tier", date(2021, 1, 1), date(2025, 3, 1), "STTTT"),
        ("hatinh-2025-03-skhcn-three-tier", date(2025, 3, 1), TWO_TIERS, "SKHCN"),
        ("hatinh-2025-07-skhcn-two-tier", TWO_TIERS, None, "SKHCN"),
    ]


BASE = """\
active_from: 2020-01-01
units:
  - {code: HT, name_vi: Tỉnh Hà Tĩnh, unit_type: province, evaluated: false}
"""


def write(tmp_path, text, name="units.yaml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    "extra, message",
    [
        ('  - {code: "18999", name_vi: Xã X, unit_type: commune, parent_code: "999"}\n',
         "units.yaml: units[1] (code '18999'): parent '999' does not exist"),
        ("  - {code: 18999, name_vi: Xã X, unit_type: commune, parent_code: HT}\n",
         "units.yaml: units[1] (code 18999): code must be a non-empty string (quote numeric codes)"),
        ('  - {code: "X", name_vi: Xã X, unit_type: ward, parent_code: HT}\n',
         "units[1] (code 'X'): unit_type 'ward' is not one of"),
        ('  - {code: "X", name_vi: Xã X, unit_type: commune, parent: HT}\n',
         "units[1] (code 'X'): unknown keys ['parent']"),
        ('  - {code: HT, name_vi: Tỉnh, unit_type: province, evaluated: false}\n',
         "units[1] (code 'HT'): code already defined at units.yaml: units[0]"),
        ('  - {code: "X", name_vi: Xã X, unit_type: commune, parent_code: HT, evaluated: "no"}\n',
         "units[1] (code 'X'): evaluated must be true or false"),
        ('  - {code: "X", name_vi: Xã X, unit_type: commune, parent_code: HT, active_from: 1 Jan 2020}\n',
         "units[1] (code 'X'): active_from must be a date written YYYY-MM-DD"),
    ],
)
def test_unit_errors_name_the_file_and_entry(tmp_path, extra, message):
    with pytest.raises(SeedFileError) as error:
        load_unit_registry([write(tmp_path, BASE + extra)])
    assert message in str(error.value)


def test_units_need_a_start_date(tmp_path):
    text = BASE.replace("active_from: 2020-01-01\n", "").replace("evaluated: false}", "evaluated: false, active_from: 2020-01-01}")
    text += "  - {code: SNV, name_vi: Sở Nội vụ, unit_type: province_department, parent_code: HT}\n"
    with pytest.raises(SeedFileError, match="units\\[1\\] \\(code 'SNV'\\): active_from is missing"):
        load_unit_registry([write(tmp_path, text)])


ENDINGS = """\
endings:
  - effective: 2025-07-01
    basis: test
    units:
"""


@pytest.mark.parametrize(
    "entries, message",
    [
        ("      - {code: NOPE}\n", "units.yaml: endings[0].units[0] (code 'NOPE'): ends unit 'NOPE', which no earlier entry declares"),
        ("      - {code: SNV}\n      - {code: SNV}\n", "endings[0].units[1] (code 'SNV'): unit 'SNV' already ended on 2025-07-01"),
        ("      - {code: SNV, merged_into: NOPE}\n", "units[1] (code 'SNV'), ended by units.yaml: endings[0].units[0] (code 'SNV'): merged_into 'NOPE' is not another unit"),
    ],
)
def test_ending_errors_name_the_file_and_entry(tmp_path, entries, message):
    text = BASE + "  - {code: SNV, name_vi: Sở Nội vụ, unit_type: province_department, parent_code: HT}\n" + ENDINGS + entries
    with pytest.raises(SeedFileError) as error:
        load_unit_registry([write(tmp_path, text)])
    assert message in str(error.value)


def test_later_files_end_units_of_earlier_files(tmp_path):
    first = write(tmp_path, BASE + "  - {code: SNV, name_vi: Sở Nội vụ, unit_type: province_department, parent_code: HT}\n", "a.yaml")
    second = write(tmp_path, ENDINGS + "      - {code: SNV, note: gone}\n", "b.yaml")
    snv = load_unit_registry([first, second]).get("SNV")
    assert (snv.active_to, snv.merged_into, snv.note) == (TWO_TIERS, None, "gone")


def test_unreadable_yaml_is_reported_with_its_path(tmp_path):
    path = write(tmp_path, "units: [\n")
    with pytest.raises(SeedFileError, match="units.yaml: cannot read"):
        load_unit_registry([path])


MODEL = """\
models:
  - id: m1
    valid_from: 2021-01-01
    reviewing_body: {code: STTTT, name_vi: Sở Thông tin và Truyền thông, name_en: DIC}
    reviewers: {commune: %s}
"""


@pytest.mark.parametrize(
    "text, message",
    [
        (MODEL % "the_district", "models.yaml: models[0] (id 'm1').reviewers: 'the_district' is not a valid ReviewerRule"),
        (MODEL % "parent_district" + MODEL.split("models:\n")[1] % "reviewing_body", "review model ids must be unique"),
        (MODEL.replace("2021-01-01", "2021") % "parent_district", "models[0] (id 'm1'): valid_from must be a date"),
        (MODEL.replace("    reviewers: {commune: %s}\n", "    reviewers: {}\n"), "models[0] (id 'm1'): reviewers must map"),
    ],
)
def test_review_model_errors_name_the_file_and_entry(tmp_path, text, message):
    with pytest.raises(SeedFileError) as error:
        load_review_models(write(tmp_path, text, "models.yaml"))
    assert message in str(error.value)
