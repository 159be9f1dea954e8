"""sitemap.xml: published reports (what the public may see) and the pages about what they cover."""
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from .models import Organization, Outlet, Person, Report, Series


class ReportSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 10000

    def items(self):
        return Report.objects.published().only("slug", "updated_at").order_by("-published_at", "pk")

    def lastmod(self, report):
        return report.updated_at


class ProfileSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.only("slug").order_by("pk")


class PageSitemap(Sitemap):
    changefreq = "daily"

    def items(self):
        return ["home", "report_list", "subscribe"]

    def location(self, name):
        return reverse(name)


SITEMAPS = {
    "pages": PageSitemap(),
    "reports": ReportSitemap(),
    "series": ProfileSitemap(Series),
    "organizations": ProfileSitemap(Organization),
    "people": ProfileSitemap(Person),
    "outlets": ProfileSitemap(Outlet),
}
