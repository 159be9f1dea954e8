"""
RSS and Atom feeds: site-wide, per series, per tag and per organization.

Feed readers fetch anonymously and feeds may be cached and passed on, so a feed shows each
report as the public may read it: a complimentary report in full, any other as its title and
summary (the access policy is asked with an anonymous visitor). Images go with the text they
belong to: a complimentary report's all, any other's public cover only; their addresses are answered
under the same policy (reports.media.views).
"""
import re

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.contrib.syndication.views import Feed
from django.shortcuts import get_object_or_404
from django.urls import reverse
from django.utils.feedgenerator import Atom1Feed, Rss201rev2Feed
from django.db.models import Prefetch
from django.utils.html import format_html, format_html_join
from taggit.models import Tag

from reports.models import Organization, Programme, Report, ReportImage, Series

FEED_LENGTH = 30
PUBLIC = AnonymousUser()
# Characters XML 1.0 forbids; pasted text (a vertical tab from a word processor) can carry them.
XML_FORBIDDEN = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def xml_text(text):
    return XML_FORBIDDEN.sub(" ", str(text))


class ReportFeed(Feed):
    """The latest published reports, optionally only those filed under one thing (`scope`)."""

    scope_model = None
    scope_relation = None

    def __init__(self, atom=False):
        super().__init__()
        self.feed_type = Atom1Feed if atom else Rss201rev2Feed

    def get_object(self, request, slug=None):
        return get_object_or_404(self.scope_model, slug=slug) if self.scope_model else None

    def title(self, scope):
        return xml_text(f"{settings.SITE_NAME}: {scope}" if scope else f"{settings.SITE_NAME}: latest reports")

    def link(self, scope):
        return scope.get_absolute_url() if scope else reverse("report_list")

    def description(self, scope):
        return xml_text(f"The latest reports on {scope}." if scope else "The latest reports of the desk.")

    subtitle = description

    def items(self, scope):
        reports = Report.objects.published()
        if scope:
            reports = reports.filter(**{self.scope_relation: scope})
        images = Prefetch("images", queryset=ReportImage.objects.prefetch_related("renditions"), to_attr="feed_images")
        return reports.for_listing().prefetch_related(images)[:FEED_LENGTH]

    def item_title(self, report):
        return xml_text(report.title)

    def item_description(self, report):
        if report.is_readable_by(PUBLIC):
            return xml_text(report.body_html + feed_images(report.feed_images))
        covers = [image for image in report.feed_images if image.public_cover]
        return xml_text(
            format_html("<p>{}</p>{}<p>For subscribers: log in to read the full report.</p>", report.summary, feed_images(covers))
        )

    def item_pubdate(self, report):
        return report.published_at

    def item_updateddate(self, report):
        # A scheduled report enters the feed at its publication time, after its last edit.
        return max(report.updated_at, report.published_at)

    def item_categories(self, report):
        return [xml_text(tag.name) for tag in report.tag_list]

    def item_author_name(self, report):
        return settings.SITE_NAME


def feed_images(images):
    """Each image at its largest rendition, at the site's address (feeds are read away from the site)."""
    site = settings.SITE_URL.rstrip("/")
    return format_html_join(
        "", '<figure><img src="{}{}" width="{}" height="{}" alt="{}"><figcaption>{}</figcaption></figure>',
        ((site, image.fallback.get_absolute_url(), image.width, image.height, image.alt_text, image.caption)
         for image in images if image.fallback is not None),
    )


class SeriesFeed(ReportFeed):
    scope_model = Series
    scope_relation = "series"


class ProgrammeFeed(ReportFeed):
    scope_model = Programme
    scope_relation = "programme"


class TagFeed(ReportFeed):
    scope_model = Tag
    scope_relation = "tags"

    def link(self, tag):
        return reverse("tag_detail", args=[tag.slug])


class OrganizationFeed(ReportFeed):
    scope_model = Organization
    scope_relation = "organizations"
