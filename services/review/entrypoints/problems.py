"""The review's refusals as problem bodies: Vietnamese `detail`, English `detail_en`, and the
data to act on (e.g. the undecided criteria)."""
from __future__ import annotations

from flask import Flask, jsonify

from services.review.domain.errors import (
    ApprovalRefused,
    InvalidDecision,
    MissingInputs,
    NotUnderReview,
    ReviewRefused,
    SelfApproval,
    UndecidedCriteria,
)
from shared.http_problems import PROBLEM_CONTENT_TYPE, Problem

REFUSALS = (
    (InvalidDecision, 422, "Invalid decision"),
    (NotUnderReview, 409, "Not under review"),
    (UndecidedCriteria, 409, "Criteria not decided"),
    (MissingInputs, 409, "Inputs missing"),
    (ApprovalRefused, 409, "Approval refused"),
    (SelfApproval, 403, "Four-eyes: approval by another reviewer required"),
)


def register_refusals(app: Flask) -> None:
    for exception, status, title in REFUSALS:
        app.register_error_handler(exception, _responder(status, title))


def _responder(status: int, title: str):
    def respond(error: ReviewRefused):
        problem = Problem(status, title, error.vi, extra={"detail_en": error.en, **error.data})
        response = jsonify(problem.to_dict())
        response.status_code = status
        response.content_type = PROBLEM_CONTENT_TYPE
        return response

    return respond
