"""Each field of a page is reached by its own label, error message and error-summary link: a reviewer's input that
a criterion's accept form asks for and its adjust form corrects has an id in each form. Every page the unit tests
render is checked for the same (rendered.references_kept, through the client fixture)."""
from __future__ import annotations

import re

import pytest

from tests.unit.portal.rendered import REVIEWER, page, references_kept

READ_TWO_WAYS = "Số “1,000” đọc được hai cách: 1000 hoặc 1. Hãy gõ lại theo đúng một trong hai cách viết này."


def forms_of(html: str, criterion: str) -> dict[str, str]:
    """The criterion's decision forms on the case page, by their action (accept, adjust)."""
    return {action: form for action, form in re.findall(r'<form method="post" action="/reviewer/cases/r1/([\w-]+)">'
                                                        r'(.*?)</form>', html)
            if f'name="criterion" value="{criterion}"' in form}


def field_id(form: str, key: str) -> str:
    """The id of the form's box for the input, checked to be the one its label names."""
    [id_] = re.findall(rf'id="([^"]+)" name="value-{key}"', form)
    assert f'<label class="label" for="{id_}">' in form
    return id_


def test_an_input_in_both_forms_of_a_criterion_has_its_own_id_and_label_in_each(client, signed_in_as):
    signed_in_as[0] = REVIEWER
    forms = forms_of(page(client, "/reviewer/cases/r1", "vi"), "1.7")  # late_reports_count: the reviewer's
    assert field_id(forms["accept"], "late_reports_count") != field_id(forms["adjust"], "late_reports_count")


@pytest.mark.parametrize("action", ["accept", "adjust"])
def test_a_refused_number_is_linked_and_described_in_the_form_it_was_typed_in(client, signed_in_as, action):
    signed_in_as[0] = REVIEWER
    client.set_cookie("lang", "vi")
    refused = client.post(f"/reviewer/cases/r1/{action}", data={
        "criterion": "1.7", "expected_version": "4", "reason": "Theo sổ theo dõi", "type-late_reports_count": "int",
        "value-late_reports_count": "1,000"})
    assert refused.status_code == 422
    html = re.sub(r"\s+", " ", refused.text)
    box = field_id(forms_of(html, "1.7")[action], "late_reports_count")
    assert f'<a href="#{box}">{READ_TWO_WAYS}</a>' in html  # the error summary
    assert f'<p id="{box}-error" class="error-message">' in forms_of(html, "1.7")[action]
    assert re.search(rf'<input [^>]*id="{box}" [^>]*value="1,000" aria-invalid="true" aria-describedby="{box}-error"',
                     html)


@pytest.mark.parametrize("html", [
    '<label for="a">A</label><input id="a"><label for="b">B</label><input id="a">',  # the second box's label: none
    '<label for="a">A</label><p id="a">',  # a label for no field
    '<a href="#a">A</a>',  # a link to nothing on the page
    '<input id="a" aria-describedby="a-error">',
])
def test_the_check_of_every_page_finds_what_a_screen_reader_would_miss(html):
    with pytest.raises(AssertionError):
        references_kept(html)
