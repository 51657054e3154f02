"""Browser tests: Debian's chromium driven by Playwright for Python, on the services and the portal
as separate processes (gunicorn + `cqs worker`) on the real PostgreSQL and RabbitMQ. The services
verify tokens with the portal's key set, fetched over HTTP as in production.

The round is the 2027 annual evaluation under a three-tier review model (communes reviewed by their
district), so the district's part of the story runs on today's calendar."""
from __future__ import annotations

import os
import re
import uuid
from pathlib import Path

import pytest

from shared.auth import Role
from tests.support.http_flow import auth, call
from tests.support.keys import TEST_KEY, TEST_KEY_FILE
from tests.support.processes import free_port
from tests.support.running import services_as_processes

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
ARTIFACTS = ROOT / "test-artifacts" / "browser"
THREE_TIER_MODELS = """
models:
  - id: browser-test-three-tier
    valid_from: 2021-01-01
    reviewing_body: {code: SKHCN, name_vi: Sở Khoa học và Công nghệ, name_en: Department of Science and Technology}
    reviewers:
      province_department: reviewing_body
      central_agency: reviewing_body
      district: reviewing_body
      commune: parent_district
    basis: test data - the 2021 model kept in force, so districts review their communes today
"""
ROUND = "2027-annual"
pytestmark = pytest.mark.browser


def _chromium_or_skip() -> None:
    # CI installs chromium (.ci/run) and must run these tests; elsewhere they need it installed.
    if not CHROMIUM.exists() and not os.environ.get("CI"):
        pytest.skip("Debian's chromium is not installed (apt-get install chromium)")


@pytest.fixture(scope="module")
def portal_system(postgres_server_url, amqp_url, tmp_path_factory):
    _chromium_or_skip()
    models = tmp_path_factory.mktemp("seed") / "review_models.yaml"
    models.write_text(THREE_TIER_MODELS)
    portal_port = free_port()
    with services_as_processes(postgres_server_url, amqp_url, f"cqs-browser-{uuid.uuid4().hex[:10]}",
                               tmp_path_factory, registries=("hatinh-2021.yaml",), review_models=models,
                               portal_port=portal_port,
                               CQS_JWKS_URL=f"http://127.0.0.1:{portal_port}/.well-known/jwks.json",
                               CQS_SIGNING_KEY_FILE=str(TEST_KEY_FILE),
                               CQS_PORTAL_SECRET_KEY=uuid.uuid4().hex) as running:
        admin = auth(TEST_KEY, Role.ADMIN, "HT", "setup")
        call("POST", f"{running.urls['submission']}/rounds", admin, 201, json={"kind": "annual_evaluation", "year": 2027})
        call("POST", f"{running.urls['submission']}/rounds/{ROUND}/open", admin)
        printed = running.cli("create-account", "--username", "quantri", "--name", "Quản trị tỉnh",
                              "--role", "admin", "--unit", "HT")
        yield running, re.search(r"temporary password (\S+)", printed).group(1)


@pytest.fixture(scope="module")
def browser():
    _chromium_or_skip()
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=20_000)  # a shared, busy machine: pages and their saves take their time

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=["--no-sandbox"])
        yield instance
        instance.close()


@pytest.fixture
def new_page(browser):
    """Pages under the portal's real Content-Security-Policy: anything it blocks fails the test."""
    contexts = []
    blocked = []

    def make():
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="vi-VN")
        context.set_default_timeout(30_000)
        contexts.append(context)
        page = context.new_page()
        page.on("console", lambda message: blocked.append(f"{page.url}: {message.text}")
                if message.type == "error" and "Content Security Policy" in message.text else None)
        return page

    yield make
    for number, context in enumerate(contexts):
        for page in context.pages:  # where each person was at the end: the first thing to look at on a failure
            shot(page, f"zz-last-page-{number}")
            (ARTIFACTS / f"zz-last-page-{number}.txt").write_text(page.url + "\n" + page.inner_text("main"))
        context.close()
    assert blocked == [], "the Content-Security-Policy blocked part of a page"


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


def serious_violations(page) -> list[dict]:
    """axe-core (from npm) run in the page: the serious and critical violations. Evaluated through the
    DevTools protocol rather than added as a <script>, which the page's CSP (no inline script) refuses."""
    page.evaluate(AXE.read_text())
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [{"id": violation["id"], "impact": violation["impact"],
             "nodes": [node["target"] for node in violation["nodes"]][:5]}
            for violation in result["violations"] if violation["impact"] in ("serious", "critical")]




PHONE = {"width": 360, "height": 740}  # a common small Android screen, in CSS pixels
MAX_HEADING_LINES = 3  # more: a column squeezed to its longest word


def phone_problems(page) -> list[str]:
    """What makes the page hard to use on a phone: wider than the screen (it scrolls sideways), a control
    smaller than 24×24 CSS px to tap (WCAG 2.5.8; a link inside a sentence is exempt, so only buttons, form
    controls, the menus' links and links shown as buttons are measured), a column heading stacked on more than
    MAX_HEADING_LINES lines (a tall header row, mostly empty), or a chart's text drawn smaller than 12 CSS px
    (a drawing scaled down to the screen), cut off by its chart's edge or over another of its texts."""
    found = page.evaluate("""() => {
      const found = [];
      const wide = document.scrollingElement.scrollWidth;
      if (wide > innerWidth) found.push(`the page is ${wide}px wide on a ${innerWidth}px screen`);
      const controls = 'button, input:not([type=hidden]), select, textarea, nav a, a.button, summary';
      for (const control of document.querySelectorAll(controls)) {
        const box = control.getBoundingClientRect();
        if (!control.checkVisibility() || control.closest('.visually-hidden, .skip-link')) continue;
        if (box.width < 24 || box.height < 24) {
          const name = (control.innerText || control.name || control.id || '').trim().slice(0, 40);
          found.push(`${control.tagName.toLowerCase()} "${name}" is ${Math.round(box.width)}×${Math.round(box.height)}px`);
        }
        if (box.right > innerWidth + 1 && !control.closest('.table-scroll')) found.push(`${control.tagName.toLowerCase()} "${control.id}" runs off the screen`);
      }
      for (const chart of document.querySelectorAll('svg')) {
        const edge = chart.getBoundingClientRect();
        const drawn = [...chart.querySelectorAll('text')].filter(label => label.getScreenCTM() && label.checkVisibility());
        drawn.forEach((label, index) => {
          const name = `the chart's text "${label.textContent.slice(0, 40)}"`;
          const size = label.getScreenCTM().a * parseFloat(getComputedStyle(label).fontSize);
          if (size < 12) found.push(`${name} is ${size.toFixed(1)}px`);
          const box = label.getBoundingClientRect();
          if (box.left < edge.left - 1 || box.right > edge.right + 1 || box.top < edge.top - 1 || box.bottom > edge.bottom + 1)
            found.push(`${name} runs past its chart's edge`);
          for (const other of drawn.slice(index + 1)) {
            const near = other.getBoundingClientRect();
            if (box.left < near.right - 1 && near.left < box.right - 1 && box.top < near.bottom - 1 && near.top < box.bottom - 1)
              found.push(`${name} overlaps "${other.textContent.slice(0, 40)}"`);
          }
        });
      }
      return found;
    }""")
    return found + [f'the heading "{heading}" takes {lines} lines' for heading, lines in heading_lines(page)
                    if lines > MAX_HEADING_LINES]


def heading_lines(page) -> list[tuple[str, int]]:
    """Each column heading of the page's tables, with the number of lines its text takes."""
    return [tuple(pair) for pair in page.evaluate("""() => [...document.querySelectorAll('thead th')].map(heading => {
      const text = document.createRange();
      text.selectNodeContents(heading);
      return [heading.innerText.replace(/\\s+/g, ' ').trim(),
              Math.round(text.getBoundingClientRect().height / parseFloat(getComputedStyle(heading).lineHeight))];
    })""")]


def phone_pass(page, base: str, name: str, paths: list[str]) -> dict[str, list[str]]:
    """The pages at phone width: a screenshot of each (<name>-<n>-phone.png) and what is wrong on it."""
    page.set_viewport_size(PHONE)
    problems = {}
    for number, path in enumerate(paths, start=1):
        page.goto(base + path)
        page.wait_for_load_state("load")
        shot(page, f"{name}-{number}-phone")
        problems[path] = phone_problems(page)
    return {path: found for path, found in problems.items() if found}
