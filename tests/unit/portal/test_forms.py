"""The forms' choices are declared in the form wtforms supports (SelectChoice): tuples warn that wtforms 3.4 drops
them, and each form would then fail to build."""
import warnings

from services.portal.entrypoints.forms import AccountForm, RoundForm


def test_the_forms_with_choices_build_without_a_deprecation_and_offer_their_choices_in_vietnamese(vietnamese):
    with warnings.catch_warnings():
        warnings.simplefilter("error", DeprecationWarning)
        account, round_ = AccountForm(meta={"csrf": False}), RoundForm(meta={"csrf": False})
    assert [(choice.value, str(choice.label)) for choice in account.role.iter_choices()][:2] == [
        ("unit_reporter", "Cán bộ báo cáo của đơn vị"), ("unit_approver", "Lãnh đạo đơn vị (phê duyệt báo cáo)")]
    assert [choice.value for choice in round_.kind.iter_choices()] == ["annual_evaluation", "progress_update"]
    assert [(choice.value, choice.label) for choice in round_.period_month.iter_choices()] == [
        ("", "—"), ("3", "3"), ("6", "6"), ("9", "9")]
