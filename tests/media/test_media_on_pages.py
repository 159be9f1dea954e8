"""
What a report's page shows of its files: images where the text places them (or after it), sized
before they load, with caption and credit; beside each quote and note, its archived copies with
their SHA-256, for readers only; the public teaser shows the public cover and nothing else.
"""
import re

import pytest
import stix2

from tests import media_files
from tests.factories import (
    FootnoteFactory,
    OutletFactory,
    ReportFactory,
    ReportQuoteFactory,
    SubscriptionFactory,
    archived_source,
    report_document,
    report_image,
    tier,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def report(db):
    made = ReportFactory(required_tier=tier("premium"), body="Before the image [1].\n\n[image 2]\n\nAfter the image.\n\n[quote 1]\n")
    FootnoteFactory(report=made, position=1, url="https://example.org/statement")
    ReportQuoteFactory(report=made, position=1, quote__url="https://t.me/brigade_channel/4711")
    return made


def page_for(client, report, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(report.get_absolute_url()).content.decode()


def test_images_stand_where_the_text_places_them_sized_before_they_load(client, report):
    report_image(report, media_files.jpeg(width=1200, height=800), position=1, alt_text="Not placed", caption="Follows the text")
    placed = report_image(report, media_files.jpeg(width=1200, height=800), position=2, alt_text="Placed",
                          caption="The convoy", credit_outlet=OutletFactory(name="Al-Ahd").pk, credit_date="2026-03-01")
    page = page_for(client, report, SubscriptionFactory(tier=tier("premium")).user)
    assert page.index("Before the image") < page.index('alt="Placed"') < page.index("After the image") < page.index('alt="Not placed"')
    img = re.search(r'<img [^>]*alt="Placed"[^>]*>', page).group(0)
    assert 'width="1200" height="800"' in img and "sizes=" in img
    webp = {rendition.width: rendition.get_absolute_url() for rendition in placed.renditions.filter(format="webp")}
    assert f'srcset="{webp[480]} 480w, {webp[960]} 960w, {webp[1200]} 1200w"' in page
    assert "The convoy" in page and "Credit:" in page and "Al-Ahd" in page and "March 1, 2026" in page


def test_readers_see_archived_copies_beside_the_source_with_their_hash_the_public_only_the_cover(client, report):
    quote_copy = archived_source(report, media_files.png(), cites="quote", number=1)
    note_copy = archived_source(report, media_files.html_snapshot(), cites="note", number=1)
    document = report_document(report, media_files.pdf(), title="The brigade's statement")
    cover = report_image(report, media_files.jpeg(), position=1, alt_text="Public cover", public_cover="on")
    inside = report_image(report, media_files.jpeg(), position=2, alt_text="For readers")
    files = [quote_copy, note_copy, document, inside.renditions.first()]

    page = page_for(client, report, SubscriptionFactory(tier=tier("premium")).user)
    quote = page[page.index('<figure class="quote">'):]
    quote = quote[: quote.index("</figure>")]
    assert re.search(r'href="https://t.me/brigade_channel/4711"[^>]*>Source</a>\s*<span class="archived-source"><a href="'
                     + quote_copy.get_absolute_url(), quote)
    assert quote_copy.sha256 in quote
    note = page[page.index('id="fn-1"'):]
    note = note[: note.index("</li>")]
    assert note_copy.get_absolute_url() in note and note_copy.sha256 in note and "archived copy" in note
    assert all(item.get_absolute_url() in page for item in files)

    public = page_for(client.__class__(), report)
    assert 'alt="Public cover"' in public and cover.renditions.first().get_absolute_url() in public
    assert not any(item.get_absolute_url() in public for item in files)
    assert "archived copy" not in public and quote_copy.sha256 not in public and 'alt="For readers"' not in public


def test_feeds_carry_a_complimentary_reports_images_and_of_a_gated_one_its_cover_only(client, report):
    free = ReportFactory(title="A complimentary report")
    free_image = report_image(free, media_files.jpeg(), alt_text="Free image")
    cover = report_image(report, media_files.jpeg(), alt_text="Gated cover", public_cover="on")
    inside = report_image(report, media_files.jpeg(), position=2, alt_text="Gated image")
    feed = client.get("/feeds/rss/").content.decode()
    site = "http://127.0.0.1:8000"
    assert f"{site}{free_image.fallback.get_absolute_url()}" in feed and "Free image" in feed
    assert f"{site}{cover.fallback.get_absolute_url()}" in feed and "Gated cover" in feed
    assert inside.fallback.get_absolute_url() not in feed and "Gated image" not in feed


def test_the_api_lists_a_reports_files_for_its_readers_only(client, report):
    source = archived_source(report, media_files.png(), cites="quote", number=1)
    image = report_image(report, media_files.jpeg(), alt_text="In the API")
    url = f"/api/v1/reports/{report.slug}/"
    public = client.get(url).json()
    assert public["images"] is public["documents"] is public["archived_sources"] is None
    client.force_login(SubscriptionFactory(tier=tier("premium")).user)
    data = client.get(url).json()
    assert data["archived_sources"][0]["url"] == f"http://testserver{source.get_absolute_url()}"
    assert data["archived_sources"][0]["sha256"] == source.sha256
    assert data["images"][0]["alt_text"] == "In the API" and len(data["images"][0]["renditions"]) == image.renditions.count()


def test_a_reports_stix_bundle_names_its_files_with_their_hashes(client, report):
    """Only readers get the bundle at all; it refers to each file by its address and SHA-256, and validates."""
    source = archived_source(report, media_files.png(), cites="quote", number=1)
    document = report_document(report, media_files.pdf(), title="The statement")
    client.force_login(SubscriptionFactory(tier=tier("premium")).user)
    bundle = client.get(f"/reports/{report.slug}/stix.json").json()
    stix2.parse(bundle, allow_custom=False)
    [described] = [item for item in bundle["objects"] if item["type"] == "report"]
    files = {ref["url"]: ref for ref in described["external_references"] if "hashes" in ref}
    assert files[f"http://testserver{source.get_absolute_url()}"]["hashes"] == {"SHA-256": source.sha256}
    assert "Archived copy of the source of quote 1: https://t.me/channel/1234" in files[f"http://testserver{source.get_absolute_url()}"]["description"]
    assert files[f"http://testserver{document.get_absolute_url()}"]["hashes"] == {"SHA-256": document.sha256}


def test_teasers_in_lists_show_the_public_cover_and_no_other_image(client, report):
    cover = report_image(report, media_files.jpeg(width=600, height=400), alt_text="The teaser cover", public_cover="on")
    inside = report_image(report, media_files.jpeg(), position=2, alt_text="Inside the report")
    for address in ("/", "/reports/", report.series.get_absolute_url()):
        page = client.get(address).content.decode()
        teaser = re.search(r'<article class="teaser">.*?</article>', page[page.index(report.title) - 2000:], re.S).group(0)
        assert 'alt="The teaser cover"' in teaser and 'width="600" height="400"' in teaser, address
        assert cover.renditions.filter(format="webp").first().get_absolute_url() in teaser
        assert "Inside the report" not in page and inside.renditions.first().get_absolute_url() not in page


def test_a_file_added_or_removed_shows_at_once_on_pages_the_caches_kept(client):
    """Files are on pages (reports/signals.py): their saves and deletions replace the pages the caches keep."""
    free = ReportFactory(title="A complimentary report", body="Text.")
    reader = client.__class__()
    reader.force_login(SubscriptionFactory(tier=tier("premium")).user)
    for visitor in (client, reader):
        assert "Added later" not in visitor.get(free.get_absolute_url()).content.decode()
    assert client.get(free.get_absolute_url())["X-Page-Cache"] == "hit"
    assert reader.get(free.get_absolute_url())["X-Content-Cache"] == "hit"
    image = report_image(free, media_files.jpeg(), alt_text="Added later")
    for visitor in (client, reader):
        assert 'alt="Added later"' in visitor.get(free.get_absolute_url()).content.decode()
    image.delete()
    for visitor in (client, reader):
        assert 'alt="Added later"' not in visitor.get(free.get_absolute_url()).content.decode()


def test_link_previews_show_the_public_cover_to_everyone_and_no_other_image(client, report):
    cover = report_image(report, media_files.jpeg(width=1200, height=800), alt_text="Cover for previews", public_cover="on")
    report_image(report, media_files.jpeg(), position=2, alt_text="Inside")
    preview = f'<meta property="og:image" content="http://testserver{cover.fallback.get_absolute_url()}">'
    for user in (None, SubscriptionFactory(tier=tier("premium")).user):
        if user is not None:
            client.force_login(user)
        page = client.get(report.get_absolute_url()).content.decode()
        head = page[: page.index("</head>")]
        assert preview in head and '<meta property="og:image:alt" content="Cover for previews">' in head
        assert head.count('property="og:image"') == 1 and 'content="summary_large_image"' in head
        assert client.get(cover.fallback.get_absolute_url()).status_code == 200
