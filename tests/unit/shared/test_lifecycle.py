import itertools

import pytest

from shared.domain.lifecycle import ALLOWED_TRANSITIONS, IllegalTransition, ReportStatus, transition

HAPPY_PATH = ["draft", "submitted", "verified", "scored", "published"]


def test_the_happy_path_is_allowed_step_by_step():
    state = ReportStatus.DRAFT
    for target in HAPPY_PATH[1:]:
        state = transition(state, ReportStatus(target))
    assert state is ReportStatus.PUBLISHED


@pytest.mark.parametrize("path", [
    ["submitted", "returned", "draft", "submitted"],
    ["submitted", "evidence_requested", "submitted", "verified"],
])
def test_the_detours_from_submitted(path):
    state = ReportStatus.DRAFT
    for target in path:
        state = transition(state, ReportStatus(target))
    assert state.value == path[-1]


def test_every_illegal_transition_is_refused_naming_both_states():
    for current, requested in itertools.product(ReportStatus, ReportStatus):
        if requested in ALLOWED_TRANSITIONS[current]:
            continue
        with pytest.raises(IllegalTransition) as error:
            transition(current, requested)
        assert (error.value.current, error.value.requested) == (current, requested)
        assert error.value.data == {"status": current.value, "requested": requested.value}
        assert "báo cáo" in error.value.message.vi.lower() and "không thể" in error.value.message.vi


def test_a_repeated_submission_is_refused_in_plain_words():
    with pytest.raises(IllegalTransition) as error:
        transition(ReportStatus.SUBMITTED, ReportStatus.SUBMITTED)
    assert error.value.message.vi == "Báo cáo đã được nộp, không thể nộp lại"
    assert error.value.message.en == "The report has been submitted; it cannot be submitted again"


def test_a_published_report_goes_back_only_to_scored_when_re_scored_or_to_review_on_reconsideration():
    assert ALLOWED_TRANSITIONS[ReportStatus.PUBLISHED] == frozenset({ReportStatus.SCORED, ReportStatus.SUBMITTED})
