"""
Every page answers with a fixed number of SQL queries whatever the number of tags, entities,
footnotes or quotes.

Each test builds the site twice, inside a savepoint that is rolled back after measuring: once with
one item of each kind, once with many (50 reports in the lists; two reports, one gated and one
complimentary, each with 50 tags, organizations, people, outlets, countries, footnotes, quotes and
related reports; profiles with 50 aliases, members, roles and designations; a reader with 50
subscriptions). The page must answer with the same number of queries both times, and the large
page must show the last of its many items (so that the many items are really on the page).
"""
import dataclasses
import datetime as dt
from types import SimpleNamespace

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import dateformat, timezone
from taggit.models import Tag

from reports.models import (
    Country,
    Designation,
    Footnote,
    OutletAlias,
    ReportQuote,
    Role,
    Subscription,
)
from tests import media_files
from tests.factories import (
    OrganizationAliasFactory,
    OrganizationFactory,
    OutletFactory,
    PersonAliasFactory,
    PersonFactory,
    QuoteFactory,
    ReportFactory,
    SeriesFactory,
    StaffFactory,
    SubscriptionFactory,
    archived_source,
    report_document,
    report_image,
    tier,
)

pytestmark = pytest.mark.django_db
SMALL, LARGE = 1, 50


@pytest.fixture(autouse=True)
def no_page_cache(settings):
    """The queries counted are those of making each page, not of fetching it from the page cache."""
    settings.PAGE_CACHE_SECONDS = 0


def build_site(n):
    """The data every page draws on, with `n` items of each kind (see the module docstring)."""
    now = timezone.now()
    site = SimpleNamespace(series=SeriesFactory(description="What the series covers."))
    site.countries = Country.objects.bulk_create(
        Country(name=f"Region {i:02}", slug=f"region-{i:02}") for i in range(n)
    )
    site.org = OrganizationFactory(state_sponsor=site.countries[0], parent=OrganizationFactory())
    site.person = PersonFactory()
    site.outlet = OutletFactory(country=site.countries[0])
    site.org.countries.set(site.countries)
    site.tags = Tag.objects.bulk_create(Tag(name=f"Topic {i:02}", slug=f"topic-{i:02}") for i in range(n))
    site.tag_names = [tag.name for tag in site.tags]
    site.organizations = [site.org] + [OrganizationFactory(parent=site.org) for _ in range(n - 1)]
    site.people = [site.person] + [PersonFactory() for _ in range(n - 1)]
    site.outlets = [site.outlet] + [OutletFactory() for _ in range(n - 1)]
    for i in range(n):
        OrganizationAliasFactory(organization=site.org, name=f"Org alias {i:02}")
        PersonAliasFactory(person=site.person, name=f"Person alias {i:02}")
        OutletAlias.objects.create(outlet=site.outlet, name=f"Outlet alias {i:02}")
    Role.objects.bulk_create(
        [Role(person=site.people[i], organization=site.org, title=f"Commander {i:02}") for i in range(n)]
        + [Role(person=site.person, organization=site.organizations[i], title=f"Envoy {i:02}") for i in range(n)]
    )
    Designation.objects.bulk_create(
        Designation(
            organization=site.org, authority=f"Authority {i:02}", designation="FTO", designated_on=dt.date(2020, 1, 1)
        )
        for i in range(n)
    )

    def report(hours_ago, required_tier):
        published_at = now - dt.timedelta(hours=hours_ago)
        made = ReportFactory(series=site.series, required_tier=required_tier, published_at=published_at)
        made.organizations.add(site.org)
        made.people.add(site.person)
        made.outlets.add(site.outlet)
        made.countries.add(site.countries[0])
        return made

    site.gated = report(1, tier("premium"))
    site.free = report(2, None)
    site.fillers = [report(3 + i, tier("jttm") if i % 2 else None) for i in range(n)]
    speakers = {"person": site.person, "organization": site.org, "outlet": site.outlet}
    site.quotes = [  # the first is the latest: profiles show it first
        QuoteFactory(**speakers, said_on=dt.date(2024, 1, 1) - dt.timedelta(days=i)) for i in range(n)
    ]
    for filler in site.fillers:
        filler.tags.add(site.tags[0])
    for rich in (site.gated, site.free):
        rich.tags.add(*site.tags)
        rich.organizations.add(*site.organizations)
        rich.people.add(*site.people)
        rich.outlets.add(*site.outlets)
        rich.countries.add(*site.countries)
        rich.related_reports.add(*site.fillers)
        Footnote.objects.bulk_create(
            Footnote(report=rich, position=i + 1, text=f"Note {i:02} of {rich.slug}.", outlet=site.outlets[i])
            for i in range(n)
        )
        ReportQuote.objects.bulk_create(ReportQuote(report=rich, quote=site.quotes[i], position=i) for i in range(n))
    site.tag_slug = site.tags[0].slug
    site.subscriber = SubscriptionFactory(user__username="budget-subscriber", tier=tier("premium")).user
    jttm = tier("jttm")
    site.past_subscriptions = Subscription.objects.bulk_create(
        Subscription(
            user=site.subscriber, tier=jttm, starts_on=dt.date(year, 1, 1), ends_on=dt.date(year, 6, 30),
            access_ends_on=dt.date(year, 6, 30),
        )
        for year in range(2000, 2000 + n - 1)
    )
    return site


def last_footnote(site, rich):
    return f"Note {len(site.quotes) - 1:02} of {rich.slug}."


def listing_marks(site):
    """A list shows the gated report's teaser with all its tags."""
    return [site.gated.title, site.tag_names[-1]]


def profile_marks(site):
    """A profile lists reports on it and the latest readable quote, with the reports carrying it."""
    return [site.gated.title, site.quotes[0].translation, site.free.title]


def full_text_marks(name, links=True):
    """The full text of site.<name>: its last footnote and quote, and (but in print) all its links."""

    def marks(site):
        text = [last_footnote(site, getattr(site, name)), site.quotes[-1].translation]
        if not links:
            return text
        return text + [
            site.organizations[-1].name,
            site.outlets[-1].name,
            site.tag_names[-1],
            site.countries[-1].name,
            site.fillers[-1].title,
        ]

    return marks


def teaser_marks(site):
    return [site.gated.summary, site.organizations[-1].name, site.tag_names[-1], site.fillers[-1].title]


def feed_marks(site):
    return [site.gated.title, site.tag_names[-1]]


@dataclasses.dataclass
class Page:
    id: str
    url: object  # site -> the address to fetch
    marks: object = lambda site: []  # site -> texts the large page must show
    visitor: str = "anonymous"  # or "subscriber" (premium, with many subscriptions), or "analyst"
    absent: object = lambda site: []  # site -> texts the page must not show

    def __str__(self):
        return self.id


def feed_pages():
    scopes = {
        "site": lambda site: "/feeds/",
        "series": lambda site: f"/series/{site.series.slug}/",
        "tag": lambda site: f"/tags/{site.tag_slug}/",
        "organization": lambda site: f"/organizations/{site.org.slug}/",
    }
    return [
        Page(f"{scope}-{kind}", lambda site, prefix=prefix, kind=kind: f"{prefix(site)}{kind}/", feed_marks)
        for scope, prefix in scopes.items()
        for kind in ("rss", "atom")
    ]


def gated_url(site):
    return site.gated.get_absolute_url()


def person_url(site):
    return site.person.get_absolute_url()


PAGES = [
    Page("home", lambda site: reverse("home"), listing_marks),
    Page("report-list", lambda site: reverse("report_list"), listing_marks),
    Page("report-list-by-tag", lambda site: f"{reverse('report_list')}?tag={site.tag_slug}", listing_marks),
    Page(
        "report-list-by-several-filters",
        lambda site: f"{reverse('report_list')}?series={site.series.slug}&organization={site.org.slug}"
        f"&country={site.countries[0].slug}&access=subscribers&since=2000-01-01",
        listing_marks,
    ),
    Page(
        "gated-report-teaser-for-the-public",
        gated_url,
        teaser_marks,
        absent=lambda site: [last_footnote(site, site.gated)],
    ),
    Page("gated-report-for-a-subscriber", gated_url, full_text_marks("gated"), "subscriber"),
    Page("gated-report-for-the-desk", gated_url, full_text_marks("gated"), "analyst"),
    Page(
        "gated-report-previewed-by-the-desk-as-the-public",
        lambda site: f"{gated_url(site)}?as=anonymous",
        teaser_marks,
        "analyst",
        absent=lambda site: [last_footnote(site, site.gated)],
    ),
    Page("complimentary-report-for-the-public", lambda site: site.free.get_absolute_url(), full_text_marks("free")),
    Page(
        "print-view-for-a-subscriber",
        lambda site: reverse("report_print", args=[site.gated.slug]),
        full_text_marks("gated", links=False),
        "subscriber",
    ),
    Page(
        "print-view-for-the-public",
        lambda site: reverse("report_print", args=[site.free.slug]),
        full_text_marks("free", links=False),
    ),
    Page("series", lambda site: site.series.get_absolute_url(), lambda site: [site.gated.title]),
    Page("tag", lambda site: reverse("tag_detail", args=[site.tag_slug]), lambda site: [site.gated.title]),
    Page(
        "organization",
        lambda site: site.org.get_absolute_url(),
        lambda site: profile_marks(site)
        + [site.organizations[-1].name, site.people[-1].name, site.countries[-1].name, "Authority 00", "Org alias 00"],
    ),
    Page("person", person_url, lambda site: profile_marks(site) + [site.organizations[-1].name, "Person alias 00"]),
    Page("person-for-a-subscriber", person_url, profile_marks, "subscriber"),
    Page("outlet", lambda site: site.outlet.get_absolute_url(), lambda site: profile_marks(site) + ["Outlet alias 00"]),
    Page("subscribe", lambda site: reverse("subscribe"), lambda site: ["Ask for access"]),
    Page(
        "account",
        lambda site: reverse("account"),
        lambda site: [dateformat.format(subscription.ends_on, "F j, Y") for subscription in site.past_subscriptions],
        "subscriber",
    ),
    *feed_pages(),
    Page("sitemap", lambda site: reverse("sitemap"), lambda site: [site.fillers[-1].get_absolute_url()]),
]


def measure(client, page, n):
    """Build the site with n items of each kind, fetch the page twice, and return the second fetch's queries."""
    with transaction.atomic():
        site = build_site(n)
        if page.visitor == "subscriber":
            client.force_login(site.subscriber)
        elif page.visitor == "analyst":
            client.force_login(StaffFactory(username="budget-analyst", group="Analysts"))
        url = page.url(site)
        assert client.get(url).status_code == 200, url  # warms the session and per-process caches
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        missing = [text for text in page.marks(site) if text not in content]
        shown = [text for text in page.absent(site) if text in content]
        transaction.set_rollback(True)
    client.logout()
    assert not missing, f"{url} does not show {missing}"
    assert not shown, f"{url} shows {shown}"
    return queries


@pytest.mark.parametrize("page", PAGES, ids=str)
def test_the_page_answers_with_as_many_queries_for_fifty_items_as_for_one(client, page):
    """The query count of the page does not grow with the number of items it shows."""
    small = measure(client, page, SMALL)
    large = measure(client, page, LARGE)
    assert len(large) == len(small), (
        f"{len(small)} queries for one item of each kind, {len(large)} for {LARGE}:\n"
        + "\n".join(query["sql"] for query in large.captured_queries)
    )


MEDIA_LARGE = 12


def build_media(n):
    """A gated report with n quotes and notes, n images (one the public cover), and an archived copy and a document for each quote and note."""
    report = ReportFactory(required_tier=tier("premium"), body="".join(f"Claim [{i + 1}].\n\n[image {i + 1}]\n\n" for i in range(n)))
    outlet = OutletFactory()
    for i in range(n):
        Footnote.objects.create(report=report, position=i + 1, text=f"Note {i:02}.", url="https://example.org/note")
        ReportQuote.objects.create(report=report, quote=QuoteFactory(url="https://t.me/channel/1"), position=i + 1)
        report_image(report, media_files.jpeg(width=120, height=80), position=i + 1, alt_text=f"Image {i:02}",
                     credit_outlet=outlet.pk, credit_date="2026-01-02", public_cover="on" if i == 0 else "")
        for cites in ("quote", "note"):
            archived_source(report, media_files.png(width=40, height=30), cites=cites, number=i + 1)
        report_document(report, media_files.pdf(), quote_number=i + 1, title=f"Original {i:02}")
        report_document(report, media_files.pdf(), title=f"Document {i:02}")
    return report


@pytest.mark.parametrize("visitor", ["subscriber", "anonymous"])
def test_a_reports_files_cost_as_many_queries_for_many_as_for_one(client, settings, visitor):
    """The report page with its images, archived copies and documents (for a reader) or its cover (for the public)."""
    settings.CONTENT_CACHE_SECONDS = 0
    counts = []
    for n in (SMALL, MEDIA_LARGE):
        with transaction.atomic():
            report = build_media(n)
            if visitor == "subscriber":
                client.force_login(SubscriptionFactory(user__username="media-reader", tier=tier("premium")).user)
            client.get(report.get_absolute_url())
            with CaptureQueriesContext(connection) as queries:
                page = client.get(report.get_absolute_url()).content.decode()
            shown = [f'alt="Image {n - 1:02}"', f"Original {n - 1:02}", f"Document {n - 1:02}"]
            if visitor == "subscriber":
                assert all(text in page for text in shown) and page.count("archived copy") == 2 * n
            else:
                assert 'alt="Image 00"' in page and not any(text in page for text in shown[1:]) and "archived copy" not in page
            counts.append(len(queries))
            transaction.set_rollback(True)
        client.logout()
    assert counts[0] == counts[1]
