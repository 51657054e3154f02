"""Criteria catalog (versioned data) and the pure scoring engine for the CQS yearly evaluation."""

from shared.criteria.engine import CriterionScore, GroupScore, InputError, ScoreResult, score_report
from shared.criteria.loader import available_versions, load_catalog, read_catalog
from shared.criteria.model import (
    Bilingual,
    Catalog,
    CatalogError,
    ClassificationTier,
    Criterion,
    EnumOption,
    Evidence,
    Group,
    GuidanceLevel,
    InputField,
    PeriodBoundary,
    Rule,
    Tier,
    UnitTypeCatalog,
)
from shared.criteria.ranking import RankedUnit, classify, rank
from shared.criteria.validation import ValidationIssue, ValidationReport, validate_answers

__all__ = [
    "Bilingual",
    "Catalog",
    "CatalogError",
    "ClassificationTier",
    "Criterion",
    "CriterionScore",
    "EnumOption",
    "Evidence",
    "GroupScore",
    "GuidanceLevel",
    "Group",
    "InputError",
    "InputField",
    "PeriodBoundary",
    "RankedUnit",
    "Rule",
    "ScoreResult",
    "Tier",
    "UnitTypeCatalog",
    "ValidationIssue",
    "ValidationReport",
    "available_versions",
    "classify",
    "load_catalog",
    "rank",
    "read_catalog",
    "score_report",
    "validate_answers",
]
