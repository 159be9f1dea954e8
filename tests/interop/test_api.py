"""
The read-only JSON API under /api/v1/: what each endpoint answers and to whom, bearer tokens
(made and revoked on the account page and in the admin; a revoked one is refused), answers that
match the OpenAPI description served at /api/v1/schema/, bad parameters answered with 400 or 404
(never a 500), and list endpoints answering in a fixed number of queries.
"""
import datetime as dt
import json

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from openapi_core import OpenAPI
from openapi_core.contrib.django import DjangoOpenAPIRequest, DjangoOpenAPIResponse

from reports.models import APIToken, Designation, Role
from reports.models.tokens import token_hash
from tests.factories import (
    FootnoteFactory,
    OrganizationAliasFactory,
    OrganizationFactory,
    OutletFactory,
    PersonAliasFactory,
    PersonFactory,
    QuoteFactory,
    ReportFactory,
    ReportQuoteFactory,
    SeriesFactory,
    StaffFactory,
    SubscriptionFactory,
    UserFactory,
    tier,
)
from tests.rendered_forms import RenderedForm

pytestmark = pytest.mark.django_db
SCHEMA = {}


@pytest.fixture
def openapi(client):
    """The OpenAPI description as the site serves it (checked against the OpenAPI 3 specification on loading)."""
    if not SCHEMA:
        response = client.get("/api/v1/schema/?format=json")
        assert response.status_code == 200
        SCHEMA["spec"] = OpenAPI.from_dict(json.loads(response.content))
    return SCHEMA["spec"]


@pytest.fixture
def api(client, openapi):
    """GET an API address; every answer, success or error, must match the OpenAPI description."""

    def get(path, token=None, **headers):
        if token:
            headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
        response = client.get(path, **headers)
        assert response.status_code != 500
        openapi.validate_response(DjangoOpenAPIRequest(response.wsgi_request), DjangoOpenAPIResponse(response))
        return response

    return get


@pytest.fixture
def desk():
    """A premium report and a free one, with entities, a footnote and a quote each."""
    militia = OrganizationFactory(name="Kataib Example", slug="kataib-example", parent=OrganizationFactory(slug="axis"))
    OrganizationAliasFactory(organization=militia, name="KE Brigades")
    Designation.objects.create(organization=militia, authority="State", designation="FTO", designated_on=dt.date(2019, 1, 1))
    commander = PersonFactory(name="Abu Example", slug="abu-example")
    PersonAliasFactory(person=commander, name="Abu Ex")
    Role.objects.create(person=commander, organization=militia, title="Commander")
    daily = OutletFactory(slug="daily")
    gated = ReportFactory(
        title="Gated report", slug="gated", required_tier=tier("premium"), body="Gated body text.",
        published_at=dt.datetime(2024, 6, 1, 12, tzinfo=dt.UTC),
    )
    free = ReportFactory(
        title="Free report", slug="free", body="Free body text.", published_at=dt.datetime(2024, 1, 1, 12, tzinfo=dt.UTC),
    )
    for report, words in ((gated, "Premium"), (free, "Open")):
        report.organizations.add(militia)
        report.people.add(commander)
        report.outlets.add(daily)
        report.tags.add("militias")
        FootnoteFactory(report=report, position=1, text=f"{words} source.")
        ReportQuoteFactory(report=report, quote=QuoteFactory(
            person=commander, organization=militia, outlet=daily, translation=f"{words} words.",
        ))
    return gated, free


def premium_token():
    _, token = APIToken.issue(user=SubscriptionFactory(tier=tier("premium")).user, name="OpenCTI")
    return token


# -- what the endpoints answer --


def test_the_schema_describes_every_endpoint_and_the_bearer_scheme(client):
    schema = json.loads(client.get("/api/v1/schema/?format=json").content)
    assert set(schema["paths"]) == {
        "/api/v1/", "/api/v1/reports/", "/api/v1/reports/{slug}/", "/api/v1/organizations/", "/api/v1/organizations/{slug}/",
        "/api/v1/people/", "/api/v1/people/{slug}/", "/api/v1/outlets/", "/api/v1/outlets/{slug}/",
        "/api/v1/quotes/", "/api/v1/quotes/{id}/",
    }
    assert all(set(operations) == {"get"} for operations in schema["paths"].values()), "read-only"
    assert schema["components"]["securitySchemes"]["bearerAuth"] == {
        "type": "http", "scheme": "bearer", "description": schema["components"]["securitySchemes"]["bearerAuth"]["description"],
    }


def test_the_report_list_shows_every_teaser_to_the_public(api, desk):
    data = api("/api/v1/reports/").json()
    assert data["count"] == 2
    gated = data["results"][0]
    assert (gated["slug"], gated["readable"], gated["access"]["tier"]["slug"]) == ("gated", False, "premium")
    assert gated["organizations"] == [{"slug": "kataib-example", "name": "Kataib Example"}]
    assert gated["tags"] == ["militias"] and gated["url"] == "http://testserver/reports/gated/"
    assert "body_html" not in gated and "Gated body" not in json.dumps(data)


def test_a_gated_report_shows_its_text_only_to_those_who_may_read_it(api, desk):
    public = api("/api/v1/reports/gated/").json()
    assert public["readable"] is False
    assert public["body_html"] is public["footnotes"] is public["quotes"] is None
    read = api("/api/v1/reports/gated/", token=premium_token()).json()
    assert read["readable"] is True and "Gated body text." in read["body_html"]
    assert read["footnotes"] == [{"position": 1, "text": "Premium source.", "url": "", "outlet": None}]
    (quote,) = read["quotes"]
    assert quote["translation"] == "Premium words." and quote["reports"][0]["slug"] == "gated"


def test_a_complimentary_report_is_readable_by_everyone(api, desk):
    data = api("/api/v1/reports/free/").json()
    assert data["readable"] is True and "Free body text." in data["body_html"]


def test_a_logged_in_session_reads_with_its_access(client, api, desk):
    client.force_login(StaffFactory(group="Analysts"))
    assert api("/api/v1/reports/gated/").json()["readable"] is True


@pytest.mark.parametrize("query, expected", [
    ("organization=kataib-example", ["gated", "free"]),
    ("access=free", ["free"]),
    ("access=subscribers", ["gated"]),
    ("since=2024-03-01", ["gated"]),
    ("until=2024-03-01", ["free"]),
    ("tag=militias&person=abu-example&outlet=daily", ["gated", "free"]),
    ("q=Free", ["free"]),
])
def test_the_report_list_takes_the_list_filters_and_search(api, desk, query, expected):
    assert [report["slug"] for report in api(f"/api/v1/reports/?{query}").json()["results"]] == expected


def test_search_finds_gated_words_only_for_readers(api, desk):
    assert api("/api/v1/reports/?q=Premium").json()["count"] == 0
    assert api("/api/v1/reports/?q=Premium", token=premium_token()).json()["count"] == 1


def test_pagination_pages_and_caps_the_page_size(api):
    for number in range(3):
        ReportFactory(published_at=dt.datetime(2024, 1, 1 + number, tzinfo=dt.UTC))
    first = api("/api/v1/reports/?page_size=2").json()
    assert (first["count"], len(first["results"]), first["previous"]) == (3, 2, None)
    second = api(first["next"].replace("http://testserver", "")).json()
    assert len(second["results"]) == 1 and second["next"] is None
    assert len(api("/api/v1/reports/?page_size=100").json()["results"]) == 3


@pytest.mark.parametrize("page_size", ["0", "-5", "abc", "null", "", "101", "1000", "2.5"])
@pytest.mark.parametrize("endpoint", ["reports", "organizations", "quotes"])
def test_a_page_size_that_is_not_a_whole_number_from_1_to_100_is_a_400(api, desk, endpoint, page_size):
    response = api(f"/api/v1/{endpoint}/?page_size={page_size}")
    assert response.status_code == 400
    assert "page_size" in response.json()["errors"]


def test_quotes_are_those_the_caller_may_read(api, desk):
    assert [quote["translation"] for quote in api("/api/v1/quotes/").json()["results"]] == ["Open words."]
    token = premium_token()
    assert {quote["translation"] for quote in api("/api/v1/quotes/", token=token).json()["results"]} == {
        "Open words.", "Premium words.",
    }
    gated_quote = desk[0].quotes.get()
    assert api(f"/api/v1/quotes/{gated_quote.pk}/").status_code == 404
    assert api(f"/api/v1/quotes/{gated_quote.pk}/", token=token).json()["translation"] == "Premium words."


def test_quotes_filter_by_speaker_and_outlet(api, desk):
    other = ReportFactory()
    ReportQuoteFactory(report=other, quote=QuoteFactory(translation="Someone else."))
    for query in ["person=abu-example", "organization=kataib-example", "outlet=daily"]:
        assert [quote["translation"] for quote in api(f"/api/v1/quotes/?{query}").json()["results"]] == ["Open words."]


def test_entities_list_and_detail_public_facts(api, desk):
    organizations = api("/api/v1/organizations/?name=ke brigades").json()["results"]
    assert [organization["slug"] for organization in organizations] == ["kataib-example"]
    militia = api("/api/v1/organizations/kataib-example/").json()
    assert militia["aliases"] == ["KE Brigades"] and militia["parent"]["slug"] == "axis"
    assert militia["designations"][0]["designation"] == "FTO"
    assert militia["stix_url"] == "http://testserver/organizations/kataib-example/stix.json"
    person = api("/api/v1/people/abu-example/").json()
    assert person["roles"] == [{"title": "Commander", "organization": {"slug": "kataib-example", "name": "Kataib Example"}, "started_on": None, "ended_on": None}]
    assert api("/api/v1/people/?name=abu ex").json()["count"] == 1
    assert api("/api/v1/outlets/daily/").json()["slug"] == "daily"


def test_answers_are_private_to_the_caller(api, desk):
    response = api("/api/v1/reports/gated/", token=premium_token())
    assert "private" in response["Cache-Control"]
    assert {"Authorization", "Cookie"} <= {value.strip() for value in response["Vary"].split(",")}


@pytest.mark.parametrize("method", ["post", "put", "patch", "delete"])
def test_the_api_is_read_only(client, desk, method):
    assert getattr(client, method)("/api/v1/reports/free/").status_code == 405


# -- bad parameters: 400 or 404, never a 500 --


@pytest.mark.parametrize("query, bad", [
    ("series=nothing", "series"),
    ("organization=nobody", "organization"),
    ("since=not-a-date", "since"),
    ("until=2024-02-30", "until"),
    ("access=everything", "access"),
    ("tag=%ff%fe", "tag"),
    ("country=" + "x" * 5000, "country"),
])
def test_bad_report_filters_answer_400_naming_them(api, desk, query, bad):
    response = api(f"/api/v1/reports/?{query}")
    assert response.status_code == 400
    assert set(response.json()["errors"]) == {bad}


@pytest.mark.parametrize("query", ["person=nobody", "organization=%00", "outlet=x"])
def test_bad_quote_filters_answer_400(api, desk, query):
    assert api(f"/api/v1/quotes/?{query}").status_code == 400


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999999", "1.5", "%00"])
@pytest.mark.parametrize("endpoint", ["reports", "organizations", "people", "outlets", "quotes"])
def test_bad_page_numbers_answer_404(api, desk, endpoint, page):
    assert api(f"/api/v1/{endpoint}/?page={page}").status_code == 404


@pytest.mark.parametrize("query", ["q=" + "x" * 10000, "q=%22", "q=-", "name=" + "y" * 5000])
def test_odd_parameters_are_tolerated(api, desk, query):
    assert api(f"/api/v1/reports/?{query}").status_code == 200
    assert api(f"/api/v1/organizations/?{query}").status_code == 200


@pytest.mark.parametrize("path", [
    "/api/v1/reports/nothing/", "/api/v1/organizations/nobody/", "/api/v1/people/nobody/", "/api/v1/outlets/nothing/",
    "/api/v1/quotes/999999/",
])
def test_unknown_objects_answer_404(api, desk, path):
    assert api(path).status_code == 404


@pytest.mark.parametrize("path", [
    "/api/", "/api/v1/nothing/", "/api/v1/reports/not a slug/", "/api/v1/quotes/abc/", "/api/v2/reports/",
])
def test_addresses_under_the_api_that_nothing_answers_are_json_404s(client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json" and response.json() == {"detail": "Not found."}


def test_unpublished_reports_answer_404_even_for_staff(api, client):
    draft = ReportFactory(status="draft", published_at=None)
    client.force_login(StaffFactory(group="Editors"))
    assert api(f"/api/v1/reports/{draft.slug}/").status_code == 404
    assert api("/api/v1/reports/").json()["count"] == 0


# -- tokens --


def test_a_token_is_stored_as_a_hash_only():
    user = UserFactory()
    made, token = APIToken.issue(user=user, name="Script")
    assert token.startswith("tm_") and len(token) > 40
    assert made.key_hash == token_hash(token) and token not in {made.key_hash, made.key_prefix}
    assert made.key_prefix == token[:10]


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer", "Bearer two parts", "Bearer tm_\u00e9"])
def test_an_unknown_or_malformed_token_is_refused(api, desk, header):
    response = api("/api/v1/reports/", HTTP_AUTHORIZATION=header.encode().decode("latin-1"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == 'Bearer realm="api"'


def test_a_revoked_token_is_refused(api, desk):
    token = premium_token()
    assert api("/api/v1/reports/gated/", token=token).status_code == 200
    APIToken.objects.get(key_hash=token_hash(token)).revoke()
    response = api("/api/v1/reports/gated/", token=token)
    assert response.status_code == 401
    assert response.json() == {"detail": "This token has been revoked."}


def test_the_token_of_a_disabled_account_is_refused(api, desk):
    made, token = APIToken.issue(user=UserFactory(), name="Script")
    made.user.is_active = False
    made.user.save()
    assert api("/api/v1/reports/", token=token).status_code == 401


def test_a_token_acts_as_its_user_and_notes_its_use(api, desk):
    made, token = APIToken.issue(user=UserFactory(), name="Script")
    assert made.last_used_at is None
    assert api("/api/v1/reports/gated/", token=token).json()["readable"] is False, "a reader without subscription"
    SubscriptionFactory(user=made.user, tier=tier("premium"))
    assert api("/api/v1/reports/gated/", token=token).json()["readable"] is True
    made.refresh_from_db()
    assert made.last_used_at is not None


def test_the_account_page_makes_a_token_and_shows_it_once(client):
    user = UserFactory()
    client.force_login(user)
    page = client.post("/account/api-tokens/", {"name": "OpenCTI connector"})
    assert page.status_code == 200
    token = page.context["new_token"]
    assert token in page.content.decode() and "no-cache" in page["Cache-Control"]
    made = user.api_tokens.get()
    assert made.name == "OpenCTI connector" and made.key_hash == token_hash(token)
    again = client.get("/account/").content.decode()
    assert "OpenCTI connector" in again and made.key_prefix in again and token not in again


def test_the_account_page_keeps_the_number_of_tokens_in_bounds(client):
    user = UserFactory()
    client.force_login(user)
    for number in range(APIToken.MAX_ACTIVE_PER_USER):
        APIToken.issue(user=user, name=f"Token {number}")
    page = client.post("/account/api-tokens/", {"name": "One too many"})
    assert "revoke one before making another" in page.content.decode()
    assert user.api_tokens.count() == APIToken.MAX_ACTIVE_PER_USER


def test_the_account_page_revokes_a_token_of_ones_own_only(client, api, desk):
    owner, other = UserFactory(), UserFactory()
    made, token = APIToken.issue(user=owner, name="Script")
    client.force_login(other)
    assert client.post(f"/account/api-tokens/{made.pk}/revoke/").status_code == 404
    client.force_login(owner)
    assert client.post(f"/account/api-tokens/{made.pk}/revoke/").status_code == 302
    made.refresh_from_db()
    assert made.revoked_at is not None
    client.logout()
    assert api("/api/v1/reports/", token=token).status_code == 401


def test_anonymous_visitors_make_no_tokens(client):
    response = client.post("/account/api-tokens/", {"name": "x"})
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    assert not APIToken.objects.exists()


def test_the_admin_makes_a_token_shows_it_once_and_revokes_it(admin_client, api, desk):
    user = UserFactory()
    form = RenderedForm.of(admin_client, "/admin/reports/apitoken/add/", form_id="apitoken_form")
    response = form.fill(user=user.pk, name="Agency feed").submit(admin_client, "_save", follow=True)
    (message,) = [str(message) for message in response.context["messages"] if "new token" in str(message)]
    token = message.split(": ", 1)[1].split(". ", 1)[0]
    made = APIToken.objects.get()
    assert made.key_hash == token_hash(token) and made.user == user
    assert api("/api/v1/reports/", token=token).status_code == 200
    tokens = RenderedForm.of(admin_client, "/admin/reports/apitoken/", form_id="changelist-form")
    tokens.fill(action="revoke", _selected_action=made.pk).submit(admin_client, "index")
    made.refresh_from_db()
    assert made.revoked_at is not None
    assert api("/api/v1/reports/", token=token).status_code == 401


def test_subscription_managers_may_manage_tokens_in_the_admin(client):
    client.force_login(StaffFactory(group="Subscription managers"))
    assert client.get("/admin/reports/apitoken/").status_code == 200


# -- fixed query counts --

SMALL, LARGE = 1, 50


def build(n):
    """
    n reports (the first gated, then every other one), each with tags and entities; n of each entity
    with aliases, designations and roles; n quotes, each carried by its report and by a free one.
    """
    series = SeriesFactory()
    umbrella = OrganizationFactory()
    carrier = ReportFactory(series=series)
    for i in range(n):
        organization, person, outlet = OrganizationFactory(parent=umbrella), PersonFactory(), OutletFactory()
        OrganizationAliasFactory(organization=organization, name=f"Org alias {i}")
        Designation.objects.create(organization=organization, authority="A", designation="D", designated_on=dt.date(2020, 1, 1))
        PersonAliasFactory(person=person, name=f"Person alias {i}")
        Role.objects.create(person=person, organization=organization, title="Commander")
        report = ReportFactory(series=series, required_tier=None if i % 2 else tier("jttm"))
        report.tags.add(f"topic {i}", "common")
        report.organizations.add(organization)
        report.people.add(person)
        report.outlets.add(outlet)
        quote = QuoteFactory(person=person, organization=organization, outlet=outlet)
        ReportQuoteFactory(report=report, quote=quote)
        ReportQuoteFactory(report=carrier, quote=quote)


def queries_for(client, path, n, headers):
    """The queries a list answers with, over n items of each kind, in a savepoint rolled back afterwards."""
    with transaction.atomic():
        sid = transaction.savepoint()
        build(n)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(path, **headers)
        assert response.status_code == 200
        assert response.json()["count"] >= n
        transaction.savepoint_rollback(sid)
    return len(queries)


@pytest.mark.parametrize("caller", ["anonymous", "token"])
@pytest.mark.parametrize("endpoint", ["reports", "organizations", "people", "outlets", "quotes"])
def test_list_endpoints_keep_a_fixed_query_count(client, endpoint, caller):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {premium_token()}"} if caller == "token" else {}
    path = f"/api/v1/{endpoint}/?page_size=100"
    client.get(path, **headers)  # warm up: content types, permissions and the like are cached once
    assert queries_for(client, path, SMALL, headers) == queries_for(client, path, LARGE, headers)


def test_the_api_index_names_every_endpoint_and_the_schema(api, client):
    index = api("/api/v1/").json()
    assert set(index) == {"reports", "organizations", "people", "outlets", "quotes", "schema"}
    assert index["reports"] == "http://testserver/api/v1/reports/"
    assert api(index["reports"].replace("http://testserver", "")).status_code == 200
