"""The public catalog API: every unit type's form is built from the API alone (no token) and matches
the catalog files it is served from, field by field."""
from __future__ import annotations

from decimal import Decimal

import pytest
import yaml

from services.scoring import bootstrap as scoring
from shared.config import ServiceSettings
from shared.criteria.loader import CATALOGS_DIR, MANIFEST_FILE
from tests.support.keys import TEST_JWKS_URL

SUPPLIER_KINDS = {"self_report": "unit", "system_measured": "system", "dic_verified": "reviewer",
                  "district_verified": "reviewer"}


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    directory = tmp_path_factory.mktemp("scoring")
    settings = ServiceSettings(service="scoring", database_url=f"sqlite:///{directory / 'scoring.sqlite'}",
                               broker_url="memory://", jwks_url=TEST_JWKS_URL, data_dir=directory)
    return scoring.create_app(scoring.runtime(settings)).test_client()


def _number(value):
    return None if value is None else Decimal(str(value))


def _read_yaml(path) -> dict:
    # libyaml, as the catalog loader reads them (the pure-Python parser took a second for the five files).
    return yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)


def _files(version: str) -> tuple[dict, dict[str, dict]]:
    folder = CATALOGS_DIR / version
    manifest = _read_yaml(folder / MANIFEST_FILE)
    return manifest, {code: _read_yaml(folder / f"{code}.yaml") for code in manifest["unit_types"]}


def test_every_unit_types_form_comes_from_the_api_alone_and_matches_the_catalog_files(client):
    versions = client.get("/catalogs")
    assert versions.status_code == 200
    assert versions.json, "at least one released catalog version"
    for listed in versions.json:
        manifest, files = _files(listed["version"])
        assert [unit["code"] for unit in listed["unit_types"]] == manifest["unit_types"]
        assert listed["agencies"].keys() == manifest["verifiers"].keys()
        for unit_type in manifest["unit_types"]:
            response = client.get(f"/catalogs/{listed['version']}/unit-types/{unit_type}")
            assert response.status_code == 200, response.text
            _check_form(response.json, files[unit_type], manifest)


def _check_form(form: dict, raw: dict, manifest: dict) -> None:
    assert form["unit_type"]["code"] == raw["unit_type"]
    assert form["unit_type"]["name"] == {"vi": raw["name_vi"], "en": raw["name_en"]}
    assert _number(form["total_max_points"]) == _number(raw["total_max_points"])
    assert [group["code"] for group in form["groups"]] == [group["code"] for group in raw["groups"]]
    owner_kinds: dict[str, set[str]] = {}
    for group, raw_group in zip(form["groups"], raw["groups"], strict=True):
        assert isinstance(group["max_points"], (int, float))
        assert _number(group["max_points"]) == _number(raw_group["max_points"])
        assert [c["code"] for c in group["criteria"]] == [c["code"] for c in raw_group["criteria"]]
        for criterion, raw_criterion in zip(group["criteria"], raw_group["criteria"], strict=True):
            _check_criterion(criterion, raw_criterion, manifest)
            for raw_input in raw_criterion["inputs"]:
                owner_kinds.setdefault(raw_input["field"], set()).add(SUPPLIER_KINDS[raw_criterion["source"]])
    # A field shared by criteria of different sources is the unit's if one of them is self-reported.
    for group in form["groups"]:
        for criterion in group["criteria"]:
            for field in criterion["inputs"]:
                kinds = owner_kinds[field["key"]]
                expected = next(kind for kind in ("unit", "reviewer", "system") if kind in kinds)
                assert field["supplied_by"]["kind"] == expected, field["key"]


def _check_criterion(criterion: dict, raw: dict, manifest: dict) -> None:
    code = raw["code"]
    assert criterion["name"] == {"vi": raw["name_vi"], "en": raw["name_en"]}, code
    assert _number(criterion["max_points"]) == _number(raw["max_points"]), code
    assert criterion["rule"]["kind"] == raw["rule"]["kind"], code
    assert _number(criterion["min_points"]) == -_number((raw["rule"].get("params") or {}).get("max_deduction", 0)), code
    assert criterion["rule"]["text"]["vi"] and criterion["rule"]["text"]["en"], code
    assert criterion["rule"]["when_missing"]["vi"] and criterion["rule"]["when_missing"]["en"], code
    assert criterion["evidence"] == {"required": raw["evidence"]["required"], "description": {
        "vi": raw["evidence"]["description_vi"], "en": raw["evidence"]["description_en"]}}, code
    assert criterion["description"] == raw.get("notes"), code
    assert criterion["source"] == {"code": raw["source"], **manifest["sources"][raw["source"]]}, code
    assert criterion["verifier"] == {"code": raw["verifier"], **manifest["verifiers"][raw["verifier"]]}, code
    supplier = criterion["supplied_by"]
    assert supplier["kind"] == SUPPLIER_KINDS[raw["source"]] and supplier["source"] == raw["source"], code
    if supplier["kind"] == "unit":
        assert supplier["agency"] is None
    else:
        assert supplier["agency"] == raw["verifier"]
        assert supplier["name"] == manifest["verifiers"][raw["verifier"]]
    assert [field["key"] for field in criterion["inputs"]] == [field["field"] for field in raw["inputs"]], code
    for field, raw_field in zip(criterion["inputs"], raw["inputs"], strict=True):
        assert field["type"] == raw_field["type"]
        assert field["label"] == {"vi": raw_field["label_vi"], "en": raw_field["label_en"]}
        assert field["unit"] == raw_field.get("unit")
        assert field["required"] == raw_field["required"]
        for bound in ("min", "max"):
            assert field[bound] is None or isinstance(field[bound], (int, float))
            assert _number(field[bound]) == _number(raw_field.get(bound)), (code, field["key"], bound)
        assert field["enum"] == [{"value": option["value"], "label": {"vi": option["label_vi"],
                                                                      "en": option["label_en"]}}
                                 for option in raw_field.get("enum", ())]
        default = raw_field.get("default")
        assert field["default"] == default and type(field["default"]) is type(default)


def test_the_catalog_api_needs_no_token_and_says_so_in_its_openapi_document(client):
    version = client.get("/catalogs").json[0]["version"]
    assert client.get(f"/catalogs/{version}").json["version"] == version
    paths = client.get("/openapi.json").json["paths"]
    for path in ("/catalogs", "/catalogs/{version}", "/catalogs/{version}/unit-types/{unit_type}"):
        assert paths[path]["get"]["security"] == [], path


def test_an_unknown_version_or_unit_type_is_a_404_problem(client):
    assert client.get("/catalogs/no-such-version").status_code == 404
    version = client.get("/catalogs").json[0]["version"]
    response = client.get(f"/catalogs/{version}/unit-types/ministry")
    assert response.status_code == 404
    assert response.content_type == "application/problem+json"
