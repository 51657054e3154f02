"""Criteria catalog (versioned data) and the pure scoring engine for the CQS yearly evaluation.

What the services use; the catalog's other values are in `shared.criteria.model`."""

from shared.criteria.engine import CriterionScore, GroupScore, InputError, ScoreResult, score_report
from shared.criteria.loader import available_versions, load_catalog, read_catalog
from shared.criteria.model import Catalog, CatalogError, Criterion, InputField, Rule, UnitTypeCatalog
from shared.criteria.ranking import RankedUnit, classify, rank
from shared.criteria.validation import ValidationIssue, ValidationReport, validate_answers

__all__ = [
    "Catalog",
    "CatalogError",
    "Criterion",
    "CriterionScore",
    "GroupScore",
    "InputError",
    "InputField",
    "RankedUnit",
    "Rule",
    "ScoreResult",
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
