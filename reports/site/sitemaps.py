"""sitemap.xml: published reports (what the public may see) and the pages about what they cover."""
from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from reports.models import Organization, Outlet, Person, Programme, Report, Series
from reports.models.reports import tags_in_use


class ReportSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.8
    limit = 10000

    def items(self):
        return Report.objects.published().only("slug", "updated_at", "published_at").order_by("-published_at", "pk")

    def lastmod(self, report):
        return max(report.updated_at, report.published_at)


class ProfileSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.5

    def __init__(self, model):
        self.model = model

    def items(self):
        return self.model.objects.only("slug").order_by("pk")


class TagSitemap(Sitemap):
    changefreq = "weekly"
    priority = 0.4

    def items(self):
        return tags_in_use().order_by("pk")

    def location(self, tag):
        return reverse("tag_detail", args=[tag.slug])


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
    "programmes": ProfileSitemap(Programme),
    "tags": TagSitemap(),
    "organizations": ProfileSitemap(Organization),
    "people": ProfileSitemap(Person),
    "outlets": ProfileSitemap(Outlet),
}
