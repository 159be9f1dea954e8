"""
Public pages. Every view starts from the access policy on `Report.objects`; none filters by hand.
"""
from django.utils.cache import add_never_cache_headers, patch_cache_control, patch_vary_headers
from django.views.generic import DetailView, ListView

from .models import Organization, Outlet, Person, Report, Series

TEASER_RELATIONS = ["series", "required_tier"]


class HomeView(ListView):
    template_name = "reports/home.html"
    context_object_name = "reports"
    paginate_by = 20

    def get_queryset(self):
        return Report.objects.published().select_related(*TEASER_RELATIONS).prefetch_related("tags")


class ReportDetailView(DetailView):
    context_object_name = "report"

    def get_queryset(self):
        return (
            Report.objects.viewable_by(self.request.user)
            .select_related(*TEASER_RELATIONS)
            .prefetch_related("tags", "organizations", "people", "outlets", "countries")
        )

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        report = self.object
        context["can_read"] = report.is_readable_by(self.request.user)
        if context["can_read"]:
            context["footnotes"] = report.footnotes.select_related("outlet")
            context["quotes"] = report.quotes.select_related("person", "organization", "outlet").order_by(
                "report_quotes__position"
            )
        return context

    def render_to_response(self, context, **response_kwargs):
        response = super().render_to_response(context, **response_kwargs)
        report = self.object
        if not report.is_published():
            add_never_cache_headers(response)
        elif context["can_read"] and not report.is_complimentary:
            # Gated text: no shared cache may keep this page for someone else.
            patch_cache_control(response, private=True)
            patch_vary_headers(response, ["Cookie"])
        return response


class ReportsAboutMixin:
    """A page about one thing (series, organization, person, outlet) listing the reports on it."""

    reports_relation = None

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["reports"] = (
            Report.objects.published()
            .filter(**{self.reports_relation: self.object})
            .select_related(*TEASER_RELATIONS)
            .prefetch_related("tags")[:50]
        )
        return context


class SeriesDetailView(ReportsAboutMixin, DetailView):
    model = Series
    reports_relation = "series"


class OrganizationDetailView(ReportsAboutMixin, DetailView):
    reports_relation = "organizations"
    queryset = Organization.objects.select_related("parent", "state_sponsor").prefetch_related("aliases")


class PersonDetailView(ReportsAboutMixin, DetailView):
    reports_relation = "people"
    queryset = Person.objects.prefetch_related("aliases", "roles__organization")


class OutletDetailView(ReportsAboutMixin, DetailView):
    reports_relation = "outlets"
    queryset = Outlet.objects.select_related("country").prefetch_related("aliases")
