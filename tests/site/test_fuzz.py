"""
Bad input never makes a 500: hypothesis throws malformed values (negative, huge and non-numeric
numbers, impossible dates, unknown choices, very long strings, control characters and NUL bytes,
invalid UTF-8 sent as percent-escapes) at every public address of memri/urls.py, at each of its
query parameters, and at the login, subscription and password-reset forms. Every answer must be a
page below 500: a 4xx page or a corrected page.
"""
import datetime as dt
import os
from urllib.parse import quote, quote_from_bytes

import pytest
from django.urls import URLPattern, URLResolver, get_resolver
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.factories import (
    OrganizationFactory,
    OutletFactory,
    PersonFactory,
    ReportFactory,
    SeriesFactory,
    tier,
)

pytestmark = pytest.mark.django_db
FUZZ = settings(
    max_examples=int(os.environ.get("FUZZ_EXAMPLES", "40")),  # more for a deeper search: FUZZ_EXAMPLES=1000
    deadline=None,
    database=None,  # no example store written into the working tree
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
PARAMETERS = ["page", "p", "q", "as", "sort", "series", "tag", "organization", "person", "outlet", "country",
              "access", "since", "until", "format", "next", "after"]
PLACEHOLDER = "fuzzslug"

# Values of the kinds that break parsers, as raw bytes; sent percent-escaped, so that bytes that
# are not UTF-8 reach the site as they would from a hostile client.
KNOWN_BAD = [
    b"", b"0", b"-1", b"1.5", b"1e9", b"99999999999999999999999999", b"9" * 5000, b"NaN", b"last", b"abc",
    b"2023-02-30", b"2024-13-01", b"0000-00-00", b"9999-12-31", b"-2024-01-01", b"2024-06-15T25:00",
    b"\x00", b"abc\x00", b"\xff\xfe", b"\xc3\x28", b"\xed\xa0\x80", b"%", b"%zz", b"../../etc/passwd",
    b"<script>alert(1)</script>", b"' OR 1=1 --", b"\r\nSet-Cookie: x=1", "حزب-الله".encode(), b"x" * 100_000,
    b"premium", b"anonymous", b"registered", b"date", b"relevance", b"free", b"subscribers",
]
raw_values = st.one_of(
    st.sampled_from(KNOWN_BAD),
    st.binary(max_size=300),
    st.text(max_size=200).map(lambda text: text.encode("utf-8", "surrogatepass")),
    st.integers().map(lambda number: str(number).encode()),
    st.dates(min_value=dt.date(1, 1, 1)).map(lambda date: date.isoformat().encode()),
)
escaped = raw_values.map(lambda raw: quote_from_bytes(raw, safe=""))


def public_routes(resolver=None, prefix=""):
    """The path of every route outside the admin, with PLACEHOLDER where a route takes a value."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            if not route.startswith("admin/"):
                yield from public_routes(pattern, route)
        elif isinstance(pattern, URLPattern):
            path = "/" + route
            for converter in pattern.pattern.converters:
                start = path.index("<")
                path = path[:start] + PLACEHOLDER + path[path.index(">", start) + 1:]
            yield path.replace("^", "").replace("$", "")


ROUTES = sorted(set(public_routes()))


@pytest.fixture
def client(client):
    """A client that answers a 500 as a browser would see it, instead of raising the error."""
    client.raise_request_exception = False
    return client


@pytest.fixture
def site(db):
    """Something behind every kind of address, so that good values lead to real pages."""
    report = ReportFactory(slug=PLACEHOLDER, series=SeriesFactory(slug=PLACEHOLDER), required_tier=tier("jttm"))
    report.tags.add(PLACEHOLDER)
    report.organizations.add(OrganizationFactory(slug=PLACEHOLDER))
    report.people.add(PersonFactory(slug=PLACEHOLDER))
    report.outlets.add(OutletFactory(slug=PLACEHOLDER))
    return report


def assert_no_server_error(response, what):
    assert response.status_code < 500, f"{what} answered {response.status_code}"


def test_every_public_route_is_fuzzed():
    """The routes walked include the pages, profiles, feeds and the auth pages, and no admin page."""
    assert {"/", "/reports/", "/search/", f"/reports/{PLACEHOLDER}/", "/accounts/login/", "/sitemap.xml"} <= set(ROUTES)
    assert not any(route.startswith("/admin/") for route in ROUTES)


@FUZZ
@given(route=st.sampled_from(ROUTES), value=escaped)
def test_a_bad_value_in_an_address_is_no_500(client, site, route, value):
    """Any bytes where an address takes a slug, a kind or a token: a page below 500."""
    path = route.replace(PLACEHOLDER, value or "x")
    assert_no_server_error(client.get(path), path)


@FUZZ
@given(route=st.sampled_from(ROUTES), query=st.lists(st.tuples(st.sampled_from(PARAMETERS), escaped), min_size=1, max_size=4))
def test_bad_query_parameters_are_no_500(client, site, route, query):
    """Bad values for the page number, search, preview audience, sort and every filter, on every route."""
    url = f"{route}?{'&'.join(f'{name}={value}' for name, value in query)}"
    assert_no_server_error(client.get(url), url[:300])


@FUZZ
@given(query=st.lists(st.tuples(st.sampled_from(PARAMETERS), escaped), min_size=1, max_size=6))
def test_the_report_list_and_search_take_any_combination_of_parameters(client, site, query):
    """Many parameters at once, repeated ones included, on the two pages that read most of them."""
    for route in ("/reports/", "/search/"):
        url = f"{route}?{'&'.join(f'{name}={value}' for name, value in query)}"
        assert_no_server_error(client.get(url), url[:300])


@FUZZ
@given(query=st.lists(st.tuples(st.sampled_from(PARAMETERS), escaped), max_size=3))
def test_desk_staff_previews_take_any_parameters(client, site, editor, query):
    """Desk staff's report page reads `as` and more: bad values there are no 500 either."""
    client.force_login(editor)
    url = f"{site.get_absolute_url()}?{'&'.join(f'{name}={value}' for name, value in query)}"
    assert_no_server_error(client.get(url), url[:300])


def post_raw(client, url, fields):
    """POST a form as a browser would encode it, with the values percent-escaped as raw bytes."""
    body = "&".join(f"{quote(name)}={quote_from_bytes(value, safe='')}" for name, value in fields.items())
    return client.post(url, body, content_type="application/x-www-form-urlencoded")


@FUZZ
@given(username=raw_values, password=raw_values, next_=raw_values)
def test_the_login_form_takes_any_input(client, site, username, password, next_):
    """The login form answers bad usernames, passwords and next addresses with a form or a lockout."""
    response = post_raw(client, "/accounts/login/", {"username": username, "password": password, "next": next_})
    assert_no_server_error(response, "login")


@FUZZ
@given(fields=st.fixed_dictionaries({name: raw_values for name in ["name", "email", "institution", "readers", "message"]}))
def test_the_subscription_form_takes_any_input(client, site, fields):
    """The institutional access form answers any bad field with form errors."""
    assert_no_server_error(post_raw(client, "/subscribe/", fields), "subscribe")


@FUZZ
@given(email=raw_values)
def test_the_password_reset_form_takes_any_input(client, site, email):
    """The password-reset form answers any e-mail address, however malformed."""
    assert_no_server_error(post_raw(client, "/accounts/password_reset/", {"email": email}), "password reset")


@FUZZ
@given(uidb64=escaped, token=escaped, password=raw_values)
def test_the_password_reset_link_takes_any_values(client, site, uidb64, token, password):
    """A forged or mangled reset link, and posting a new password through it, are no 500."""
    url = f"/accounts/reset/{uidb64 or 'x'}/{token or 'x'}/"
    assert_no_server_error(client.get(url), url[:300])
    assert_no_server_error(post_raw(client, url, {"new_password1": password, "new_password2": password}), url[:300])
