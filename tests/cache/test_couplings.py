"""
What the caches assume of the rest of the site, each test named for the coupling it holds:

- the content cache serves one page to every visitor of a *kind* (reports.cache.content.visitor_kind)
  and an *audience* (the view's content_audience): so the site header (includes/site_header.html)
  may differ only by kind, and a report page (reports/report_detail.html and its includes) only by
  audience and kind;
- saving what is NOT_ON_PAGES (reports/signals.py) leaves kept pages as they are: so no public page
  may show it;
- search results are kept per *reader class* (reports.cache.readers.reader_class) and search (the
  parsed query, the filters applied, the page key: reports.site.views.SearchView): so what is kept
  of a search page (its results and profile cards) may differ only by reader class, and every
  parameter that changes it must be part of the search.

Each page is made afresh for each visitor here (no cache), and compared with the others' of the same
kind and audience, their CSRF tokens aside.
"""
import datetime as dt
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from reversion.models import Revision

from reports.cache.content import visitor_kind
from reports.cache.readers import reader_class
from reports.models import (
    AlertState,
    APIToken,
    Follow,
    Institution,
    InstitutionDomain,
    InstitutionMembership,
    InstitutionNetwork,
    Read,
    ReportSnapshot,
    Review,
    SentAlert,
    SubscriptionRequest,
    Trial,
)
from reports.models import Country, Tier
from reports.site.views import SearchView
from reports.signals import NOT_ON_PAGES
from reports.site.forms import ReportFilterForm
from tests.factories import (
    OrganizationFactory,
    OutletFactory,
    PersonFactory,
    ProgrammeFactory,
    ReportFactory,
    SeriesFactory,
    StaffFactory,
    SubscriptionFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'(name="csrfmiddlewaretoken" value=")[^"]+(")')
GATED = "MARKER-COUPLING-GATED-40c2"


@pytest.fixture(autouse=True)
def caches_off(settings):
    settings.PAGE_CACHE_SECONDS = settings.CONTENT_CACHE_SECONDS = 0


def page(client, url, **headers):
    response = client.get(url, **headers)
    assert response.status_code == 200, url
    return TOKEN.sub(r"\1…\2", response.content.decode())


@pytest.fixture
def visitors(premium, jttm, client_for):
    """Visitors by (kind, audience of a premium report), several of each, as different as they come."""
    today = timezone.localdate()
    agency = Institution.objects.create(
        name="Agency", slug="agency", tier=premium, starts_on=today, ends_on=today + dt.timedelta(days=30)
    )
    InstitutionNetwork.objects.create(institution=agency, cidr="198.51.100.0/24")
    member = UserFactory(username="member", email="member@agency.example")
    InstitutionMembership.objects.create(institution=agency, user=member, email=member.email)
    expired = SubscriptionFactory(
        tier=premium, starts_on=today - dt.timedelta(days=400), ends_on=today - dt.timedelta(days=1)
    ).user
    return {
        ("anonymous", "anonymous"): [Client(), Client(REMOTE_ADDR="203.0.113.9")],
        ("anonymous", "reader"): [Client(REMOTE_ADDR="198.51.100.23"), Client(REMOTE_ADDR="198.51.100.99")],
        ("signed-in", "signed-in"): [
            client_for(UserFactory(username="registered", first_name="Rae")),
            client_for(expired),
            client_for(SubscriptionFactory(tier=jttm).user),
        ],
        ("signed-in", "reader"): [
            client_for(SubscriptionFactory(tier=premium, ends_on=today).user),
            client_for(SubscriptionFactory(tier=premium, user__username="another-reader").user),
            client_for(member),
        ],
        ("staff", "signed-in"): [
            client_for(StaffFactory(username="manager-one", group="Subscription managers")),
            client_for(StaffFactory(username="manager-two", group="Subscription managers")),
        ],
    }


@pytest.fixture
def gated(premium):
    return ReportFactory(title="A report for premium readers", required_tier=premium, body=f"Gated: {GATED}.")


def test_the_kinds_of_visitor_are_those_the_site_header_tells_apart(visitors):
    """The content cache's visitor kind ↔ includes/site_header.html: one header per kind, three kinds."""
    headers = {}
    for (kind, _audience), clients in visitors.items():
        for client in clients:
            user = client.get(reverse("home")).wsgi_request.user
            assert visitor_kind(user) == kind
            header = page(client, reverse("home")).split('<header class="site-header">')[1].split("</header>")[0]
            headers.setdefault(kind, set()).add(header)
    assert all(len(shown) == 1 for shown in headers.values()), "the site header shows a visitor more than their kind"
    assert len({next(iter(shown)) for shown in headers.values()}) == 3


@pytest.mark.parametrize("url_name", ["home", "report_list"])
def test_pages_for_everyone_differ_only_by_kind_of_visitor(visitors, gated, url_name):
    """SharedContentMixin's audience "everyone" ↔ the home and list templates."""
    for (kind, _audience), clients in visitors.items():
        made = {page(client, reverse(url_name)) for client in clients}
        assert len(made) == 1, f"{url_name} differs between {kind} visitors of the same kind"


@pytest.mark.parametrize("url_name", ["report_detail", "report_print"])
def test_a_report_page_differs_only_by_audience_and_kind(visitors, gated, url_name):
    """ReportDetailView.content_audience ↔ every per-visitor branch of report_detail.html and report_print.html."""
    url = reverse(url_name, args=[gated.slug])
    for (kind, audience), clients in visitors.items():
        made = {page(client, url) for client in clients}
        assert len(made) == 1, f"{url_name} differs between {kind} visitors of the audience {audience!r}"
        assert (GATED in made.pop()) is (audience == "reader")


def test_what_is_not_on_pages_shows_on_no_page(visitors, gated, premium):
    """NOT_ON_PAGES (reports/signals.py) ↔ the templates: a save of any of them changes no kept page."""
    reader = visitors[("signed-in", "reader")][0]
    watching = [visitors[("anonymous", "anonymous")][0], reader, visitors[("signed-in", "signed-in")][0]]
    urls = [
        reverse("home"), reverse("report_list"), gated.get_absolute_url(), reverse("report_print", args=[gated.slug]),
        reverse("series_detail", args=[gated.series.slug]), reverse("feed_rss"), reverse("sitemap"),
        f"{reverse('search')}?q=premium+readers",
    ]
    before = [[page(client, url) for url in urls] for client in watching]

    someone = UserFactory(username="someone-else", email="someone@agency.example")
    made = [
        Read.objects.record(report=gated, user=someone),
        Follow.objects.create(user=someone, series=gated.series),
        AlertState.objects.create(user=someone),
        SentAlert.objects.create(user=someone, report=gated),
        APIToken.issue(user=someone, name="connector")[0],
        SubscriptionFactory(user=someone, tier=premium),
        InstitutionMembership.objects.create(institution=Institution.objects.get(), user=someone, email=someone.email),
        InstitutionDomain.objects.create(institution=Institution.objects.get(), domain="agency.example"),
        Review.objects.create(report=gated, kind=Review.Kind.CHANGE, content={"title": "An open change"}),
        ReportSnapshot.objects.create(revision=Revision.objects.create(date_created=timezone.now()), report_id=gated.pk, data={"title": "Old"}),
        Trial.objects.create(
            user=someone, tier=premium, email=someone.email, domain="agency.example",
            starts_on=timezone.localdate(), ends_on=timezone.localdate(),
        ),
        SubscriptionRequest.objects.create(user=someone, tier=premium),
    ]
    assert {type(instance) for instance in made} == NOT_ON_PAGES, "a model added to NOT_ON_PAGES needs a row here"
    after = [[page(client, url) for url in urls] for client in watching]
    assert after == before


def kept_part(client, params):
    """What the search cache keeps of a search page (its profile cards, results and filter fields)."""
    response = client.get(reverse("search"), params)
    assert response.status_code == 200
    return response.context["kept_profiles"] + response.context["kept_results"] + response.context["filter_fields"]


def test_what_is_kept_of_a_search_differs_only_by_reader_class(visitors, gated):
    """reader_class ↔ the access policy and SearchView.results: one kept part per class, staff apart."""
    made = {}
    for clients in visitors.values():
        for client in clients:
            user = client.get(reverse("home")).wsgi_request.user
            parts = tuple(kept_part(client, {"q": query}) for query in (GATED.rsplit("-", 1)[1], "premium readers"))
            made.setdefault(reader_class(user), set()).add(parts)
    premium, jttm = (f"rank-{tier.rank}" for tier in (gated.required_tier, Tier.objects.get(slug="jttm")))
    assert set(made) == {None, "public", jttm, premium}, "staff apart; the public; each tier's readers"
    assert all(len(parts) == 1 for reader, parts in made.items() if reader is not None), "kept parts differ within a class"
    assert {reader: GATED in next(iter(parts))[1] for reader, parts in made.items() if reader is not None} == {
        "public": False, jttm: False, premium: True,
    }


def sample_values(form):
    """A value for each of the search's filters that narrows the results of `filtered_desk`, by the field's kind."""
    values = {}
    for name, field in form.fields.items():
        if hasattr(field, "queryset"):
            values[name] = [getattr(choice, field.to_field_name) for choice in field.queryset.filter(slug__startswith="kept-")]
        elif name in ("since", "until"):
            values[name] = [(timezone.localdate() - dt.timedelta(days=5)).isoformat()]
        elif hasattr(field, "choices"):
            values[name] = [value for value, _ in field.choices if value]
        else:
            raise AssertionError(f"the filter {name!r} needs a sample value here, and the search results' key needs it")
        assert values[name], f"no sample value for the filter {name!r}"
    return values


@pytest.fixture
def filtered_desk(premium):
    """Two reports of the same words, apart in every filter: one old, free and filed under everything; one new and gated."""
    old = ReportFactory(
        title="Militia report filed under everything", required_tier=None,
        series=SeriesFactory(slug="kept-series"), programme=ProgrammeFactory(slug="kept-programme"),
        published_at=timezone.now() - dt.timedelta(days=10),
    )
    old.tags.add("kept-tag")
    old.organizations.add(OrganizationFactory(slug="kept-organization"))
    old.people.add(PersonFactory(slug="kept-person"))
    old.outlets.add(OutletFactory(slug="kept-outlet"))
    old.countries.add(Country.objects.create(name="Kept country", slug="kept-country"))
    ReportFactory(title="Militia report filed under nothing", required_tier=premium)


def test_every_parameter_that_changes_what_is_kept_of_a_search_is_in_its_key(client, settings, monkeypatch, filtered_desk):
    """
    The search cache's keys (SearchView: the parsed query, the filters applied, the page key and
    size; the filter parameters as given) ↔ what SearchView.results and includes/filter_fields.html
    make: asked one after another, every search is served what it would be made afresh, whatever
    was kept before it.
    """
    monkeypatch.setattr(SearchView, "paginate_by", 1)
    settings.CONTENT_CACHE_SECONDS = 0
    first_page = client.get(reverse("search"), {"q": "militia", "sort": "date"}).context["next_page"]
    asked = [{"q": "militia"}, {"q": "militia", "sort": "date"}, {"q": "militia", "sort": "date", "after": first_page}]
    asked += [{"q": "MILITIA"}, {"q": "militia -everything"}, {"q": "militia report"}]
    # Ignored filters narrow nothing, and the form shows them as given.
    asked += [{"q": "militia", "since": "garbage"}, {"q": "militia", "series": "no-such-series"}]
    filters = [{"q": "militia", name: value} for name, values in sample_values(ReportFilterForm({})).items() for value in values]
    fresh = [kept_part(client, params) for params in asked + filters]
    assert fresh[2] != fresh[1] and fresh[3] == fresh[0] != fresh[4] and fresh[5] != fresh[0]
    assert fresh[6] != fresh[0] != fresh[7], "shown as given, and marked invalid"
    assert all(made != fresh[0] for made in fresh[len(asked):]), "each filter narrows the results here"
    settings.CONTENT_CACHE_SECONDS = 600
    every = list(zip(asked + filters, fresh))
    for params, made in every + every[::-1]:
        assert kept_part(client, params) == made, f"another search's results served for {params}"
