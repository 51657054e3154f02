"""The demo's published past (`cqs run`): the 2022 and 2023 evaluations under the 2021 three-tier model,
replayed on their own calendar through the four services' HTTP APIs before the system serves anyone, so that
the public pages (/results: rankings with last year's change, a unit's page with its radar and its line over
the years, search) and a clerk's past scores have something to show.

A round goes as a real one goes: each unit fills in its report (values drawn by a generator seeded with the
year and its code, within each input's bounds and choices), attaches a document to every criterion whose answer
needs evidence (as the preview says) and submits; its reviewer (a district its communes, the Department of the
time, Sở TT&TT, everyone else) fills the reviewer's inputs the same way, accepts each criterion and verifies;
the scoring service scores the report from the catalog's rules; each district publishes its communes, the round
closes, and the Department publishes the provisional results and, once the feedback window has closed, the
final ones. The services' clocks run from the day each step happened (reports in late October, final results
in early December), so every record carries its date; tokens are signed with the embedded mode's key as
`cqs token` signs them, and the events flow between the services as they always do.

Only part of the province reports (`REPORTING_UNITS`, `REPORTING_DISTRICTS`): the rest of the 259 units' drafts
stay unsubmitted, and the rankings say whom they miss. A unit's review is about 40 to 60 decisions of some
15 ms each, so the whole province would add minutes to the first start; the subset adds seconds. Starting
again changes nothing: a round the replay finished is published in full, and one an interrupted start left
halfway is taken on from where it stopped.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import logging
import random
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from werkzeug.exceptions import NotFound
from werkzeug.middleware.dispatcher import DispatcherMiddleware
from werkzeug.test import Client, TestResponse

from services.submission import demo as submission_demo
from shared import config, reconciliation
from shared.auth import MAX_LIFETIME, Role, issue_token
from shared.clock import utc_now
from shared.criteria import UnitTypeCatalog, load_catalog
from shared.criteria.suppliers import UNIT, fields_supplied_by
from shared.http_security import limits_lifted
from shared.runtime import ServiceRuntime

log = logging.getLogger(__name__)

# Who reports in the replay: a few units of every kind, and the communes of Thị xã Hồng Lĩnh (the smallest
# district, whose reviewer is a demo account: services/portal/demo.py), so its communes' ranking is complete.
REPORTING_UNITS = frozenset({"STC", "STP", "KBNN", "436", "437"})
REPORTING_DISTRICTS = frozenset({"437"})
# Each step's day, from the round's last deadline (15 Nov; communes report by 10 Nov, and districts report
# their communes' results by 15 Nov): measured inputs and reports in late October, reviews early in November,
# the provisional results six days after the close and the final ones once ten days of feedback have passed.
MEASURED = dt.timedelta(days=-23)
SUBMITTED = dt.timedelta(days=-21)
REVIEWED = dt.timedelta(days=-8)
DISTRICTS_PUBLISH = dt.timedelta(days=-4)
CLOSES = dt.timedelta(0)
PROVISIONAL = dt.timedelta(days=6)
FINAL = dt.timedelta(days=20)
SETTLE_TIMEOUT_S = 120
# Today's round: how many units of each kind have sent their reports to the Department's reviewer; the demo
# clerks' units (services/portal/demo.py) keep their drafts.
SENT_TODAY = 2
DEMO_CLERKS_UNITS = frozenset({"18073-2025", "STC"})
NAMES = ("Nguyễn Văn An", "Trần Thị Bình", "Lê Văn Cường", "Phạm Thị Dung", "Hoàng Văn Hải", "Võ Thị Hoa")


class ReplayFailed(RuntimeError):
    """A service refused a step of the replay, or its events did not arrive in time."""


def reporting(report: Mapping[str, Any]) -> bool:
    """Whether the unit of `report` takes part in the demo's replay of its round."""
    return report["unit_code"] in REPORTING_UNITS or (
        report["reviewer_kind"] == "district" and report["reviewer_unit_code"] in REPORTING_DISTRICTS)


class Caller:
    """One person calling the services in process (WSGI, no socket) with a token naming them."""

    def __init__(self, client: Client, role: Role, unit: str, user: str):
        self.client = client
        token = issue_token(config.signing_key(), user, role, unit, ttl=MAX_LIFETIME)
        self.headers = {"Authorization": f"Bearer {token}"}

    def request(self, method: str, path: str, **kwargs) -> TestResponse:
        return self.client.open(path, method=method, headers=self.headers, **kwargs)

    def call(self, method: str, path: str, expected: int = 200, **kwargs) -> Any:
        return _expect(self.request(method, path, **kwargs), expected, f"{method} {path}").get_json()

    def pages(self, path: str, **query) -> list[dict]:
        """Every item of a paged list."""
        items, page = [], 1
        while True:
            response = _expect(self.request("GET", path, query_string={**query, "page": page, "page_size": 500}),
                               200, f"GET {path}")
            items += response.get_json()
            if 'rel="next"' not in response.headers.get("Link", ""):
                return items
            page += 1


def _expect(response: TestResponse, status: int, what: str) -> TestResponse:
    if response.status_code != status:
        raise ReplayFailed(f"{what}: {response.status_code} {response.get_data(as_text=True)[:500]}")
    return response


def replay(apps: Mapping[str, Any], runtimes: Mapping[str, ServiceRuntime]) -> None:
    """Carry each of the demo's past rounds from its drafts to its final results, oldest first, or on from
    where an interrupted start left it."""
    client = Client(DispatcherMiddleware(NotFound(), apps))
    admin = Caller(client, Role.ADMIN, "HT", "demo-quantri")
    published = {item["round_id"]: item["stage"] for item in admin.pages("/publication/published-rounds")}
    with limits_lifted(apps.values()), _quiet("cqs.http", "cqs.events"):
        for year in submission_demo.PAST_YEARS:
            round_ = admin.call("GET", f"/submission/rounds/{year}-annual")
            # A closed round never published was closed before the demo replayed rounds: it stays as it is.
            if round_["status"] == "open" or published.get(round_["id"], "final") != "final":
                log.info("demo: replaying %s through the services (on a first start only)", round_["id"])
                started = time.perf_counter()
                count = _replay_round(client, admin, runtimes, round_, published.get(round_["id"]))
                log.info("demo: %s replayed to its final results (%d reports) in %.1f s", round_["id"], count,
                         time.perf_counter() - started)
        _send_for_review(client, admin)


def _send_for_review(client: Client, admin: Caller) -> None:
    """Today's round as the Department's reviewer finds it: the first units of each kind whose window is open
    (`SENT_TODAY` of them, by code; not the demo clerks' own, whose drafts they fill in themselves) have sent
    their reports. From 10 to 15 November the communes' window of the round has closed: they send none."""
    now = utc_now()
    round_ = admin.call("GET", f"/submission/rounds/{submission_demo.current_annual_year(now)}-annual")
    drafts = {}
    for report in admin.pages("/submission/reports", round_id=round_["id"]):
        if report["unit_code"] not in DEMO_CLERKS_UNITS and window_open(round_, report["unit_type"], now):
            drafts.setdefault(report["unit_type"], []).append(report)
    for reports in drafts.values():
        for report in sorted(reports, key=lambda report: report["unit_code"])[:SENT_TODAY]:
            if report["status"] == "draft":
                _fill_in_and_submit(client, report, round_["year"])


def window_open(round_: Mapping[str, Any], unit_type: str, now: dt.datetime) -> bool:
    """Whether units of `unit_type` may send their reports of `round_` (as the rounds API gives it) at `now`."""
    window = round_["windows"][unit_type]
    return dt.datetime.fromisoformat(window["start"]) <= now < dt.datetime.fromisoformat(window["end"])


@contextlib.contextmanager
def _quiet(*loggers: str) -> Iterator[None]:
    """A round's replay makes about 800 requests and 90 events; its own two lines say what it did, and the
    sign-in banner after it stays in sight."""
    if logging.getLogger().level <= logging.DEBUG:  # whoever asked for everything gets it
        yield
        return
    levels = {name: logging.getLogger(name).level for name in loggers}
    for name in loggers:
        logging.getLogger(name).setLevel(logging.WARNING)
    try:
        yield
    finally:
        for name, level in levels.items():
            logging.getLogger(name).setLevel(level)


def _replay_round(client: Client, admin: Caller, runtimes: Mapping[str, ServiceRuntime], round_: dict,
                  stage: str | None) -> int:
    round_id, closes_at = round_["id"], dt.datetime.fromisoformat(round_["closes_at"])
    reports = [report for report in admin.pages("/submission/reports", round_id=round_id) if reporting(report)]

    def on(offset: dt.timedelta) -> contextlib.AbstractContextManager:
        return _clocks_at(runtimes.values(), closes_at + offset)

    if round_["status"] == "open":
        with on(MEASURED):
            submission_demo.import_measurements(runtimes["submission"], round_id, closes_at + MEASURED,
                                                unit_codes={report["unit_code"] for report in reports})
        with on(SUBMITTED):
            for report in reports:
                if report["status"] == "draft":
                    _fill_in_and_submit(client, report, round_["year"])
        with on(REVIEWED):
            _settle(admin, round_id)
            for report in reports:
                _review(client, report, round_["year"])
            _settle(admin, round_id)
        with on(DISTRICTS_PUBLISH):
            reviewers = {report["reviewer_unit_code"] for report in reports}
            for district in admin.call("GET", f"/publication/rounds/{round_id}/district-reports"):
                code = district["district"]
                if district["status"] == "pending" and code in reviewers:
                    Caller(client, Role.DISTRICT_REVIEWER, code, f"demo-thamdinh-{code}").call(
                        "POST", f"/publication/rounds/{round_id}/publish", 201, json={})
        with on(CLOSES):
            admin.call("POST", f"/submission/rounds/{round_id}/close")
    [body] = {report["reviewer_unit_code"] for report in reports if report["reviewer_kind"] != "district"}
    department = Caller(client, Role.DEPARTMENT_REVIEWER, body, f"demo-thamdinh-{body}")
    final = closes_at + FINAL
    decision = (f"Quyết định số {round_['year'] % 100}56/QĐ-UBND ngày {final:%d/%m/%Y} của UBND tỉnh Hà Tĩnh "
                "(dữ liệu demo / demo data)")
    stages = [("provisional", PROVISIONAL), ("final", FINAL)]
    for next_stage, offset in stages[1 if stage == "provisional" else 0:]:
        with on(offset):
            _publish(department, round_id, next_stage, decision)
    return len(reports)


def _publish(department: Caller, round_id: str, stage: str, decision: str) -> None:
    """The Department publishes the round's next stage, once the publication service knows it closed (until
    then it answers 409 with Retry-After)."""
    def done() -> bool:
        response = department.request("POST", f"/publication/rounds/{round_id}/publish",
                                      json={"stage": stage, "decision_reference": decision})
        if "Retry-After" in response.headers:
            return False
        _expect(response, 201, f"publishing {round_id} ({stage})")
        return True
    _until(done, f"the {stage} results of {round_id} published")


@contextlib.contextmanager
def _clocks_at(runtimes: Iterable[ServiceRuntime], moment: dt.datetime) -> Iterator[None]:
    """Every service's clock running from `moment` meanwhile, as if the step happened then."""
    runtimes = list(runtimes)
    offset = moment - utc_now()
    kept = [runtime.clock for runtime in runtimes]
    for runtime in runtimes:
        runtime.clock = lambda: utc_now() + offset
    try:
        yield
    finally:
        for runtime, clock in zip(runtimes, kept, strict=True):
            runtime.clock = clock


def _fill_in_and_submit(client: Client, report: dict, year: int) -> None:
    """The unit answers what it supplies, attaches the document to each criterion that needs evidence, submits."""
    unit = Caller(client, Role.UNIT_REPORTER, report["unit_code"], f"demo-canbo-{report['unit_code']}")
    path = f"/submission/reports/{report['id']}"
    unit_catalog = load_catalog(report["catalog_version"]).unit_type(report["unit_type"])
    measured = {name: item["value"] for name, item in unit.call("GET", path)["measured"].items()}
    own = set(fields_supplied_by(unit_catalog, UNIT))
    drawn = plausible_values(unit_catalog, f"{year}/{report['unit_code']}", measured)
    answers = {name: value for name, value in drawn.items() if name in own}
    unit.call("PATCH", path, json={"answers": answers})
    blocking = unit.call("GET", f"{path}/preview")["before_submission"]["errors"]
    for criterion in sorted({error["criterion"] for error in blocking if error["rule"] == "evidence_required"}):
        unit.call("POST", f"{path}/evidence", 201, data={
            "criterion": criterion,
            "file": (io.BytesIO(_evidence_document()), f"minh-chung-{criterion}.pdf", "application/pdf")})
    unit.call("POST", f"{path}/submit", json={})


def _review(client: Client, report: dict, year: int) -> None:
    """The reviewer fills the reviewer's inputs, accepts every criterion as answered, and verifies."""
    role = Role.DISTRICT_REVIEWER if report["reviewer_kind"] == "district" else Role.DEPARTMENT_REVIEWER
    reviewer = Caller(client, role, report["reviewer_unit_code"], f"demo-thamdinh-{report['reviewer_unit_code']}")
    path = f"/review/cases/{report['id']}"
    case = reviewer.call("GET", path)
    if case["status"] != "submitted":
        return
    unit_catalog = load_catalog(case["catalog_version"]).unit_type(case["unit_type"])
    known = {**case["answers"], **{item["key"]: item["value"] for item in case["measured_inputs"]}}
    values = plausible_values(unit_catalog, f"{year}/{report['unit_code']}", known)
    for criterion in case["undecided"]:
        inputs = {field.field for field in unit_catalog.criteria_by_code[criterion].inputs}
        own = {item["key"]: values[item["key"]] for item in case["reviewer_inputs"]
               if item["key"] in inputs and item["value"] is None and item["no_data"] is None}
        unmeasured = {item["key"]: "Hệ thống chưa gửi số liệu / no data from the system"
                      for item in case["measured_inputs"]
                      if item["key"] in inputs and item["value"] is None and item["no_data"] is None}
        case = reviewer.call("POST", f"{path}/decisions", json={
            "criterion": criterion, "decision": "accept", "expected_version": case["version"], "values": own,
            "no_data": unmeasured})
    reviewer.call("POST", f"{path}/verify", json={"expected_version": case["version"]})


def _settle(admin: Caller, round_id: str) -> None:
    """Wait until the four services agree on every report of the round (`cqs reconcile`'s comparison)."""
    def agreed() -> bool:
        views = {service: {item["report_id"]: item for item in _admin_view(admin, service, round_id)}
                 for service in reconciliation.SERVICES}
        return not reconciliation.divergences(views)
    _until(agreed, f"the services to agree on {round_id}")


def _admin_view(admin: Caller, service: str, round_id: str) -> list[dict]:
    items, after = [], ""
    while True:
        page = admin.call("GET", f"/{service}/admin/rounds/{round_id}/reports",
                          query_string={"after": after, "limit": reconciliation.PAGE_SIZE})
        items += page["items"]
        if not page.get("next_after"):
            return items
        after = page["next_after"]


def _until(condition: Callable[[], bool], what: str) -> None:
    deadline = time.monotonic() + SETTLE_TIMEOUT_S
    while not condition():
        if time.monotonic() > deadline:
            raise ReplayFailed(f"demo: waited {SETTLE_TIMEOUT_S} s for {what}")
        time.sleep(0.05)


def plausible_values(unit_catalog: UnitTypeCatalog, seed: str, known: Mapping[str, Any]) -> dict[str, Any]:
    """A value for every input of the unit type besides those `known`, the same for the same `seed` each time:
    within each input's bounds and choices, a numerator a share of its denominator, counts around the tiers
    their criteria reward, a violation now and then."""
    rng = random.Random(seed)
    rules = [criterion.rule for criterion in unit_catalog.criteria]
    denominators = {rule.numerator: rule.denominator for rule in rules if rule.numerator}
    top_tiers = {rule.input: max(tier.min for tier in rule.tiers) for rule in rules if rule.input and rule.tiers}
    deductions = {criterion.rule.input for criterion in unit_catalog.criteria if criterion.kind == "deduction"}
    values = dict(known)
    for name in sorted(set(unit_catalog.fields) - set(known), key=lambda name: (name in denominators, name)):
        field = unit_catalog.fields[name]
        if field.type == "bool":
            values[name] = rng.random() < 0.8
        elif field.enum:
            choices = sorted(option.value for option in field.enum)
            values[name] = rng.choices(choices, weights=range(1, len(choices) + 1))[0]
        elif field.type == "text":
            values[name] = rng.choice(NAMES)
        elif field.type == "percent":
            values[name] = round(rng.uniform(55, 100), 1)
        elif name in deductions:
            values[name] = 0 if rng.random() < 0.75 else rng.randint(1, 2)
        elif isinstance(values.get(denominators.get(name)), int | float):
            values[name] = _bounded(field, values[denominators[name]] * rng.uniform(0.5, 1))
        elif name in top_tiers:
            values[name] = _bounded(field, float(top_tiers[name]) * rng.uniform(0.3, 1.3))
        elif field.max is not None:
            values[name] = _bounded(field, rng.uniform(float(field.min or 0), float(field.max)))
        else:
            values[name] = _bounded(field, rng.randint(20, 400))
    return {name: value for name, value in values.items() if name not in known}


def _bounded(field, value: float) -> int | float:
    if field.min is not None:
        value = max(value, float(field.min))
    if field.max is not None:
        value = min(value, float(field.max))
    return int(value) if field.type == "int" else round(value, 1)


@functools.cache
def _evidence_document() -> bytes:
    """The document a unit attaches: one page saying it stands for the unit's evidence."""
    import font_roboto  # as the exports do: fpdf2 and its fonts are loaded only by what needs them
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.add_font("Roboto", "", font_roboto.Roboto)
    pdf.add_page()
    pdf.set_font("Roboto", "", 12)
    pdf.multi_cell(0, 8, "Tài liệu minh chứng (dữ liệu demo).\nEvidence document (demo data).")
    return bytes(pdf.output())
