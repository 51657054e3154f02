"""Every hand-computed example of worked_examples.yaml (a copy of the reference file), exactly."""

from decimal import Decimal
from pathlib import Path

import pytest
import yaml

from shared.criteria import classify, rank, score_report

EXAMPLES = yaml.load(Path(__file__).with_name("worked_examples.yaml").read_text(encoding="utf-8"), Loader=yaml.CSafeLoader)
SCORING = [example for example in EXAMPLES["examples"] if example.get("kind") != "ranking"]
RANKING = [example for example in EXAMPLES["examples"] if example.get("kind") == "ranking"]


def exact(value: object) -> Decimal | None:
    # The YAML holds short decimal literals (780.60, 31.61): str() gives them back exactly.
    return None if value is None else Decimal(str(value))


def scored(catalog, example: dict, inputs: dict, expected: dict):
    unit_catalog = catalog.unit_type(example["unit_type"])
    only = None if example["scope"] == "full" else set(expected["criteria"])
    return score_report(unit_catalog, inputs, only=only)


def test_examples_are_for_the_shipped_catalog(catalog):
    assert EXAMPLES["version"] == catalog.identity.version
    assert len(SCORING) == 10 and len(RANKING) == 1


@pytest.mark.parametrize("example", SCORING, ids=lambda example: example["id"])
def test_criterion_points(catalog, example):
    result = scored(catalog, example, example["inputs"], example["expected"])
    got = {score.code: score.points for score in result.criteria}
    assert got == {code: exact(points) for code, points in example["expected"]["criteria"].items()}


@pytest.mark.parametrize("example", SCORING, ids=lambda example: example["id"])
def test_groups_and_total(catalog, example):
    expected = example["expected"]
    result = scored(catalog, example, example["inputs"], expected)
    assert {group.code: group.points for group in result.groups} == {
        code: exact(points) for code, points in expected["groups"].items()}
    assert result.total == exact(expected["total"])


@pytest.mark.parametrize("example", SCORING, ids=lambda example: example["id"])
def test_warnings_and_missing_required(catalog, example):
    expected = example["expected"]
    result = scored(catalog, example, example["inputs"], expected)
    assert list(result.warnings) == expected["warnings"]
    assert list(result.missing_required) == expected["missing_required"]
    assert result.complete is not expected["missing_required"]


@pytest.mark.parametrize("example", [e for e in SCORING if "classification" in e["expected"]],
                         ids=lambda example: example["id"])
def test_classification(catalog, example):
    result = scored(catalog, example, example["inputs"], example["expected"])
    assert result.classification.name.vi == example["expected"]["classification"]


@pytest.mark.parametrize("example", [e for e in SCORING if "expected_self_assessed" in e],
                         ids=lambda example: example["id"])
def test_self_assessed_values(catalog, example):
    expected = example["expected_self_assessed"]
    result = scored(catalog, example, example["self_reported_inputs"], expected)
    assert {score.code: score.points for score in result.criteria} == {
        code: exact(points) for code, points in expected["criteria"].items()}
    assert {group.code: group.points for group in result.groups} == {
        code: exact(points) for code, points in expected["groups"].items()}
    assert result.total == exact(expected["total"])


@pytest.mark.parametrize("example", RANKING, ids=lambda example: example["id"])
def test_ranking(catalog, example):
    ranked = {unit.unit_id: unit for unit in rank(
        [(unit["id"], unit["group_points"]) for unit in example["units"]], catalog.tie_breakers)}
    for unit in example["units"]:
        expected = unit["expected"]
        assert ranked[unit["id"]].total == exact(expected["total"])
        assert ranked[unit["id"]].rank == expected["rank"]
        assert classify(ranked[unit["id"]].total, catalog.classification).name.vi == expected["classification"]
