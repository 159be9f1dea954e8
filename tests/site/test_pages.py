"""The public pages of the demo site open, and the report page follows the access policy."""
import re

import pytest
from django.core.management import call_command
from django.core.wsgi import get_wsgi_application
from django.test import RequestFactory
from django.urls import reverse

from reports.models import Organization, Outlet, Person, Report, Series
from tests.factories import ReportFactory

pytestmark = pytest.mark.django_db
GATED_MARKER = "GATED-BODY-MARKER-7f3a"


@pytest.fixture
def demo():
    call_command("load_demo", "--password", "a-demo-password-for-tests", verbosity=0)


def test_every_public_page_of_the_demo_opens(client, demo):
    urls = [reverse("home"), reverse("login")]
    urls += [obj.get_absolute_url() for obj in Report.objects.published()]
    for model in (Series, Organization, Person, Outlet):
        urls += [obj.get_absolute_url() for obj in model.objects.all()]
    for url in urls:
        assert client.get(url).status_code == 200, url


def test_no_public_page_skips_a_heading_level(client, demo, reader):
    """Headings go down one level at a time (h1, then h2, then h3): screen readers navigate by them."""
    urls = [reverse("home"), reverse("report_list"), f"{reverse('search')}?q=militia", reverse("subscribe")]
    urls += [Report.objects.published().first().get_absolute_url()]
    for model in (Series, Organization, Person, Outlet):
        urls.append(model.objects.first().get_absolute_url())
    for url in urls:
        levels = [int(level) for level in re.findall(r"<h([1-6])\b", client.get(url).content.decode())]
        skips = [(before, after) for before, after in zip(levels, levels[1:]) if after > before + 1]
        assert levels[:1] == [1] and not skips, f"{url}: headings {levels}"


def test_link_previews_name_the_site_as_open_graph_has_it(client, demo):
    page = client.get(Report.objects.published().first().get_absolute_url()).content.decode()
    assert '<meta property="og:site_name" content="' in page and "og:site_title" not in page


def test_a_draft_answers_404_to_the_public_and_opens_for_the_desk_with_a_banner(client, demo, analyst):
    draft = Report.objects.get(status=Report.Status.DRAFT)
    assert client.get(draft.get_absolute_url()).status_code == 404
    client.force_login(analyst)
    response = client.get(draft.get_absolute_url())
    assert response.status_code == 200
    assert "<strong>Preview:</strong> this report is draft" in response.content.decode()
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.parametrize(
    "visitor, reads",
    [("anonymous", False), ("reader", False), ("jttm_subscriber", False), ("premium_subscriber", True), ("analyst", True)],
)
def test_the_report_page_shows_gated_text_only_to_those_who_may_read_it(client, request, premium, visitor, reads):
    report = ReportFactory(required_tier=premium, summary="Public teaser text.", body=f"Gated {GATED_MARKER}.")
    if visitor != "anonymous":
        client.force_login(request.getfixturevalue(visitor))
    page = client.get(report.get_absolute_url()).content.decode()
    assert "Public teaser text." in page
    assert (GATED_MARKER in page) is reads
    assert ("This report is for subscribers" in page) is not reads


def test_a_page_with_gated_text_is_private_to_shared_caches(client, premium_subscriber, premium):
    report = ReportFactory(required_tier=premium)
    client.force_login(premium_subscriber)
    response = client.get(report.get_absolute_url())
    assert "private" in response["Cache-Control"]
    assert "Cookie" in response["Vary"]


def test_an_unknown_report_answers_a_friendly_404(client):
    response = client.get("/reports/no-such-report/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/reports/", "/feeds/rss/", "/no-such-page/"])
def test_a_head_request_gets_the_headers_of_a_get_and_no_body(client, demo, path):
    """What the WSGI server is handed (gunicorn warns of, and drops, a body sent for HEAD)."""
    application = get_wsgi_application()
    answers = {}
    for method in ("GET", "HEAD"):
        started = {}
        environ = RequestFactory().generic(method, path).environ
        body = b"".join(application(environ, lambda status, headers, *exc: started.update(status=status, headers=dict(headers))))
        answers[method] = (started["status"], started["headers"].get("Content-Length"), body)
    assert answers["HEAD"][:2] == answers["GET"][:2] and answers["HEAD"][2] == b"" and answers["GET"][2]


def test_a_tag_only_a_draft_carries_is_nowhere_public(client, demo, reader):
    """The demo draft's tag is not offered in the list's filter, has no page, is in no sitemap and cannot be followed."""
    draft = Report.objects.get(status=Report.Status.DRAFT)
    draft.tags.add("Upcoming desk topic")
    assert "Upcoming desk topic" not in client.get(reverse("report_list")).content.decode()
    assert client.get("/tags/upcoming-desk-topic/").status_code == 404
    assert "upcoming-desk-topic" not in client.get(reverse("sitemap")).content.decode()
    client.force_login(reader)
    assert client.post("/follow/tag/upcoming-desk-topic/").status_code == 404
    published_tag = Report.objects.published().first().tags.first()
    assert published_tag.name in client.get(reverse("report_list")).content.decode()
