from datetime import date

import pytest

from services.rounds.domain.review_models import (
    InvalidReviewModel,
    NoReviewer,
    ResultsFlow,
    ReviewerAssignment,
    ReviewerKind,
    ReviewerRule,
    ReviewModel,
    ReviewModels,
)
from services.rounds.domain.units import UnitRegistry, UnitType

from .conftest import SKHCN, STTTT, THREE_TIER_RULES, TWO_TIER_RULES, make_unit, small_units

IN_2021 = date(2021, 11, 20)
APRIL_2025 = date(2025, 4, 15)
AFTER_REFORM = date(2025, 8, 1)

BY_STTTT = ReviewerAssignment("STTTT", "Sở Thông tin và Truyền thông", ReviewerKind.DEPARTMENT)
BY_SKHCN = ReviewerAssignment("SKHCN", "Sở Khoa học và Công nghệ", ReviewerKind.DEPARTMENT)
BY_DISTRICT_436 = ReviewerAssignment("436", "Thành phố Hà Tĩnh", ReviewerKind.DISTRICT)


def test_the_same_department_is_reviewed_by_stttt_then_skhcn(registry, review_models):
    department = registry.get("SNV")
    assert review_models.reviewer_for(department, registry, IN_2021) == BY_STTTT
    assert review_models.reviewer_for(department, registry, APRIL_2025) == BY_SKHCN
    assert review_models.reviewer_for(department, registry, AFTER_REFORM) == BY_SKHCN


def test_communes_are_reviewed_by_their_district_while_there_are_three_tiers(registry, review_models):
    commune = registry.get("18070")
    assert review_models.reviewer_for(commune, registry, IN_2021) == BY_DISTRICT_436
    assert review_models.reviewer_for(commune, registry, APRIL_2025) == BY_DISTRICT_436


def test_communes_are_reviewed_by_skhcn_directly_after_1_july_2025(registry, review_models):
    assert review_models.reviewer_for(registry.get("18073-2025"), registry, AFTER_REFORM) == BY_SKHCN


def test_results_go_through_the_district_only_when_it_reviews(review_models):
    for on in (IN_2021, APRIL_2025):
        model = review_models.for_date(on)
        assert model.results_flow(UnitType.COMMUNE) is ResultsFlow.DISTRICT_CONSOLIDATION
        assert model.results_flow(UnitType.PROVINCE_DEPARTMENT) is ResultsFlow.DIRECT
    assert review_models.for_date(AFTER_REFORM).results_flow(UnitType.COMMUNE) is ResultsFlow.DIRECT


@pytest.mark.parametrize(
    "on, model_id",
    [
        (date(2021, 1, 1), "2021"),
        (date(2025, 2, 28), "2021"),
        (date(2025, 3, 1), "2025-03"),
        (date(2025, 6, 30), "2025-03"),
        (date(2025, 7, 1), "2025-07"),
        (date(2030, 1, 1), "2025-07"),
    ],
)
def test_model_in_force_is_chosen_by_half_open_validity(review_models, on, model_id):
    assert review_models.for_date(on).id == model_id


def test_no_model_before_the_2021_decision(review_models):
    with pytest.raises(NoReviewer, match="2020-06-01"):
        review_models.for_date(date(2020, 6, 1))


def test_excluded_units_have_no_reviewer(registry, review_models):
    with pytest.raises(NoReviewer, match="'BCHQS' is not evaluated"):
        review_models.reviewer_for(registry.get("BCHQS"), registry, IN_2021)


def test_a_unit_type_without_a_rule_has_no_reviewer(review_models):
    registry = UnitRegistry(small_units() + [make_unit("999", UnitType.DISTRICT)])
    with pytest.raises(NoReviewer, match="no reviewer for district units"):
        review_models.reviewer_for(registry.get("999"), registry, AFTER_REFORM)


def test_a_commune_under_the_province_has_no_district_to_review_it(registry):
    models = ReviewModels([ReviewModel("three-tier-forever", date(2021, 1, 1), None, SKHCN, THREE_TIER_RULES)])
    with pytest.raises(NoReviewer, match="no active district"):
        models.reviewer_for(registry.get("18073-2025"), registry, AFTER_REFORM)


def test_the_reviewing_body_must_be_an_active_unit(registry):
    models = ReviewModels([ReviewModel("stale", date(2021, 1, 1), None, STTTT, TWO_TIER_RULES)])
    with pytest.raises(NoReviewer, match="'STTTT' .* not an active unit on 2025-08-01"):
        models.reviewer_for(registry.get("SNV"), registry, AFTER_REFORM)


def test_models_must_not_overlap():
    with pytest.raises(InvalidReviewModel, match="overlap"):
        ReviewModels([
            ReviewModel("a", date(2021, 1, 1), date(2025, 3, 2), STTTT, THREE_TIER_RULES),
            ReviewModel("b", date(2025, 3, 1), None, SKHCN, THREE_TIER_RULES),
        ])


def test_model_ids_must_be_unique():
    with pytest.raises(InvalidReviewModel, match="unique"):
        ReviewModels([
            ReviewModel("a", date(2021, 1, 1), date(2022, 1, 1), STTTT, THREE_TIER_RULES),
            ReviewModel("a", date(2022, 1, 1), None, SKHCN, THREE_TIER_RULES),
        ])


@pytest.mark.parametrize(
    "rules, problem",
    [
        ({UnitType.DISTRICT: ReviewerRule.PARENT_DISTRICT}, "only communes"),
        ({UnitType.PROVINCE: ReviewerRule.REVIEWING_BODY}, "province is never reviewed"),
    ],
)
def test_rules_must_make_sense(rules, problem):
    with pytest.raises(InvalidReviewModel, match=problem):
        ReviewModel("bad", date(2021, 1, 1), None, STTTT, rules)


def test_seed_department_reviewed_by_stttt_in_2021_and_skhcn_in_april_2025(hatinh_registry, hatinh_review_models):
    snv = hatinh_registry.get("SNV")
    assert hatinh_review_models.reviewer_for(snv, hatinh_registry, IN_2021) == BY_STTTT
    assert hatinh_review_models.reviewer_for(snv, hatinh_registry, APRIL_2025) == BY_SKHCN


def test_seed_commune_reviewed_by_its_district_in_2021_and_april_2025(hatinh_registry, hatinh_review_models):
    commune = hatinh_registry.get("18070")
    for on in (IN_2021, APRIL_2025):
        assert hatinh_review_models.reviewer_for(commune, hatinh_registry, on) == BY_DISTRICT_436


def test_seed_communes_of_the_2025_tree_reviewed_by_skhcn(hatinh_registry, hatinh_review_models):
    communes = [u for u in hatinh_registry.evaluated_units(AFTER_REFORM) if u.unit_type is UnitType.COMMUNE]
    assert len(communes) == 69
    assert {hatinh_review_models.reviewer_for(u, hatinh_registry, AFTER_REFORM) for u in communes} == {BY_SKHCN}


@pytest.mark.parametrize("on", [IN_2021, APRIL_2025, AFTER_REFORM])
def test_seed_every_evaluated_unit_has_a_reviewer(hatinh_registry, hatinh_review_models, on):
    for unit in hatinh_registry.evaluated_units(on):
        hatinh_review_models.reviewer_for(unit, hatinh_registry, on)
