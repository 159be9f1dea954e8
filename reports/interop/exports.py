"""
Downloads for intelligence users: STIX 2.1 bundles of a report, an organization or a person, and
CSV tables of a speaker's quotes and of the report list with its filters.

Each starts from the access policy: a report's bundle only for someone who may read the report
(anonymous visitors are sent to log in, others get a 403, as on the site); a profile's bundle and
its quotes table only with the quotes `Quote.objects.readable_by(user)` gives; the report table
only with what every report's teaser shows to everyone. Published reports only: machine readers
should never ingest an unreleased text, and STIX requires a publication time.
"""
import json

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from django.views import View

from reports.cache.privacy import for_this_caller
from reports.interop.downloads import csv_response
from reports.interop.stix import (
    MEDIA_TYPE,
    organization_bundle,
    person_bundle,
    report_bundle,
)
from reports.models import Organization, Outlet, Person, Quote, Report
from reports.site.forms import ReportFilterForm

REPORT_COLUMNS = ["title", "reference", "date", "series", "access", "tags", "url"]
QUOTE_COLUMNS = [
    "date", "speaker", "organization", "outlet", "original_language", "original_text", "translation", "reports",
]


def stix_response(bundle, filename):
    response = HttpResponse(json.dumps(bundle, ensure_ascii=False, indent=2), content_type=MEDIA_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return for_this_caller(response)


def local_date(moment):
    return timezone.localtime(moment).date().isoformat() if moment else ""


class ReportStixView(View):
    """/reports/<slug>/stix.json: the bundle of a published report, for those who may read it."""

    def get(self, request, slug):
        report = get_object_or_404(
            Report.objects.published().select_related("series", "required_tier", "access_after").prefetch_related("tags"), slug=slug
        )
        if not report.is_readable_by(request.user):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            raise PermissionDenied("This report is for subscribers of a higher tier.")
        return stix_response(report_bundle(report, request.build_absolute_uri), f"{report.slug}.stix.json")


class ProfileStixView(View):
    """/organizations/<slug>/stix.json, /people/<slug>/stix.json: public facts and readable quotes."""

    model = None
    build = None

    def get(self, request, slug):
        entity = get_object_or_404(self.model, slug=slug)
        bundle = self.build(entity, request.user, request.build_absolute_uri)
        return stix_response(bundle, f"{entity.slug}.stix.json")


class OrganizationStixView(ProfileStixView):
    model = Organization
    build = staticmethod(organization_bundle)


class PersonStixView(ProfileStixView):
    model = Person
    build = staticmethod(person_bundle)


class QuotesCsvView(View):
    """/<organizations|people|outlets>/<slug>/quotes.csv: the quotes of a speaker or outlet the visitor may read."""

    model = None
    quotes_relation = None

    def get(self, request, slug):
        entity = get_object_or_404(self.model, slug=slug)
        quotes = (
            Quote.objects.readable_by(request.user).filter(**{self.quotes_relation: entity}).with_speakers_and_reports()
        )
        rows = (
            [
                quote.said_on.isoformat() if quote.said_on else "",
                quote.person or "",
                quote.organization or "",
                quote.outlet or "",
                quote.original_language,
                quote.original_text,
                quote.translation,
                " ".join(request.build_absolute_uri(report.get_absolute_url()) for report in quote.published_reports),
            ]
            for quote in quotes
        )
        return csv_response(f"{entity.slug}-quotes.csv", QUOTE_COLUMNS, rows)


class OrganizationQuotesCsvView(QuotesCsvView):
    model = Organization
    quotes_relation = "organization"


class PersonQuotesCsvView(QuotesCsvView):
    model = Person
    quotes_relation = "person"


class OutletQuotesCsvView(QuotesCsvView):
    model = Outlet
    quotes_relation = "outlet"


class ReportListCsvView(View):
    """/reports/export.csv?…: the report list with the same filters as the page, teaser columns only."""

    def get(self, request):
        filters = ReportFilterForm(request.GET)
        reports = filters.filter(Report.objects.published().for_listing())
        rows = (
            [
                report.title,
                report.reference,
                local_date(report.published_at),
                report.series,
                report.access_tier or "Free",
                ", ".join(tag.name for tag in report.tag_list),
                request.build_absolute_uri(report.get_absolute_url()),
            ]
            for report in reports.iterator(chunk_size=500)
        )
        return csv_response("reports.csv", REPORT_COLUMNS, rows)
