"""A commune's report as the review service receives it, on the shipped catalog."""
from __future__ import annotations

import datetime as dt

import pytest

from services.review.domain.cases import ReviewCase, Submission
from shared.criteria import load_catalog
from shared.domain.report_header import ReportHeader
from tests.support.answers import complete_answers

NOW = dt.datetime(2026, 12, 1, 8, 0, tzinfo=dt.timezone.utc)
CATALOG_VERSION = "hatinh-2021-ref-1"


@pytest.fixture
def catalog():
    return load_catalog(CATALOG_VERSION).unit_type("commune")


@pytest.fixture
def answers(catalog):
    return complete_answers(catalog)


def pdf(file_id: str, version: int = 1) -> dict:
    return {"file_id": file_id, "name": f"{file_id}.pdf", "sha256": "0" * 64, "size": 10,
            "content_type": "application/pdf", "version": version}


def submission(answers: dict, revision: int = 1, evidence: dict | None = None, at: dt.datetime = NOW) -> Submission:
    return Submission(revision=revision, answers=dict(answers), evidence=evidence or {"1.1": [pdf("f1")]},
                      by="reporter", at=at)


@pytest.fixture
def case(catalog, answers):
    review = ReviewCase(report_id="r-1",
                        header=ReportHeader(round_id="2026", unit_code="HT-X-01", unit_name_vi="Xã Thạch Hà",
                                            unit_type="commune", reviewer_unit_code="HT-H-01",
                                            reviewer_kind="district"),
                        catalog_version=CATALOG_VERSION)
    review.receive_submission(submission(answers), catalog)
    review.recorded.clear()
    return review


def accept_all(case, catalog, by: str = "reviewer-a") -> None:
    for code in case.undecided(catalog):
        case.decide(catalog, code, "accept", values=None, points=None, reason="", by=by, by_unit="HT-H-01", now=NOW)
