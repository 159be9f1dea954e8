"""
Production settings: `check --deploy` is clean, security is on by default and off only by an
explicit switch, a missing SECRET_KEY stops start-up with a clear message; a Content-Security-Policy
on every page with no inline script or style; friendly error pages in the site's design.
"""
import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import (
    OrganizationFactory,
    OutletFactory,
    PersonFactory,
    ReportFactory,
    StaffFactory,
    tier,
)
from tests.html_checks import inline_code
from tests.settings_env import manage, production_env, settings_under

SECURITY_SETTINGS = (
    "SECURE_SSL_REDIRECT", "SESSION_COOKIE_SECURE", "CSRF_COOKIE_SECURE", "SECURE_HSTS_SECONDS",
    "SESSION_COOKIE_HTTPONLY", "CSRF_COOKIE_HTTPONLY", "X_FRAME_OPTIONS", "SECURE_REFERRER_POLICY", "SECURE_PROXY_SSL_HEADER",
)


class TestProductionSettings:
    def test_check_deploy_reports_nothing_in_production(self):
        """With DEBUG off, a long random SECRET_KEY and ALLOWED_HOSTS, `check --deploy --fail-level WARNING` passes silently."""
        done = manage("check", "--deploy", "--fail-level", "WARNING", env=production_env())
        assert done.returncode == 0, done.stderr
        assert "System check identified no issues" in done.stdout

    def test_a_missing_secret_key_stops_start_up_with_a_clear_message(self):
        """Without SECRET_KEY (or SECRET_KEY_FILE) and with DEBUG off, manage.py refuses to start and says what to set."""
        done = manage("check", env=production_env(SECRET_KEY=None))
        assert done.returncode != 0
        assert "ImproperlyConfigured: SECRET_KEY is not set." in done.stderr
        assert "SECRET_KEY_FILE" in done.stderr

    def test_security_is_on_by_default_with_debug_off(self):
        """HTTPS redirect, secure and HttpOnly cookies, a year of HSTS, DENY framing, same-origin referrers; no proxy header trusted."""
        assert settings_under(production_env(), *SECURITY_SETTINGS) == {
            "SECURE_SSL_REDIRECT": True,
            "SESSION_COOKIE_SECURE": True,
            "CSRF_COOKIE_SECURE": True,
            "SECURE_HSTS_SECONDS": 31536000,
            "SESSION_COOKIE_HTTPONLY": True,
            "CSRF_COOKIE_HTTPONLY": True,
            "X_FRAME_OPTIONS": "DENY",
            "SECURE_REFERRER_POLICY": "same-origin",
            "SECURE_PROXY_SSL_HEADER": None,
        }

    def test_local_http_turns_off_only_what_plain_http_cannot_have(self):
        """LOCAL_HTTP=1 (as `make run` sets it): no redirect, no HSTS, cookies over http; the rest stays."""
        values = settings_under(production_env(LOCAL_HTTP="1"), *SECURITY_SETTINGS)
        assert values["SECURE_SSL_REDIRECT"] is values["SESSION_COOKIE_SECURE"] is values["CSRF_COOKIE_SECURE"] is False
        assert values["SECURE_HSTS_SECONDS"] == 0
        assert values["SESSION_COOKIE_HTTPONLY"] is True and values["X_FRAME_OPTIONS"] == "DENY"

    def test_the_proxy_ssl_header_is_read_from_the_environment(self):
        """SECURE_PROXY_SSL_HEADER=HTTP_X_FORWARDED_PROTO,https becomes Django's (header, value) pair."""
        env = production_env(SECURE_PROXY_SSL_HEADER="HTTP_X_FORWARDED_PROTO,https")
        assert settings_under(env, "SECURE_PROXY_SSL_HEADER") == {"SECURE_PROXY_SSL_HEADER": ["HTTP_X_FORWARDED_PROTO", "https"]}


@pytest.mark.django_db
class TestHttpsRedirect:
    @pytest.fixture(autouse=True)
    def production(self, settings):
        settings.SECURE_SSL_REDIRECT = True
        settings.SECURE_HSTS_SECONDS = 31536000

    def test_plain_http_is_redirected_to_https(self, client):
        """A request over http gets a permanent redirect to the same address over https."""
        response = client.get("/reports/?page=1")
        assert response.status_code == 301
        assert response["Location"] == "https://testserver/reports/?page=1"

    def test_a_forwarded_proto_header_is_ignored_unless_configured(self, client):
        """Without SECURE_PROXY_SSL_HEADER a client's X-Forwarded-Proto: https does not pass for https."""
        assert client.get("/reports/", headers={"X-Forwarded-Proto": "https"}).status_code == 301

    def test_the_configured_proxy_header_is_honoured(self, client, settings):
        """With the proxy header configured, a request the proxy marks https is served, with HSTS."""
        settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
        response = client.get("/reports/", headers={"X-Forwarded-Proto": "https"})
        assert response.status_code == 200
        assert "max-age=31536000" in response["Strict-Transport-Security"]


@pytest.fixture
def site(db):
    """One complimentary and one gated report filed under everything, and a desk editor."""
    report = ReportFactory(title="Complimentary report")
    gated = ReportFactory(title="Gated report", required_tier=tier("premium"))
    report.tags.add("Drones")
    org, person, outlet = OrganizationFactory(), PersonFactory(), OutletFactory()
    for each in (report, gated):
        each.organizations.add(org)
        each.people.add(person)
        each.outlets.add(outlet)
    return {
        "report": report,
        "gated": gated,
        "org": org,
        "person": person,
        "outlet": outlet,
        "editor": StaffFactory(username="editor", group="Editors", is_superuser=True),
    }


def public_pages(site):
    report = site["report"]
    return [
        reverse("home"),
        reverse("report_list"),
        f"{reverse('search')}?q=report",
        report.get_absolute_url(),
        site["gated"].get_absolute_url(),
        reverse("report_print", args=[report.slug]),
        reverse("series_detail", args=[report.series.slug]),
        reverse("tag_detail", args=["drones"]),
        reverse("organization_detail", args=[site["org"].slug]),
        reverse("person_detail", args=[site["person"].slug]),
        reverse("outlet_detail", args=[site["outlet"].slug]),
        reverse("subscribe"),
        reverse("login"),
        reverse("password_reset"),
        reverse("admin:login"),
        "/no-such-page/",
    ]


def desk_pages(site):
    report = site["report"]
    return [
        reverse("account"),
        reverse("password_change"),
        reverse("admin:index"),
        reverse("admin:reports_report_changelist"),
        reverse("admin:reports_report_add"),
        reverse("admin:reports_report_change", args=[report.pk]),
        reverse("admin:reports_report_history", args=[report.pk]),
        reverse("admin:reports_organization_change", args=[site["org"].pk]),
        reverse("admin:auth_user_changelist"),
        f"{report.get_absolute_url()}?as=premium",
    ]


def every_page(client, site):
    """(url, response) for every public page as a visitor sees it, then every desk page as an editor."""
    for url in public_pages(site):
        yield url, client.get(url)
    client.force_login(site["editor"])
    for url in desk_pages(site):
        yield url, client.get(url)


class TestContentSecurityPolicy:
    def test_every_page_sends_the_policy(self, client, site):
        """Public pages, the error page, the account and the admin all carry the CSP: scripts from the site only, no framing."""
        for url, response in every_page(client, site):
            assert response.status_code in (200, 404), url
            policy = response.get("Content-Security-Policy", "")
            assert "script-src 'self'" in policy and "frame-ancestors 'none'" in policy, url
            assert "unsafe-inline" not in policy and "unsafe-eval" not in policy, url

    def test_no_page_has_inline_script_or_style(self, client, site):
        """No page carries a script the policy would block (JSON-LD data blocks aside), an event handler or inline style."""
        for url, response in every_page(client, site):
            assert inline_code(response.content.decode()) == [], url

    def test_the_report_page_keeps_its_json_ld(self, client, site):
        """The JSON-LD block, data that browsers never run, is still on the report page."""
        page = client.get(site["report"].get_absolute_url()).content.decode()
        assert '<script type="application/ld+json">' in page


class TestErrorPages:
    @pytest.fixture
    def client(self, client, settings):
        settings.ROOT_URLCONF = "tests.error_urls"
        client.raise_request_exception = False
        return client

    @pytest.mark.django_db
    def test_not_found_is_the_sites_page(self, client):
        """An unknown address answers 404 with the site's header and a way home."""
        response = client.get("/no-such-page/")
        assert response.status_code == 404
        assert 'class="site-header"' in response.content.decode() and "Page not found" in response.content.decode()

    @pytest.mark.django_db
    def test_a_bad_request_is_the_sites_page(self, client):
        """A request for a host not allowed (a SuspiciousOperation) answers 400 in the site's design."""
        response = client.get("/", HTTP_HOST="evil.example")
        assert response.status_code == 400
        assert "We could not understand that request" in response.content.decode()

    @pytest.mark.django_db
    def test_a_server_error_is_the_sites_page_with_its_reference(self, client):
        """A bug answers 500 in the site's design, naming the request id as the error reference."""
        response = client.get("/test-errors/fail/")
        assert response.status_code == 500
        page = response.content.decode()
        assert "Something went wrong on our side" in page and 'class="site-header"' in page
        assert f"Error reference: <code>{response['X-Request-ID']}</code>" in page

    @pytest.mark.django_db
    def test_a_csrf_failure_is_the_sites_403_page(self, site):
        """A login form posted without its CSRF token answers 403 in the site's design, saying what to do."""
        client = Client(enforce_csrf_checks=True)
        response = client.post(reverse("login"), {"username": "editor", "password": "x"})
        assert response.status_code == 403
        page = response.content.decode()
        assert "This form could not be accepted" in page and 'class="site-header"' in page
