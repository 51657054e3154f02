"""The whole story in a real browser, as people would walk it: the admin creates a commune clerk's
account; the clerk signs in, changes the password, fills the report (a wrong value gets its
Vietnamese message beside the field, a number read two ways too), uploads PDFs, reloads (nothing lost), checks the answers and
submits; the district reviewer asks for evidence; the clerk answers; the reviewer adjusts one
criterion and verifies; the district publishes; the clerk sees the score and the reviewer's reason.
Screenshots of each step go to test-artifacts/browser/; axe-core checks each main page."""
from __future__ import annotations

import datetime as dt
import re

import pytest
import requests
from playwright.sync_api import expect

from shared.auth import Role
from shared.criteria import load_catalog
from tests.browser.conftest import ROUND, heading_lines, phone_pass, serious_violations, shot
from tests.support.answers import complete_answers, evidence_criteria, unit_answers
from tests.support.documents import MINIMAL_PDF
from tests.support.http_flow import auth, call
from tests.support.keys import TEST_KEY

pytestmark = pytest.mark.browser
COMMUNE, COMMUNE_NAME, DISTRICT, DISTRICT_NAME = "18070", "Phường Trần Phú", "436", "Thành phố Hà Tĩnh"
ROUND_NAME = "Kỳ đánh giá năm 2027"
ADMIN_PASSWORD, CLERK_PASSWORD, REVIEWER_PASSWORD = "quản-trị-tỉnh-2027", "cán-bộ-xã-Trần-Phú-1", "thẩm-định-TP-2027"
ADJUSTED_REASON = "Biên bản chỉ chứng minh 2 cuộc họp trong năm"
VIETNAMESE_NUMBER = re.compile(r"^\d{1,3}(\.\d{3})*(,\d+)?$")  # 344,69 and 1.000; the services' 344.69 never


def sign_in(page, base: str, username: str, password: str) -> None:
    page.goto(f"{base}/sign-in")
    page.fill("#username", username)
    page.fill("#password", password)
    page.click("main button[type=submit]")


def change_password(page, old: str, new: str) -> None:
    expect(page).to_have_url(re.compile(r"/change-password$"))
    page.fill("#current_password", old)
    page.fill("#new_password", new)
    page.fill("#confirm_password", new)
    page.click("main button[type=submit]")
    expect(page.locator(".banner")).to_contain_text("Đã đổi mật khẩu.")


def create_account(page, username: str, name: str, unit: str, role: str) -> str:
    page.fill("#one-username", username)
    page.fill("#one-display_name", name)
    page.fill("#one-unit_code", unit)
    page.select_option("#one-role", role)
    page.click("form[action$='/admin/accounts'] button[type=submit]")
    return page.locator("code[data-temporary-password]").inner_text()


def reload_until(page, condition, what: str, timeout_s: float = 60) -> None:
    deadline = dt.datetime.now() + dt.timedelta(seconds=timeout_s)
    while not condition():
        assert dt.datetime.now() < deadline, f"not seen within {timeout_s}s: {what}"
        page.wait_for_timeout(500)
        page.reload()


def fill_value(page, key: str, spec_type: str, value) -> None:
    if isinstance(value, bool):
        page.check(f"input[name='{key}'][value='{'true' if value else 'false'}']")
    elif page.locator(f"select#{key}").count():
        page.select_option(f"#{key}", str(value))
    else:
        page.fill(f"#{key}", str(value))


def upload(page, criterion: str, name: str) -> None:
    page.set_input_files(f"[id='files-{criterion}']", files=[{"name": name, "mimeType": "application/pdf", "buffer": MINIMAL_PDF}])
    page.click(f"button[form='upload-{criterion}']")
    expect(page.locator(f"[id='criterion-{criterion}'] .files")).to_contain_text(name)
    page.wait_for_load_state("load")  # the reloaded page's script is running before anyone types


def test_the_whole_story_from_account_to_published_score(portal_system, new_page):
    running, admin_temporary = portal_system
    base = running.urls["portal"]
    accessibility: dict[str, list] = {}

    def check(page, name: str) -> None:
        shot(page, name)
        accessibility[name] = serious_violations(page)

    # 1. The admin signs in (first time: a new password) and creates the clerk's and the reviewer's accounts.
    admin = new_page()
    admin.goto(f"{base}/sign-in")
    check(admin, "01-sign-in")
    sign_in(admin, base, "quantri", admin_temporary)
    change_password(admin, admin_temporary, ADMIN_PASSWORD)
    admin.goto(f"{base}/admin/accounts")
    clerk_temporary = create_account(admin, "xa.tranphu", "Nguyễn Thị Lan", COMMUNE, "unit_reporter")
    check(admin, "02-admin-account-created")
    reviewer_temporary = create_account(admin, "huyen.tphatinh", "Trần Văn Hùng", DISTRICT, "district_reviewer")
    accounts = admin.locator("main table").last  # each account's unit by its name, the code beside it
    expect(accounts.locator("tr", has_text="xa.tranphu")).to_contain_text(f"{COMMUNE_NAME} {COMMUNE}")
    expect(accounts.locator("tr", has_text="huyen.tphatinh")).to_contain_text(f"{DISTRICT_NAME} {DISTRICT}")
    admin.goto(f"{base}/admin/rounds")  # the open round: its close button and the extension form
    expect(admin.get_by_role("button", name=re.compile("Đóng kỳ báo cáo"))).to_be_visible()
    expect(admin.locator(f"[id='round-{ROUND}']")).to_contain_text(ROUND_NAME)
    expect(admin.locator("main h2", has_text="Gia hạn")).to_have_text(f"Gia hạn cho một đơn vị — {ROUND_NAME}")
    check(admin, "02b-admin-rounds")

    # 2. The clerk signs in, changes the password and opens the report.
    clerk = new_page()
    sign_in(clerk, base, "xa.tranphu", clerk_temporary)
    change_password(clerk, clerk_temporary, CLERK_PASSWORD)
    check(clerk, "03-clerk-home")
    # The round by its name, not its id; a commune's window ends at 10/11/2027 00:00 (Vietnam time, exclusive):
    # its last day is the 9th, as the submission service words its refusals.
    expect(clerk.locator("main h2").first).to_have_text("Báo cáo năm 2027")
    expect(clerk.locator("main")).not_to_contain_text(ROUND)
    expect(clerk.locator("main")).to_contain_text("Hạn nộp: hết ngày 09/11/2027")
    clerk.get_by_role("link", name="Tiếp tục báo cáo").click()
    report_url = clerk.url
    check(clerk, "04-task-list")

    setup = auth(TEST_KEY, Role.ADMIN, "HT", "setup")
    reports = call("GET", f"{running.urls['submission']}/reports", setup, params={"round_id": ROUND})
    report = next(item for item in reports if item["unit_code"] == COMMUNE)
    assert report_url.endswith(f"/reports/{report['id']}")
    form = requests.get(f"{running.urls['scoring']}/catalogs/{report['catalog_version']}/unit-types/commune",
                        timeout=10).json()
    unit_catalog = load_catalog(report["catalog_version"]).unit_type("commune")
    answers, needs_files = unit_answers(unit_catalog), set(evidence_criteria(unit_catalog))

    # 3. Group by group: evidence first, then the answers; a wrong value first gets its message.
    for index, group in enumerate(form["groups"]):
        clerk.goto(f"{report_url}/groups/{group['code']}")
        for criterion in group["criteria"]:
            if criterion["code"] in needs_files:
                upload(clerk, criterion["code"], f"minh-chung-{criterion['code']}.pdf")
        unit_inputs = [item for criterion in group["criteria"] for item in criterion["inputs"]
                       if item["supplied_by"]["kind"] == "unit" and item["key"] in answers]
        if index == 0:
            wrong = next(item for item in unit_inputs if item["type"] == "int" and not item["enum"])
            clerk.fill(f"#{wrong['key']}", "1,000")  # one thousand the English way, one the Vietnamese way
            expect(clerk.locator(f"#{wrong['key']}-error")).to_contain_text(
                "Số “1,000” đọc được hai cách: 1000 hoặc 1.")  # refused, never guessed
            clerk.fill(f"#{wrong['key']}", "-3")
            expect(clerk.locator(f"#{wrong['key']}-error")).to_contain_text(
                f"Trường “{wrong['label']['vi']}” phải là số nguyên không âm")  # its label, never its key
            expect(clerk.locator(f"#{wrong['key']}-error")).not_to_contain_text(wrong["key"])
            check(clerk, "05-wrong-value-beside-the-field")
            clerk.click("#save-group")  # the whole group, the wrong value still in it
            expect(clerk.locator(".error-summary")).to_contain_text("không âm")
            expect(clerk.locator(f"#{wrong['key']}-error")).to_contain_text("không âm")
            check(clerk, "06-error-summary")
        for item in unit_inputs:
            fill_value(clerk, item["key"], item["type"], answers[item["key"]])
        if index == 0:
            expect(clerk.locator("form#answers[data-idle='true']")).to_have_count(1, timeout=60_000)  # all saved
            assert clerk.locator("form#answers .error-message:not(:empty)").all_inner_texts() == []
            # The live score as the page writes it, a decimal comma (the API's total always has a decimal point);
            # a deduction headed by what it takes away, from the catalog's rule, not "tối đa 0 điểm".
            expect(clerk.locator("#score-total")).to_have_text(VIETNAMESE_NUMBER)
            for criterion in group["criteria"]:
                if criterion["min_points"] < 0:
                    expect(clerk.locator(f"[id='title-{criterion['code']}']")).to_contain_text(
                        f"(trừ tối đa {-criterion['min_points']} điểm)")
            clerk.goto(clerk.url)  # open the page again (a reload would re-send the earlier refused form)
            for item in unit_inputs:
                if not isinstance(answers[item["key"]], bool):
                    expect(clerk.locator(f"#{item['key']}")).to_have_value(str(answers[item["key"]]))
            check(clerk, "07-after-reload-nothing-lost")
        expect(clerk.locator("form#answers[data-idle='true']")).to_have_count(1, timeout=60_000)
        clerk.click("#save-group")
        expect(clerk.locator(".banner").first).to_contain_text("Đã lưu câu trả lời.")

    expect(clerk).to_have_url(re.compile(r"/check$"))
    check(clerk, "08-check-your-answers")
    expect(clerk.locator(".error-summary")).to_have_count(0)
    # Each answer in words: a chosen option by its label (never its code), a yes by Có.
    for spec in (item for group in form["groups"] for criterion in group["criteria"] for item in criterion["inputs"]
                 if item["key"] in answers and (item["enum"] or item["type"] == "bool")):
        chosen = next((option["label"]["vi"] for option in spec["enum"] if option["value"] == answers[spec["key"]]),
                      "Có")
        expect(clerk.locator(f"[id='{spec['key']}'] dd").first).to_have_text(chosen)
    clerk.get_by_role("button", name="Nộp báo cáo").click()
    expect(clerk.locator(".banner")).to_contain_text("Đã nộp báo cáo để thẩm định.")

    # 4. The district reviewer asks for evidence on 1.1.
    reviewer = new_page()
    sign_in(reviewer, base, "huyen.tphatinh", reviewer_temporary)
    change_password(reviewer, reviewer_temporary, REVIEWER_PASSWORD)
    reviewer.goto(f"{base}/reviewer")
    reload_until(reviewer, lambda: reviewer.locator(f"text={COMMUNE_NAME}").count() > 0, "the case in the queue")
    # Names where people look for them: the district's in the menu, the round's in the queue; no codes.
    expect(reviewer.locator(".nav__who")).to_have_text(f"Trần Văn Hùng · {DISTRICT_NAME}")
    expect(reviewer.locator("#round_id option:checked")).to_have_text("Tất cả")
    expect(reviewer.locator("#round_id")).to_contain_text(ROUND_NAME)
    expect(reviewer.locator("main table tr", has_text=COMMUNE_NAME)).to_contain_text(ROUND_NAME)
    expect(reviewer.locator("main")).not_to_contain_text(ROUND)
    check(reviewer, "09-review-queue")
    reviewer.get_by_role("link", name=COMMUNE_NAME).click()
    case_url = reviewer.url
    check(reviewer, "10-case")
    reviewer.select_option("#ask-criterion", "1.1")
    reviewer.fill("#ask-message", "Đề nghị gửi bản ký số của kế hoạch năm")
    reviewer.fill("#due_date", (dt.date.today() + dt.timedelta(days=7)).isoformat())
    reviewer.get_by_role("button", name="Gửi yêu cầu").click()
    expect(reviewer.locator(".banner")).to_contain_text("Đã gửi yêu cầu bổ sung minh chứng")

    # 5. The clerk sees the request and answers it with a new file.
    clerk.goto(report_url)
    reload_until(clerk, lambda: clerk.locator("#reply").count() > 0, "the evidence request on the task list")
    expect(clerk.locator("#reply")).to_contain_text("Đề nghị gửi bản ký số của kế hoạch năm")
    expect(clerk.locator("#reply")).to_contain_text(  # the date as people write it
        f"Hạn bổ sung: {(dt.date.today() + dt.timedelta(days=7)):%d/%m/%Y}.")
    check(clerk, "11-evidence-requested")
    clerk.goto(f"{report_url}/groups/1")
    upload(clerk, "1.1", "ke-hoach-ky-so.pdf")
    clerk.goto(report_url)
    clerk.fill("#note", "Đã bổ sung bản ký số của kế hoạch")
    clerk.get_by_role("button", name="Gửi phần bổ sung").click()
    expect(clerk.locator(".banner")).to_contain_text("Đã gửi phần bổ sung cho cơ quan thẩm định.")

    # 6. The reviewer accepts every criterion but one, adjusts that one with a reason, and verifies.
    full = complete_answers(unit_catalog)
    adjusted = next(criterion for group in form["groups"] for criterion in group["criteria"]
                    if any(item["type"] == "int" and not item["enum"] and item["supplied_by"]["kind"] == "unit"
                           for item in criterion["inputs"]))
    adjusted_key = next(item["key"] for item in adjusted["inputs"] if item["type"] == "int" and not item["enum"])
    reviewer.goto(case_url)
    reload_until(reviewer, lambda: reviewer.locator("[data-accept]").count() > 0, "the case back under review")
    codes = [criterion["code"] for group in form["groups"] for criterion in group["criteria"]]
    labels = {item["key"]: item["label"]["vi"] for group in form["groups"] for criterion in group["criteria"]
              for item in criterion["inputs"]}

    def fill_reviewer_inputs(section) -> None:
        for field in section.locator("form[action$='/accept'] [name^='value-']").all():
            key = field.get_attribute("name").removeprefix("value-")
            value = full[key]
            if field.evaluate("node => node.tagName") == "SELECT":
                field.select_option("true" if value is True else "false" if value is False else str(value))
            else:
                field.fill(str(value))

    # One criterion is first accepted with the reviewer's own input left empty: verifying is then refused.
    left_empty = next(code for code in codes if code != adjusted["code"] and reviewer.locator(
        f"[id='decide-{code}'] form[action$='/accept'] [name^='value-']").count())
    for code in codes:
        section = reviewer.locator(f"[id='decide-{code}']")
        if code == adjusted["code"]:
            section.locator("summary", has_text="Điều chỉnh").click()
            section.locator(f"[id='adjust-{code}-{adjusted_key}']").fill("2")
            section.locator(f"[id='reason-{code}']").fill(ADJUSTED_REASON)
            section.get_by_role("button", name="Điều chỉnh", exact=True).click()
        else:
            if code != left_empty:
                fill_reviewer_inputs(section)
            for field in section.locator("form[action$='/accept'] [name^='nodata-']").all():
                field.fill("Hệ thống chưa gửi số liệu")
            section.locator("[data-accept]").click()
        expect(reviewer.locator(".banner")).to_contain_text(f" {code}.")
        reviewer.wait_for_load_state("load")
    reviewer.get_by_role("button", name="Hoàn thành thẩm định").click()
    empty_keys = [field.get_attribute("name").removeprefix("value-") for field in reviewer.locator(
        f"[id='decide-{left_empty}'] form[action$='/accept'] [name^='value-']").all()]
    refusal = reviewer.locator(".error-summary")
    for key in empty_keys:  # the refusal names the missing inputs by their labels, never their keys
        expect(refusal).to_contain_text(f"“{labels[key]}”")
        expect(refusal).not_to_contain_text(key)
    check(reviewer, "12a-verify-refused-names-the-inputs")
    expect(reviewer.locator("main .summary-list dd").filter(has_text=re.compile(r"^\s*(true|false)\s*$"))
           ).to_have_count(0)  # a yes/no answer reads Có / Không
    section = reviewer.locator(f"[id='decide-{left_empty}']")
    fill_reviewer_inputs(section)
    section.locator("[data-accept]").click()
    expect(reviewer.locator(".banner")).to_contain_text(f" {left_empty}.")
    reviewer.get_by_role("button", name="Hoàn thành thẩm định").click()
    expect(reviewer.locator(".banner")).to_contain_text("Báo cáo đã được thẩm định.")
    check(reviewer, "12-verified")

    # 7. The district publishes its communes' results, which reports them to the province.
    reviewer.goto(f"{base}/reviewer/district?round_id={ROUND}")
    reload_until(reviewer, lambda: reviewer.locator("tr", has_text=COMMUNE_NAME).filter(
        has_text="Đã chấm điểm").count() > 0, "the commune scored on the board")
    expect(reviewer.locator("main table caption")).to_have_text(f"Các xã — {ROUND_NAME}")
    expect(reviewer.locator("#round_id option:checked")).to_have_text(ROUND_NAME)
    expect(reviewer.locator("main")).not_to_contain_text(ROUND)
    # What the district owes the province: by when, that it has not reported yet, what is new to publish.
    expect(reviewer.locator("#province-report-due")).to_contain_text("Hạn nộp: hết ngày 14/11/2027")
    expect(reviewer.locator("#province-report-state")).to_have_text("Chưa báo cáo UBND tỉnh.")
    expect(reviewer.locator(".counts")).to_contain_text("1 Đã chấm điểm, sẵn sàng công bố")
    check(reviewer, "13-communes-board")
    stale = reviewer.context.new_page()  # the same board left open in another tab
    stale.goto(reviewer.url)
    reviewer.get_by_role("button", name="Công bố kết quả cấp xã và báo cáo tỉnh").click()
    expect(reviewer.locator(".banner")).to_contain_text("Đã công bố kết quả của 1 xã")
    # Reported: when and which version; once the commune reads published, nothing new is offered.
    expect(reviewer.locator("#province-report-state")).to_contain_text("phiên bản 1 của kết quả kỳ đánh giá")
    reload_until(reviewer, lambda: reviewer.locator("#nothing-to-publish").count() > 0, "nothing new to publish")
    expect(reviewer.get_by_role("button", name="Công bố kết quả cấp xã và báo cáo tỉnh")).to_have_count(0)
    check(reviewer, "13b-communes-board-reported")
    stale.get_by_role("button", name="Công bố kết quả cấp xã và báo cáo tỉnh").click()  # nothing new: refused
    expect(stale.locator(".banner")).to_contain_text(f"“{DISTRICT_NAME}”")  # the district by its name
    expect(stale.locator(".banner")).not_to_contain_text(f"'{DISTRICT}'")
    stale.close()

    # 8. The clerk sees the official score and why the reviewer changed a figure.
    clerk.goto(report_url)
    reload_until(clerk, lambda: clerk.locator("#result-title").count() > 0, "the official score")
    expect(clerk.locator("main")).to_contain_text("Điểm chính thức")
    expect(clerk.locator("main")).to_contain_text(ADJUSTED_REASON)
    # Published: the official result and its publication, and no provisional preview beside them.
    reload_until(clerk, lambda: clerk.locator("#result-title ~ p", has_text="công bố ngày").count() > 0,
                 "the published result")
    expect(clerk.locator("#official-ranks")).to_contain_text("Hạng 1")  # the only commune its district scored
    expect(clerk.locator("#official-total")).to_have_text(VIETNAMESE_NUMBER)
    expect(clerk.locator("main")).not_to_contain_text("Điểm tạm tính")
    check(clerk, "14-published-score-and-reason")
    clerk.goto(f"{base}/")  # home: where the report stands, no days counted to a deadline already met
    reload_until(clerk, lambda: clerk.locator("main .tag--published").count() > 0, "the report published at home")
    expect(clerk.locator("main .next")).to_have_text("Kết quả của đơn vị trong kỳ báo cáo này đã được công bố.")
    check(clerk, "14b-clerk-home-published")

    # 9. Anyone sees the district's published ranking: the round and the district by their names, no codes.
    citizen = new_page()
    citizen.goto(f"{base}/results")
    citizen.get_by_role("link", name=ROUND_NAME).click()
    expect(citizen.get_by_role("heading", level=1)).to_have_text(f"Bảng xếp hạng — {ROUND_NAME}")
    expect(citizen.locator("main")).to_contain_text(f"UBND cấp xã thuộc {DISTRICT_NAME}")
    expect(citizen.locator("main")).not_to_contain_text(f"thuộc {DISTRICT}")
    expect(citizen.locator("main")).not_to_contain_text(ROUND)
    check(citizen, "16-public-ranking")

    # 10. Each person's main pages on a phone (360×740): nothing scrolls sideways, every control can be tapped.
    report_path = report_url.removeprefix(base)
    unusable = {
        **phone_pass(citizen, base, "phone-public", ["/results", f"/results?round_id={ROUND}", "/results/search?q=tran phu",
                                                    f"/results/units/{COMMUNE}", "/sign-in"]),
        **phone_pass(clerk, base, "phone-clerk", ["/", report_path, f"{report_path}/groups/1", f"{report_path}/check"]),
        **phone_pass(reviewer, base, "phone-reviewer", ["/", "/reviewer", case_url.removeprefix(base),
                                                        f"/reviewer/district?round_id={ROUND}"]),
        **phone_pass(admin, base, "phone-admin", ["/", "/admin/rounds", "/admin/accounts", "/admin/units",
                                                  "/admin/catalogs"]),
    }
    assert unusable == {}
    # The review queue on a phone: its table takes its natural width and scrolls in its box like the ranking, so
    # a heading is not squeezed to its longest word and stacked a word a line.
    reviewer.goto(f"{base}/reviewer")
    assert {heading: lines for heading, lines in heading_lines(reviewer) if lines > 1} == {}
    # So does the admin's list of accounts.
    admin.goto(f"{base}/admin/accounts")
    assert {heading: lines for heading, lines in heading_lines(admin) if lines > 1} == {}

    assert {page: found for page, found in accessibility.items() if found} == {}


def test_a_clerk_cannot_open_another_units_report_by_its_address(portal_system, new_page):
    running, _ = portal_system
    base = running.urls["portal"]
    printed = running.cli("create-account", "--username", "xa.namha", "--role", "unit_reporter", "--unit", "18073")
    temporary = re.search(r"temporary password (\S+)", printed).group(1)
    reports = call("GET", f"{running.urls['submission']}/reports", auth(TEST_KEY, Role.ADMIN, "HT", "setup"),
                   params={"round_id": ROUND})
    other = next(item for item in reports if item["unit_code"] == "18076")  # Phường Bắc Hà, another commune
    clerk = new_page()
    sign_in(clerk, base, "xa.namha", temporary)
    change_password(clerk, temporary, "Nam-Hà-cán-bộ-2027")
    for path in (f"/reports/{other['id']}", f"/reports/{other['id']}/groups/1", f"/reports/{other['id']}/check"):
        response = clerk.goto(base + path)
        assert response.status == 403, path
        expect(clerk.locator("h1")).to_have_text("Bạn không có quyền mở trang này")
        expect(clerk.locator("main")).not_to_contain_text("Phường Bắc Hà")
    shot(clerk, "15-another-units-report-refused")
