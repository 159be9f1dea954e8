"""
The API's endpoints: thin read-only views whose querysets start from the access policy.

Bad parameters answer 400 with what was wrong (unlike the site's list, which drops them and says
so: a program should hear about its mistakes); an unknown page or object answers 404.
"""
from django import forms
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_view
from rest_framework import exceptions, generics
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.utils.urls import remove_query_param, replace_query_param

from reports.cache.privacy import for_this_caller
from reports.interop.api.serializers import (
    ErrorSerializer,
    OrganizationSerializer,
    OutletSerializer,
    PersonSerializer,
    QuoteSerializer,
    ReportSerializer,
    ReportSummarySerializer,
)
from reports.models import Organization, Outlet, Person, Quote, Report
from reports.models.readers import FINDER_ATTRIBUTE
from reports.search.engine import COUNT_LIMIT, BadKey, PageKey, search_page
from reports.site.forms import ReportFilterForm, SlugChoiceField


class Pagination(PageNumberPagination):
    page_size = 20
    page_size_query_param = "page_size"
    max_page_size = 100

    def get_page_size(self, request):
        """The page size asked for: a whole number from 1 to 100; anything else is a 400, not the default."""
        asked = request.query_params.getlist(self.page_size_query_param)
        if not asked:
            return self.page_size
        if len(asked) > 1 or not asked[0].isdecimal() or not 1 <= int(asked[0]) <= self.max_page_size:
            raise BadParameters({self.page_size_query_param: [f"A whole number from 1 to {self.max_page_size}."]})
        return int(asked[0])

    def get_page_number(self, request, paginator):
        """The page asked for; an empty one is an unknown page (404), as "abc" and 0 are, not the first."""
        asked = request.query_params.getlist(self.page_query_param)
        return asked[-1] if asked else 1

    def get_paginated_response_schema(self, schema):
        # DRF describes the links as OpenAPI 3.0 "nullable"; the description is OpenAPI 3.1.
        response = super().get_paginated_response_schema(schema)
        for link in ("next", "previous"):
            response["properties"][link] = {"type": ["string", "null"], "format": "uri"}
        return response


class SearchPagination(Pagination):
    """
    Search results, a page at a time: `next` carries the key of the page after this one (`after`,
    signed; a key this site did not make is a 400), `previous` is always null. `count` is exact up
    to reports.search.engine.COUNT_LIMIT matches; past it an estimate (or the limit, where the
    estimate is lower), and `count_is_estimate` is true.
    """

    after_query_param = "after"

    def paginate_queryset(self, queryset, request, view=None):
        self.request = request
        size = self.get_page_size(request)
        if request.query_params.getlist(self.page_query_param) not in ([], ["1"]):
            raise exceptions.NotFound("Search results are paged with the next link (after=…), not by number.")
        try:
            after = request.query_params.get(self.after_query_param)
            key = PageKey.read(after, "relevance") if after is not None else None
        except BadKey:
            raise BadParameters({self.after_query_param: ["Not a key this site made: follow the next link."]}) from None
        self.page = search_page(view.search_text, request.user, reports=queryset, key=key, size=size)
        return self.page.reports(queryset)

    def get_paginated_response(self, data):
        next_key = self.page.next_key
        url = remove_query_param(self.request.build_absolute_uri(), self.page_query_param)
        return Response({
            "count": self.page.found,
            "count_is_estimate": not self.page.exact,  # past the limit: an estimate, or the limit as a floor
            "next": replace_query_param(url, self.after_query_param, next_key.token()) if next_key else None,
            "previous": None,
            "results": data,
        })


class BadParameters(exceptions.APIException):
    status_code = 400
    default_detail = "Some parameters could not be used."

    def __init__(self, errors):
        super().__init__({
            "detail": self.default_detail,
            "errors": {name: [str(message) for message in messages] for name, messages in errors.items()},
        })


def valid(form):
    """The form's cleaned data, or a 400 naming the parameters that could not be used (an empty one included)."""
    empty = {name: ["Give a value, or leave the parameter out."] for name in form.fields if form.data.get(name, None) == ""}
    if empty or not form.is_valid():
        raise BadParameters({**form.errors, **empty})
    return form.cleaned_data


ERRORS = {401: ErrorSerializer, 404: ErrorSerializer}
LIST_ERRORS = {400: ErrorSerializer, **ERRORS}


def form_parameters(form_class):
    """The form's fields as documented query parameters."""
    parameters = []
    for name, field in form_class.base_fields.items():
        plain_choices = isinstance(field, forms.ChoiceField) and not isinstance(field, forms.ModelChoiceField)
        choices = [value for value, _ in field.choices if value] if plain_choices else None
        parameters.append(OpenApiParameter(
            name,
            OpenApiTypes.DATE if isinstance(field, forms.DateField) else OpenApiTypes.STR,
            description=f"{field.label or name.capitalize()}{' (a slug)' if isinstance(field, SlugChoiceField) else ''}.",
            enum=choices,
        ))
    return parameters


class ReadOnlyAPIView(generics.GenericAPIView):
    """What every endpoint shares: read-only, answers per caller, the caller's network known to the policy."""

    http_method_names = ["get", "head", "options"]
    pagination_class = Pagination

    def perform_authentication(self, request):
        # The policy also gives readers on an institution's network its access: the site's
        # middleware notes the address on the session's user; a user found by token, or DRF's own
        # anonymous user, must carry it too. (Authenticating replaces the request's user.)
        site_user = getattr(request._request, "user", None)
        super().perform_authentication(request)
        if request.user is not site_user:
            for noted in ("client_ip", FINDER_ATTRIBUTE):  # the address, and how to learn what the user holds
                if hasattr(site_user, noted):
                    setattr(request.user, noted, getattr(site_user, noted))

    def finalize_response(self, request, response, *args, **kwargs):
        # What an answer holds depends on who asks: no shared cache may keep it for someone else.
        return for_this_caller(super().finalize_response(request, response, *args, **kwargs))


@extend_schema_view(get=extend_schema(
    summary="The API's endpoints",
    description="The address of each list and of this description of the API.",
    responses={200: {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}},
))
class IndexView(ReadOnlyAPIView):
    ENDPOINTS = {
        "reports": "api:report-list",
        "organizations": "api:organization-list",
        "people": "api:person-list",
        "outlets": "api:outlet-list",
        "quotes": "api:quote-list",
        "schema": "api:schema",
    }

    def get(self, request):
        return Response({name: reverse(url_name, request=request) for name, url_name in self.ENDPOINTS.items()})


# -- reports --


@extend_schema_view(get=extend_schema(
    summary="Published reports, newest first (or best match first with q)",
    description="Every published report's teaser, for everyone; `readable` says whether the caller may read the full text.",
    parameters=[
        OpenApiParameter("q", OpenApiTypes.STR, description=(
            "Search words, as on the site's search page. Results then come a page at a time by the `next` link; "
            f"`count` is exact up to {COUNT_LIMIT:,} matches; past them `count_is_estimate` is true and `count` an "
            f"estimate, or {COUNT_LIMIT:,} where the estimate is lower than what was counted."
        )),
        OpenApiParameter("after", OpenApiTypes.STR, description="With q: where the page starts, as the `next` link gives it."),
        *form_parameters(ReportFilterForm),
    ],
    responses={200: ReportSummarySerializer(many=True), **LIST_ERRORS},
))
class ReportListView(ReadOnlyAPIView, generics.ListAPIView):
    serializer_class = ReportSummarySerializer

    def get_queryset(self):
        filters = ReportFilterForm(self.request.query_params)
        valid(filters)
        self.search_text = self.request.query_params.get("q", "").strip()[:500]
        if self.search_text:
            self.pagination_class = SearchPagination
        reports = filters.filter(Report.objects.published())
        return reports.for_listing().prefetch_related("tags", "organizations", "people", "outlets", "countries")


@extend_schema_view(get=extend_schema(
    summary="A published report",
    description="The teaser for everyone; `body_html`, `footnotes` and `quotes` only for those who may read it (null otherwise).",
    responses={200: ReportSerializer, **ERRORS},
))
class ReportDetailView(ReadOnlyAPIView, generics.RetrieveAPIView):
    serializer_class = ReportSerializer
    lookup_field = "slug"

    def get_queryset(self):
        return Report.objects.published().for_listing().prefetch_related("tags", "organizations", "people", "outlets", "countries")


# -- organizations, people, outlets --

NAME_PARAMETER = OpenApiParameter("name", OpenApiTypes.STR, description="A name or alias, however transliterated.")


class EntityListView(ReadOnlyAPIView, generics.ListAPIView):
    def get_queryset(self):
        entities = super().get_queryset()
        name = self.request.query_params.get("name", "").strip()
        return entities.named(name[:200]) if name else entities


ORGANIZATIONS = Organization.objects.select_related("parent", "state_sponsor").prefetch_related(
    "aliases", "countries", "designations"
)
PEOPLE = Person.objects.prefetch_related("aliases", "roles__organization")
OUTLETS = Outlet.objects.select_related("country").prefetch_related("aliases")


def entity_schema(serializer, plural):
    return {
        "list": extend_schema_view(get=extend_schema(
            summary=f"All {plural}, by name",
            description=f"The {plural} the desk's reports are filed under: public facts, for everyone.",
            parameters=[NAME_PARAMETER],
            responses={200: serializer(many=True), **LIST_ERRORS},
        )),
        "detail": extend_schema_view(get=extend_schema(
            summary=f"One of the {plural}", description="Public facts, for everyone.", responses={200: serializer, **ERRORS}
        )),
    }


class EntityDetailView(ReadOnlyAPIView, generics.RetrieveAPIView):
    lookup_field = "slug"


@entity_schema(OrganizationSerializer, "organizations")["list"]
class OrganizationListView(EntityListView):
    queryset, serializer_class = ORGANIZATIONS, OrganizationSerializer


@entity_schema(OrganizationSerializer, "organizations")["detail"]
class OrganizationDetailView(EntityDetailView):
    queryset, serializer_class = ORGANIZATIONS, OrganizationSerializer


@entity_schema(PersonSerializer, "people")["list"]
class PersonListView(EntityListView):
    queryset, serializer_class = PEOPLE, PersonSerializer


@entity_schema(PersonSerializer, "people")["detail"]
class PersonDetailView(EntityDetailView):
    queryset, serializer_class = PEOPLE, PersonSerializer


@entity_schema(OutletSerializer, "outlets")["list"]
class OutletListView(EntityListView):
    queryset, serializer_class = OUTLETS, OutletSerializer


@entity_schema(OutletSerializer, "outlets")["detail"]
class OutletDetailView(EntityDetailView):
    queryset, serializer_class = OUTLETS, OutletSerializer


# -- quotes --


class QuoteFilterForm(forms.Form):
    person = SlugChoiceField(Person.objects.all())
    organization = SlugChoiceField(Organization.objects.all())
    outlet = SlugChoiceField(Outlet.objects.all())


class ReadableQuotes:
    def get_queryset(self):
        return Quote.objects.readable_by(self.request.user).with_speakers_and_reports()


@extend_schema_view(get=extend_schema(
    summary="Quotes the caller may read, latest first",
    description="Quotes carried by a published report the caller may read in full.",
    parameters=form_parameters(QuoteFilterForm),
    responses={200: QuoteSerializer(many=True), **LIST_ERRORS},
))
class QuoteListView(ReadableQuotes, ReadOnlyAPIView, generics.ListAPIView):
    serializer_class = QuoteSerializer

    def get_queryset(self):
        filters = valid(QuoteFilterForm(self.request.query_params))
        return super().get_queryset().filter(**{name: value for name, value in filters.items() if value})


@extend_schema_view(get=extend_schema(
    summary="A quote the caller may read",
    description="A quote carried by a published report the caller may read in full; 404 for others.",
    responses={200: QuoteSerializer, **ERRORS},
))
class QuoteDetailView(ReadableQuotes, ReadOnlyAPIView, generics.RetrieveAPIView):
    serializer_class = QuoteSerializer
