"""
Browser tests: Playwright drives Debian's Chromium against pytest-django's live server.

One Chromium for the whole run, a fresh browser context (cookies, storage) per test. Every page a
test reaches goes through `Walk.arrived`: it must have answered 200 with all its resources loaded,
axe-core must find nothing serious or critical in it, and it is photographed at phone and desktop
widths into test-artifacts/screenshots/.
"""
import os
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.core.management import call_command
from django.db import connection, connections
from playwright.sync_api import expect, sync_playwright

# Playwright's sync API leaves its asyncio event loop marked as running in the test thread, between
# its calls too, for as long as it is started (the whole session here: see `browser`). Django then
# takes every ORM call from that thread for a call from async code and raises
# SynchronousOnlyOperation, although the calls are plain blocking ones made between browser steps
# and no coroutine ever touches a connection. This switches Django's check off for the process;
# the project has no async code for it to protect.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-dev-shm-usage",
]
VIEWPORTS = {
    "phone": {"width": 390, "height": 844},
    "desktop": {"width": 1280, "height": 900},
}
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "screenshots"
# axe-core's impacts are minor, moderate, serious and critical; the last two fail a test.
FAILING_IMPACTS = {"serious", "critical"}
TIMEOUT_MS = 10_000

DEMO_PASSWORD = "browser-tests-demo-password"
COMPLIMENTARY = "iraqi-militia-commanders-warn-attacks-will-resume"
GATED = "islamic-resistance-in-iraq-one-brand-many-militias"  # for the premium tier


def report_path(slug):
    return f"/reports/{slug}/"


def local_part(url):
    """The path and query of url, %-escapes decoded: what `follow` compares."""
    parts = urlsplit(url)
    return unquote(parts.path + (f"?{parts.query}" if parts.query else ""))


@pytest.fixture(scope="session")
def browser(django_db_setup):
    """One Chromium for the run, started once the test database is set up and closed before it goes."""
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} is missing: run scripts/install-browser (as root) first.")
    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with sync_playwright() as playwright:
        # With a loop running, Django's connection handler (an asgiref Local, thread-critical)
        # keeps connections per context instead of per thread: from here on this thread gets new
        # connection objects. The test database's contents, serialized when it was set up and put
        # back by serialized_rollback after each flush, hang on the old ones; carry them over as
        # Django's parallel runner does for its workers (django.test.runner._init_worker).
        for alias, contents in serialized.items():
            if contents is not None:
                connections[alias]._test_serialized_contents = contents
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture(scope="session")
def screenshots_dir():
    """This database's screenshots of an earlier run are removed; the other database's are kept."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    for old in SCREENSHOTS.glob(f"*-{connection.vendor}.png"):
        old.unlink()
    return SCREENSHOTS


@pytest.fixture
def demo(transactional_db, django_db_serialized_rollback):
    """
    The demo desk, committed so that the live server's thread sees it.

    A transactional test's database is flushed afterwards, and with it what the data migrations
    made (tiers, groups); serialized_rollback puts that back for load_demo and the tests after.
    """
    call_command("load_demo", "--password", DEMO_PASSWORD, verbosity=0)


@pytest.fixture
def walk(browser, live_server, demo, screenshots_dir):
    context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS["desktop"])
    context.set_default_timeout(TIMEOUT_MS)
    expect.set_options(timeout=TIMEOUT_MS)
    yield Walk(context.new_page(), screenshots_dir)
    context.close()


@pytest.fixture
def person(browser, live_server, demo, screenshots_dir):
    """Opens a browser of its own (a fresh context: no cookies) for one more person of the journey."""
    contexts = []

    def open_browser():
        context = browser.new_context(base_url=live_server.url, viewport=VIEWPORTS["desktop"])
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return Walk(context.new_page(), screenshots_dir)

    yield open_browser
    for context in contexts:
        context.close()


class Walk:
    """One person's way through the site in one browser tab; each page reached is checked."""

    def __init__(self, page, screenshots_dir):
        self.page = page
        self.screenshots_dir = screenshots_dir
        self.document = None
        self.broken = []
        page.on("response", self._saw_response)
        page.on("requestfailed", self._saw_failure)
        page.on("pageerror", lambda error: self.broken.append(f"script error: {error}"))

    def _saw_response(self, response):
        if response.request.is_navigation_request() and response.frame == self.page.main_frame:
            self.document = response
        elif response.status >= 400:
            self.broken.append(f"{response.url} ({response.status})")

    def _saw_failure(self, request):
        # A script's request still under way when the person leaves the page (a save pressed while the
        # form asks for suggestions) is cut off by the browser, not broken.
        if request.resource_type in {"fetch", "xhr"} and request.failure == "net::ERR_ABORTED":
            return
        self.broken.append(f"{request.url} ({request.failure})")

    def visit(self, path, name):
        """Open path as if typed into the address bar."""
        self.page.goto(path)
        self.arrived(name)

    def follow(self, locator, path, name):
        """Click locator (a link or a submit button) and land on path, through any redirects."""
        locator.click()
        self.page.wait_for_url(lambda url: local_part(url) == unquote(path))
        self.arrived(name)

    def log_in(self, username, then_path, name):
        """Fill in the login form on the current page and land on then_path."""
        self.page.locator("#id_username").fill(username)
        self.page.locator("#id_password").fill(DEMO_PASSWORD)
        self.follow(self.page.get_by_role("button", name="Log in", exact=True), then_path, name)

    def arrived(self, name):
        """The checks every page gets; name says which page it is, in the screenshots' names."""
        self.page.wait_for_load_state("load")
        assert self.document is not None and self.document.status == 200, (
            f"{name}: {self.page.url} answered {self.document and self.document.status}"
        )
        assert not self.broken, f"{name}: broken on {self.page.url}: " + "; ".join(self.broken)
        for label, size in VIEWPORTS.items():  # ends at desktop width, where the walk goes on
            self.page.set_viewport_size(size)
            # The screenshot first, so that a page axe-core fails on can be looked at.
            shot = f"{name}-{label}-{size['width']}x{size['height']}-{connection.vendor}.png"
            self.page.screenshot(path=self.screenshots_dir / shot, full_page=True)
            assert_accessible(self.page, f"{name} at {label} width")


AXE = Axe()


def assert_accessible(page, where):
    """Fail on any serious or critical axe-core violation, listing each rule and where it hits."""
    violations = [
        violation for violation in AXE.run(page).response["violations"] if violation["impact"] in FAILING_IMPACTS
    ]
    if violations:
        lines = [f"axe-core: {len(violations)} serious or critical violation(s) on {where} ({page.url}):"]
        for violation in violations:
            lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} [{violation['helpUrl']}]")
            lines.extend(f"    at {', '.join(map(str, node['target']))}" for node in violation["nodes"])
        pytest.fail("\n".join(lines), pytrace=False)

