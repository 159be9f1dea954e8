"""
The Content-Security-Policy in a real browser: the public pages and the Django admin, logged in
as desk staff, load and work without a single policy violation.
"""
import pytest

from reports.models import Report
from tests.browser.conftest import COMPLIMENTARY, DEMO_PASSWORD, TIMEOUT_MS, report_path

# Registered before any page script runs; collects what the browser refused under the policy.
COLLECT_VIOLATIONS = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (event) => {
  window.__cspViolations.push(`${event.violatedDirective} blocked ${event.blockedURI || 'inline'} at ${event.sourceFile}:${event.lineNumber}`);
});
"""


@pytest.fixture
def page(browser, live_server, demo):
    context = browser.new_context(base_url=live_server.url)
    context.set_default_timeout(TIMEOUT_MS)
    context.add_init_script(COLLECT_VIOLATIONS)
    page = context.new_page()
    page.console_errors = []
    # Failed loads are told apart by address below; the admin does not link the site's icon,
    # so Chromium asks for /favicon.ico, which the site does not serve.
    page.on(
        "console",
        lambda message: message.type == "error"
        and not message.text.startswith("Failed to load resource")
        and page.console_errors.append(message.text),
    )
    page.on(
        "response",
        lambda response: response.status >= 400
        and not response.url.endswith("/favicon.ico")
        and page.console_errors.append(f"{response.url} answered {response.status}"),
    )
    page.on("pageerror", lambda error: page.console_errors.append(str(error)))
    yield page
    context.close()


def open_clean(page, path):
    """Open path; it must answer below 400 with no CSP violation and no console error."""
    response = page.goto(path)
    page.wait_for_load_state("load")
    assert response.status < 400, f"{path} answered {response.status}"
    assert "script-src 'self'" in response.headers["content-security-policy"]
    violations = page.evaluate("window.__cspViolations")
    assert violations == [], f"{path}: {violations}"
    assert page.console_errors == [], f"{path}: {page.console_errors}"


def test_public_pages_load_without_a_policy_violation(page):
    """Home, the report list, a report with its JSON-LD, search and the login page: no violation, no console error."""
    for path in ["/", "/reports/", report_path(COMPLIMENTARY), "/search/?q=militia", "/accounts/login/"]:
        open_clean(page, path)
    assert page.goto(report_path(COMPLIMENTARY)) and page.locator('script[type="application/ld+json"]').count() == 1


def test_the_admin_works_under_the_policy(page):
    """An editor logs in to the admin and opens its index, a list with filters, a report's form and its history: no violation."""
    open_clean(page, "/admin/login/")
    page.locator("#id_username").fill("editor")
    page.locator("#id_password").fill(DEMO_PASSWORD)
    page.locator("input[type=submit]").click()
    page.wait_for_url("**/admin/")
    report = Report.objects.get(slug=COMPLIMENTARY)
    for path in [
        "/admin/",
        "/admin/reports/report/",
        "/admin/reports/report/add/",
        f"/admin/reports/report/{report.pk}/change/",
        f"/admin/reports/report/{report.pk}/history/",
        "/admin/reports/organization/",
        "/admin/reports/organization/add/",
    ]:
        open_clean(page, path)
    # The admin's scripts run: the changelist's action bar counts the checked rows.
    page.goto("/admin/reports/report/")
    page.locator("input.action-select").first.check()
    assert "1 of" in page.locator(".action-counter").inner_text()
