"""The public look-up pages in a real browser (Debian's chromium driven by Playwright): the
portal, the publication service and the criteria catalog each served over HTTP, two published
rounds on the real PostgreSQL, and the submission service for the names of the rounds and units. Opens the ranking (sorts it, sees its bar chart), searches
without diacritics, opens a unit's page with its radar and its line over the years, in
Vietnamese and in English. Screenshots in test-artifacts/browser/public-*.png."""
from __future__ import annotations

import threading

import pytest
import requests
from werkzeug.serving import make_server

from services.portal import bootstrap as portal
from services.portal.settings import PortalSettings
from services.publication import bootstrap as publication
from services.publication.entrypoints import consumers
from services.publication.service_layer import handlers
from services.rounds.service_layer import registry
from services.scoring import bootstrap as scoring
from services.submission import bootstrap as submission
from shared.auth import Principal, Role, issue_token
from shared.cloudevents import CloudEvent
from tests.browser.conftest import heading_lines, phone_pass, shot
from tests.support.keys import TEST_KEY
from tests.support.round_events import round_closed, round_opened
from tests.support.running import SEED

pytestmark = pytest.mark.browser
DISTRICTS = {"440": "Huyện Đức Thọ", "442": "Thị xã Kỳ Anh", "444": "Huyện Can Lộc"}
TOTALS = {"2025-annual": {"440": 610, "442": 720, "444": 655},
          "2026-annual": {"440": 812, "442": 700, "444": 655}}  # Đức Thọ climbs from 3rd to 1st


class Served:
    """A WSGI app on a free local port, in a thread."""

    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self) -> None:
        self.server.shutdown()


def _event(routing_key: str, data: dict, source: str) -> CloudEvent:
    return CloudEvent(id=f"{routing_key}-{data['round_id']}-{data.get('report_id', '')}", source=source,
                      type=f"vn.gov.cqs.{routing_key}", subject="x", time="2026-11-01T00:00:00Z", data=data)


def _publish_rounds(runtime) -> None:
    subscriptions = {subscription.handler_name: subscription for subscription in consumers.subscriptions()}

    def handle(handler_name, routing_key, data, source="/cqs/submission"):
        with runtime.uow_factory() as uow:
            subscriptions[handler_name].handle(uow, _event(routing_key, data, source))
            uow.commit()

    for round_id, totals in TOTALS.items():
        year = int(round_id[:4])
        units = [{"code": code, "unit_name_vi": name, "unit_type": "district", "reviewer_unit_code": "SKHCN",
                  "reviewer_kind": "department"} for code, name in DISTRICTS.items()]
        handle("on_round_opened", "round.opened", round_opened(round_id, year, units=units))
        for code, total in totals.items():
            groups = {str(group): f"{total / 6:.2f}" for group in range(1, 7)}
            groups["6"] = f"{total - sum(float(points) for key, points in groups.items() if key != '6'):.2f}"
            handle("on_report_scored", "report.scored", {
                "report_id": f"{round_id}-{code}", "round_id": round_id, "unit_code": code,
                "unit_name_vi": DISTRICTS[code], "unit_type": "district", "reviewer_unit_code": "SKHCN",
                "reviewer_kind": "department", "score_id": f"s-{round_id}-{code}",
                "catalog_version": "hatinh-2021-ref-1", "total": f"{total:.2f}", "groups": groups,
                "criteria": {"1.1": "10.00"}, "catalog_fingerprint": "", "inputs_hash": "",
                "classification": {}, "complete": True, "scored_at": f"{year}-11-20T08:00:00+00:00"}, "/cqs/scoring")
        handle("on_round_closed", "round.closed", round_closed(round_id, year))
        handlers.publish(runtime.uow_factory(), round_id, Principal("admin", Role.ADMIN, "HT"), now=runtime.clock())


@pytest.fixture
def site(settings_for, database_url, tmp_path):
    publication_runtime = publication.runtime(settings_for("publication"))
    publication_runtime.migrate()
    _publish_rounds(publication_runtime)
    scoring_runtime = scoring.runtime(settings_for("scoring"))
    scoring_runtime.migrate()
    submission_runtime = submission.runtime(settings_for("submission"))  # the rounds' and units' names
    submission_runtime.migrate()
    registry.load_units(submission_runtime.uow_factory(), [SEED / "units" / "hatinh-2021.yaml"])
    apis = [Served(publication.create_app(publication_runtime)), Served(scoring.create_app(scoring_runtime)),
            Served(submission.create_app(submission_runtime))]
    for year in (2025, 2026):
        requests.post(f"{apis[2].url}/rounds", json={"kind": "annual_evaluation", "year": year}, timeout=30,
                      headers={"Authorization": f"Bearer {issue_token(TEST_KEY, 'setup', Role.ADMIN, 'HT')}"}
                      ).raise_for_status()
    urls = {"publication": apis[0].url, "scoring": apis[1].url, "submission": apis[2].url,
            "review": "http://127.0.0.1:9/review"}
    portal.migrate(database_url)
    settings = PortalSettings(database_url=database_url, api_urls=urls, secret_key="test-session-key",
                              signing_key=TEST_KEY, secure_cookies=False, data_dir=tmp_path)
    site = Served(portal.create_app(settings, portal.accounts_for(database_url)))
    yield site.url
    for served in (site, *apis):
        served.stop()
    for runtime in (publication_runtime, scoring_runtime, submission_runtime):
        runtime.engine.dispose()


def test_rankings_search_and_a_units_page_in_the_browser(site, new_page):
    from playwright.sync_api import expect

    page = new_page()
    page.goto(f"{site}/results")
    page.get_by_role("link", name="Kỳ đánh giá năm 2026").click()  # the round by its name, never its id
    expect(page.get_by_role("heading", level=1)).to_have_text("Bảng xếp hạng — Kỳ đánh giá năm 2026")
    expect(page.locator("main")).not_to_contain_text("2026-annual")
    rows = page.locator("#ranking tbody tr")
    expect(rows).to_have_count(3)
    expect(rows.first).to_contain_text("Huyện Đức Thọ")
    expect(rows.first).to_contain_text("+2 bậc")  # third last year, first now
    expect(page.locator("svg.chart rect.chart__bar")).to_have_count(3)
    page.get_by_role("link", name="Đơn vị").click()  # sort by name
    expect(rows.first).to_contain_text("Huyện Can Lộc")
    shot(page, "public-ranking")

    page.goto(f"{site}/results")
    page.get_by_label("Tìm đơn vị theo tên").fill("duc tho")
    page.get_by_role("button", name="Tìm kiếm").click()
    page.get_by_role("link", name="Huyện Đức Thọ").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Huyện Đức Thọ")
    expect(page.locator("#round_id option:checked")).to_have_text("Kỳ đánh giá năm 2026")
    expect(page.locator("#radar svg polygon.chart__area")).to_have_count(1)
    expect(page.locator("#history svg circle.chart__dot")).to_have_count(2)  # 2025 and 2026
    expect(page.locator("#points")).to_contain_text("812")
    group_points = f"{812 / 6:.2f}"  # as publication serves it: 135.33, which a Vietnamese reader writes 135,33
    expect(page.locator("#points")).to_contain_text(group_points.replace(".", ","))
    expect(page.locator("#points")).not_to_contain_text(group_points)
    expect(page.locator("#points tfoot td")).to_have_text(["812", "1.000"])  # the total and its maximum, grouped
    shot(page, "public-unit")

    page.get_by_role("link", name="English").click()
    expect(page.locator("#points caption")).to_have_text("Points by group and criterion")
    expect(page.locator("#points")).to_contain_text(group_points)  # English writes a decimal point
    shot(page, "public-unit-en")
    # On a phone (360×740), in English (the longer group names) and Vietnamese: every chart's text readable.
    unit_page = "/results/units/440?round_id=2026-annual"
    # Its points table fits the phone: the numbers and their headings on one line, the names wrapping (their
    # heading on at most two lines).
    assert phone_pass(page, site, "public-en", [unit_page]) == {}
    assert points_headings_stacked(page, "Group or criterion") == {}
    page.get_by_role("link", name="Tiếng Việt").click()
    assert phone_pass(page, site, "public", ["/results?round_id=2026-annual", unit_page]) == {}
    assert points_headings_stacked(page, "Nhóm tiêu chí, tiêu chí") == {}
    assert page.evaluate("() => document.querySelector('#points').scrollWidth <= innerWidth")


def points_headings_stacked(page, names_heading: str) -> dict[str, int]:
    """The points table's headings that take more lines than they should: one, two for the names'."""
    return {heading: lines for heading, lines in heading_lines(page)
            if lines > (2 if heading == names_heading else 1)}
