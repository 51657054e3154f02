"""`cqs reconcile ROUND`: do the four services agree on every report of a round?

Each service answers, through its admin API, what it holds of each report of the round
(`GET /admin/rounds/{round_id}/reports`, paged). `divergences` compares those views along the
event flow: what one service published must have reached the services that follow it.
Where it has not, the service that owns the missing step re-publishes the report's events from
its outbox (`POST /admin/outbox/republish`): the consumers skip what they already processed
(they deduplicate on the CloudEvents source and id) and apply what they lost, in order.
"""
from __future__ import annotations

import dataclasses
import json
import time
import urllib.parse
import urllib.request
from collections.abc import Callable, Iterable, Mapping

SERVICES = ("submission", "review", "scoring", "publication")
SUBMITTED_STATES = {"submitted", "evidence_requested", "returned", "verified", "scored", "published"}
PAGE_SIZE = 1000

View = Mapping[str, Mapping[str, dict]]  # service → report id → what the service holds of the report


@dataclasses.dataclass(frozen=True)
class Divergence:
    report_id: str
    unit_code: str
    problem_vi: str
    problem_en: str
    # The services whose events about the report are re-published to repair it.
    owners: tuple[str, ...]

    def describe(self) -> str:
        return (f"{self.report_id} ({self.unit_code}): {self.problem_vi} / {self.problem_en} "
                f"→ phát lại từ / re-publish from: {', '.join(self.owners) or '—'}")


def divergences(views: View) -> list[Divergence]:
    """Every report on which a service has not caught up with the one before it, in report order."""
    submission, review, scoring, publication = (views.get(service, {}) for service in SERVICES)
    found = []
    for report_id in sorted(set().union(*(views.get(service, {}) for service in SERVICES))):
        report = submission.get(report_id)
        if report is None:
            found.append(Divergence(report_id, "?", "dịch vụ tiếp nhận không có báo cáo này",
                                    "the submission service does not know this report", ()))
            continue
        found += _check(report_id, report, review.get(report_id), scoring.get(report_id), publication.get(report_id))
    return found


def _check(report_id: str, report: dict, case: dict | None, sheet: dict | None,
           published: dict | None) -> list[Divergence]:
    unit, revision, status = report["unit_code"], report["revision"], report["status"]

    def diverged(vi: str, en: str, *owners: str) -> Divergence:
        return Divergence(report_id, unit, vi, en, owners)

    found = []
    if revision >= 1 and (case is None or case["revision"] < revision):
        held_vi, held_en = (f"lần {case['revision']}", str(case["revision"])) if case else ("chưa có", "none")
        found.append(diverged(f"thẩm định chưa nhận lần nộp {revision} (đang có: {held_vi})",
                              f"review lacks submitted revision {revision} (has: {held_en})", "submission"))
    elif case is not None and case["revision"] == revision:
        if case["status"] == "verified" and status in ("submitted", "evidence_requested"):
            found.append(diverged("tiếp nhận chưa biết báo cáo đã được thẩm định",
                                  "submission has not followed the verification", "review"))
        elif case["status"] == "returned" and status in ("submitted", "evidence_requested"):
            found.append(diverged("tiếp nhận chưa biết báo cáo bị trả lại", "submission has not followed the return",
                                  "review"))
        elif case["status"] == "evidence_requested" and status == "submitted":
            # Either the request or the unit's reply went missing: both are sent again.
            found.append(diverged("yêu cầu bổ sung minh chứng hoặc phần trả lời chưa đến nơi",
                                  "the evidence request or its reply did not arrive", "review", "submission"))
    if case is not None and case["status"] == "verified" and (sheet is None or sheet["revision"] < case["revision"]):
        found.append(diverged(f"chấm điểm chưa nhận kết quả thẩm định lần {case['revision']}",
                              f"scoring lacks verified revision {case['revision']}", "review"))
    if sheet is not None and sheet.get("score_id"):
        if published is None or published.get("score_id") != sheet["score_id"]:
            found.append(diverged("công bố chưa ghi nhận điểm hiện hành", "publication lacks the current score",
                                  "scoring"))
        if sheet["revision"] == revision and status in ("submitted", "evidence_requested", "verified"):
            found.append(diverged("tiếp nhận chưa biết báo cáo đã được chấm điểm",
                                  "submission has not followed the score", "scoring"))
    return found


def repairs(found: Iterable[Divergence]) -> dict[str, list[str]]:
    """Owner service → the subjects (`reports/<id>`) whose events it re-publishes."""
    subjects: dict[str, set[str]] = {}
    for divergence in found:
        for owner in divergence.owners:
            subjects.setdefault(owner, set()).add(f"reports/{divergence.report_id}")
    return {owner: sorted(items) for owner, items in subjects.items()}


# --- talking to the services ------------------------------------------------------------------------------

class ServiceClient:
    def __init__(self, urls: Mapping[str, str], token: str, timeout_s: float = 30.0):
        self._urls = {service: url.rstrip("/") for service, url in urls.items()}
        self._headers = {"Authorization": f"Bearer {token}", "Accept": "application/json"}
        self._timeout_s = timeout_s

    def _call(self, service: str, method: str, path: str, body: dict | None = None) -> dict:
        data = json.dumps(body).encode() if body is not None else None
        request = urllib.request.Request(f"{self._urls[service]}{path}", data=data, method=method,
                                         headers={**self._headers, **({"Content-Type": "application/json"}
                                                                      if data else {})})
        with urllib.request.urlopen(request, timeout=self._timeout_s) as response:
            return json.loads(response.read())

    def view(self, service: str, round_id: str) -> dict[str, dict]:
        items: dict[str, dict] = {}
        after = ""
        while True:
            query = urllib.parse.urlencode({"after": after, "limit": PAGE_SIZE})
            page = self._call(service, "GET", f"/admin/rounds/{urllib.parse.quote(round_id)}/reports?{query}")
            items.update((item["report_id"], item) for item in page["items"])
            if not page.get("next_after"):
                return items
            after = page["next_after"]

    def views(self, round_id: str) -> dict[str, dict[str, dict]]:
        return {service: self.view(service, round_id) for service in SERVICES}

    def dead_letters(self, service: str) -> list[dict]:
        """The service's unresolved dead letters (`GET /admin/dead-letters`)."""
        return self._call(service, "GET", "/admin/dead-letters")["items"]

    def stuck(self, report_ids: set[str]) -> list[str]:
        """The dead letters, in every service, about the given reports: each a line to print."""
        return [f"{service}: {item['consumer']} {item.get('event_type') or '?'} {item['subject']}: {item['error']}"
                for service in SERVICES for item in self.dead_letters(service)
                if (item.get("subject") or "").removeprefix("reports/") in report_ids]

    def republish(self, service: str, subjects: list[str]) -> int:
        return self._call(service, "POST", "/admin/outbox/republish", {"subjects": subjects})["republished"]


def reconcile(client: ServiceClient, round_id: str, *, repair: bool, wait_s: float,
              say: Callable[[str], None] = print) -> bool:
    """Compare, print the divergences and, with `repair`, re-publish and compare again until
    everything agrees or `wait_s` runs out. True if the services agree in the end."""
    views = client.views(round_id)
    found = divergences(views)
    say(f"kỳ / round {round_id}: {len(views['submission'])} báo cáo / reports, "
        f"{len({d.report_id for d in found})} lệch / divergent")
    for divergence in found:
        say("  " + divergence.describe())
    # Dead letters are not repaired here: their cause needs fixing first (then `cqs dlq replay`).
    stuck = client.stuck(set(views["submission"]))
    for line in stuck:
        say("  sự kiện không xử lý được / dead letter: " + line)
    if not found or not repair:
        return not found and not stuck
    for owner, subjects in repairs(found).items():
        say(f"  {owner}: {client.republish(owner, subjects)} sự kiện phát lại / events re-published "
            f"({len(subjects)} báo cáo / reports)")
    deadline = time.monotonic() + wait_s
    while True:
        remaining = divergences(client.views(round_id))
        if not remaining:
            say(f"kỳ / round {round_id}: các dịch vụ đã thống nhất / every service agrees"
                + (f" ({len(stuck)} sự kiện không xử lý được / dead letters remain)" if stuck else ""))
            return not stuck
        if time.monotonic() >= deadline:
            say(f"kỳ / round {round_id}: còn {len(remaining)} chỗ lệch / divergences remain:")
            for divergence in remaining:
                say("  " + divergence.describe())
            return False
        time.sleep(1.0)
