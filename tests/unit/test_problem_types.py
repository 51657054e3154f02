"""Every refusal's problem type (`PROBLEM_TYPE_BASE + slug`) is published: clients match on it. A slug
comes from its class name unless the class says otherwise, so renaming a class must not rename its
problem type unnoticed."""
from __future__ import annotations

import importlib

from shared.domain.errors import PROBLEM_TYPE_BASE, Bilingual, Conflict, DomainError, Kind, NotFound

PROBLEM_TYPES = {
    "shared.domain.errors.DomainError": "invalid-request",
    "shared.domain.errors.InvalidInput": "invalid-request",
    "shared.domain.errors.NotFound": "not-found",
    "shared.domain.errors.Forbidden": "forbidden",
    "shared.domain.errors.Unauthenticated": "unauthenticated",
    "shared.domain.errors.Conflict": "conflict",
    "shared.domain.errors.VersionConflict": "version-conflict",
    "shared.domain.errors.ConcurrentChange": "version-conflict",
    "shared.domain.errors.DuplicateRecord": "conflict",
    "shared.domain.errors.TooLarge": "too-large",
    "shared.domain.errors.IntegrityFailure": "integrity-failure",
    "shared.domain.errors.Unavailable": "unavailable",
    "shared.domain.lifecycle.IllegalTransition": "illegal-transition",
    "shared.domain.events.UnstorableEvent": "unstorable-event",
    "shared.http_input.UnsupportedMediaType": "unsupported-media-type",
    "shared.http_input.MalformedBody": "malformed-body",
    "services.rounds.domain.refusals.IllegalRoundTransition": "illegal-round-transition",
    "services.rounds.domain.refusals.SubmissionClosed": "submission-closed",
    "services.rounds.domain.refusals.UnitNotInScope": "unit-not-in-scope",
    "services.rounds.domain.refusals.RoundChangeRefused": "round-change-refused",
    "services.rounds.domain.refusals.ReasonRequired": "round-change-refused",
    "services.rounds.domain.refusals.ExcludedUnitEvaluated": "excluded-unit-evaluated",
    "services.rounds.domain.review_models.NoReviewer": "no-reviewer",
    "services.review.domain.errors.InvalidDecision": "invalid-decision",
    "services.review.domain.errors.NotUnderReview": "not-under-review",
    "services.review.domain.errors.UndecidedCriteria": "undecided-criteria",
    "services.review.domain.errors.MissingInputs": "missing-inputs",
    "services.review.domain.errors.ApprovalRefused": "approval-refused",
    "services.review.domain.errors.SelfApproval": "self-approval",
    "services.publication.domain.publication.PublicationRefused": "publication-refused",
    "services.publication.domain.publication.NothingToPublish": "nothing-to-publish",
    "services.publication.domain.publication.RoundStillOpen": "round-still-open",
    "services.publication.domain.publication.FeedbackWindowOpen": "feedback-window-open",
    "services.publication.domain.reconsideration.ReconsiderationRefused": "reconsideration-refused",
    "services.publication.domain.webhooks.WebhookRefused": "webhook-refused",
    "services.submission.service_layer.answers_check.InvalidAnswers": "invalid-answers",
    "services.submission.domain.evidence.EvidenceRefused": "evidence-refused",
    "services.submission.domain.evidence.FileTooLarge": "file-too-large",
    "services.submission.domain.measurements.ImportRefused": "measurements-refused",
    "services.submission.domain.reports.ReportNotEditable": "report-not-editable",
}


def _refusal(path: str) -> type[DomainError]:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def test_every_refusal_keeps_its_problem_type():
    assert {path: _refusal(path).slug for path in PROBLEM_TYPES} == PROBLEM_TYPES


def test_a_problem_type_is_the_base_and_the_slug():
    assert NotFound(Bilingual("Không có", "none")).type_uri == PROBLEM_TYPE_BASE + "not-found"


def test_a_new_refusal_is_named_by_its_class_unless_it_says_otherwise():
    class WindowNotOpenYet(Conflict):
        pass

    class StillNotOpen(WindowNotOpenYet):
        slug = WindowNotOpenYet.slug

    assert (WindowNotOpenYet.slug, StillNotOpen.slug) == ("window-not-open-yet", "window-not-open-yet")


def test_a_refusal_is_titled_by_its_kind_unless_it_says_more():
    class Gone(DomainError):
        kind = Kind.NOT_FOUND

    class RoundLocked(Conflict):
        title = Bilingual("Kỳ báo cáo đã khoá", "Round locked")

    class StillLocked(RoundLocked):
        pass

    assert (Gone.title, Conflict.title, StillLocked.title) == (Kind.NOT_FOUND.title, Kind.CONFLICT.title,
                                                              RoundLocked.title)


def test_a_problem_type_has_one_title_whether_the_domain_or_the_http_edge_raises_it():
    from shared.http_messages import _HTTP

    titles = {_refusal(path).slug: _refusal(path).title for path in PROBLEM_TYPES}
    assert {slug: title for slug, title, _ in _HTTP.values() if slug in titles} == {
        slug: titles[slug] for slug, _, _ in _HTTP.values() if slug in titles}
