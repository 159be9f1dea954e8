"""The access matrix's builders: a premium report carrying a unique marker in each kind of gated text, and the kinds of visitor."""
import datetime as dt
import re

from django.utils import timezone

from reports.models import APIToken
from tests import media_files
from tests.factories import (
    FootnoteFactory,
    OrganizationFactory,
    OutletFactory,
    PersonFactory,
    QuoteFactory,
    ReportFactory,
    ReportQuoteFactory,
    SeriesFactory,
    archived_source,
    report_document,
    report_image,
    tier,
)

BODY = "MARKER-BODY-4c1d"
NOTE = "MARKER-FOOTNOTE-9e27"
QUOTE = "MARKER-QUOTE-b83f"
ORIGINAL = "MARKER-ORIGINAL-0a5c"
TITLE = "MARKER-TITLE-77d2"
GATED_MARKERS = {BODY, NOTE, QUOTE, ORIGINAL}
# A report's files are addressed /files/<key>/ (reports.media.views), wherever a response names them.
FILE_ADDRESS = re.compile(r"/files/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/")

# "trial": a free trial of premium running today (reads like "active"); "pending_request": a reader
# whose request for premium waits in the managers' queue (reads like "registered").
VISITORS = [
    "anonymous", "registered", "expired", "lower_tier", "active", "institutional", "staff", "trial", "pending_request",
]
READERS = {"active", "institutional", "staff", "trial"}

# Where the gated text may be shown to a reader, and which part of it.
SHOWN_TO_READERS = {
    "detail": GATED_MARKERS,
    "print": GATED_MARKERS,
    "organization": {QUOTE, ORIGINAL},
    "person": {QUOTE, ORIGINAL},
    "outlet": {QUOTE, ORIGINAL},
    "search": {BODY},  # the snippet: the summary, then the body
}


# Ways a report is for premium subscribers now: from the start, since an access change that has
# happened (complimentary before), or until one to come (complimentary after).
PREMIUM_NOW = ["premium", "premium_since_a_change", "premium_until_a_change"]


def premium_now(history):
    """The report fields of a premium report with that history, for `Desk`."""
    now = timezone.now()
    return {
        "premium": {},
        "premium_since_a_change": {
            "required_tier": None, "access_changes_at": now - dt.timedelta(days=1), "access_after": tier("premium"),
        },
        "premium_until_a_change": {"access_changes_at": now + dt.timedelta(days=1), "access_after": None},
    }[history]


def fetch(client, visitor, url, via):
    """(response, its text) for the visitor, coming with their session or (via="token") an API token of theirs."""
    if visitor is not None and via == "session":
        client.force_login(visitor)
    headers = {}
    if visitor is not None and via == "token":
        headers["HTTP_AUTHORIZATION"] = f"Bearer {APIToken.issue(user=visitor, name='matrix')[1]}"
    response = client.get(url, **headers)
    content = b"".join(response.streaming_content) if response.streaming else response.content
    return response, content.decode()


class Desk:
    """A premium report with every kind of gated text, and everything that points at it."""

    def __init__(self, **report_fields):
        self.series = SeriesFactory()
        self.organization = OrganizationFactory()
        self.person = PersonFactory()
        self.outlet = OutletFactory()
        self.report = ReportFactory(
            series=self.series,
            title=f"Gated report {TITLE}",
            summary="The public summary of the gated report.",
            body=f"Gated analysis {BODY}.[1]",
            **{"required_tier": tier("premium"), **report_fields},
        )
        self.report.tags.add("militias")
        self.report.organizations.add(self.organization)
        self.report.people.add(self.person)
        self.report.outlets.add(self.outlet)
        FootnoteFactory(report=self.report, position=1, text=f"Source {NOTE}")
        quote = QuoteFactory(
            person=self.person, organization=self.organization, outlet=self.outlet,
            translation=f"We will strike {QUOTE}", original_text=f"سنضرب {ORIGINAL}",
        )
        ReportQuoteFactory(report=self.report, quote=quote)
        self.free_report = ReportFactory(series=self.series, title="A free report on the same militias")
        self.free_report.tags.add("militias")
        self.free_report.related_reports.add(self.report)

    def surfaces(self):
        slug = self.report.slug
        return {
            "detail": f"/reports/{slug}/",
            "print": f"/reports/{slug}/print/",
            "home": "/",
            "list": "/reports/",
            "list_filtered": f"/reports/?organization={self.organization.slug}&tag=militias",
            "related": self.free_report.get_absolute_url(),
            "series": self.series.get_absolute_url(),
            "tag": "/tags/militias/",
            "organization": self.organization.get_absolute_url(),
            "person": self.person.get_absolute_url(),
            "outlet": self.outlet.get_absolute_url(),
            "feed_rss": "/feeds/rss/",
            "feed_atom": "/feeds/atom/",
            "series_feed": f"/series/{self.series.slug}/rss/",
            "tag_feed": "/tags/militias/atom/",
            "organization_feed": f"/organizations/{self.organization.slug}/rss/",
            "sitemap": "/sitemap.xml",
            "search": f"/search/?q={TITLE.rsplit('-', 1)[1]}",  # found by its title, for everyone
        }

    def add_files(self):
        """
        The report's files: an image in the text, a document of its quote, archived copies of the
        quote's and the note's sources (all gated with the text), and an image marked as the public
        cover (the teaser's). Returns (gated files with every rendition, the cover's addresses).
        """
        report, quote_number = self.report, self.report.report_quotes.get().position
        image = report_image(report, media_files.jpeg(width=64, height=48), position=1, alt_text="A gated image")
        cover = report_image(report, media_files.jpeg(width=64, height=48), position=2, alt_text="The cover", public_cover="on")
        gated = [
            image, *image.renditions.all(),
            report_document(report, media_files.pdf(), quote_number=quote_number),
            archived_source(report, media_files.png(width=40, height=30), cites="quote", number=quote_number),
            archived_source(report, media_files.html_snapshot(), cites="note", number=1),
        ]
        return gated, {item.get_absolute_url() for item in (cover, *cover.renditions.all())}
