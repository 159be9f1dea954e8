"""
Snippets under search results: a reader's from the summary and a bounded excerpt of the body, the
words the query matched highlighted; anyone else's from the summary alone; and a result page that
never reads a whole body, however long.
"""
import re
from html import unescape

import nh3
import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from reports.models import Report
from reports.models.reports import readable_condition
from reports.search import engine as search
from reports.text.rendering import render_markdown
from tests.factories import ReportFactory, SubscriptionFactory, UserFactory, tier

pytestmark = pytest.mark.django_db
SNIPPET = re.compile(r'<p class="snippet">(.*?)</p>', re.S)
SUMMARY = "The public summary of a militia statement."
# A paragraph of ordinary words, none of them the query's: 80 characters or so.
FILLER = "The speaker repeated earlier claims about shipping lanes and regional alliances.\n\n"


def snippets(client, query, user=None):
    client.logout()
    if user is not None:
        client.force_login(user)
    response = client.get(reverse("search"), {"q": query})
    assert response.status_code == 200
    return SNIPPET.findall(response.content.decode())


def gated_report(body):
    return ReportFactory(
        title="A militia statement", summary=SUMMARY, body=body, required_tier=tier("premium"),
    )


@pytest.fixture
def premium_reader():
    return SubscriptionFactory(tier=tier("premium")).user


def test_a_reader_sees_the_matching_body_words_highlighted_and_the_public_the_summary_alone(client, premium_reader):
    gated_report(FILLER * 20 + "The commander praised the zanzibarite doctrine of the militia.")
    for visitor in (None, UserFactory(), SubscriptionFactory(tier=tier("jttm")).user):
        assert snippets(client, "militia", visitor) == [SUMMARY.replace("militia", "<mark>militia</mark>")]
        assert snippets(client, "statement zanzibarite", visitor) == [], "a word of the body finds nothing for them"
    [shown] = snippets(client, "zanzibarite", premium_reader)
    assert "<mark>zanzibarite</mark> doctrine of the" in shown
    assert shown.startswith("… "), "a window around the match, deep in the body"


def test_a_match_deep_inside_the_bound_is_shown_in_its_window(client, premium_reader):
    report = gated_report(FILLER * (search.EXCERPT_CHARS // (len(FILLER) + 10)) + "Then the zanzibarite doctrine came up.")
    assert 0.9 * search.EXCERPT_CHARS < report.body_html.index("came up.") < search.EXCERPT_CHARS
    [shown] = snippets(client, "zanzibarite", premium_reader)
    assert "Then the <mark>zanzibarite</mark> doctrine came up." in shown


def test_a_200_kb_body_is_read_only_as_far_as_the_bound(client, premium_reader):
    body = FILLER * (200_000 // len(FILLER)) + "At the very end, the zanzibarite doctrine."
    report = gated_report(body)
    assert len(report.body_html) > 200_000
    # Found by the whole body (the index); the snippet, from the bounded excerpt, is its start, unmarked.
    [shown] = snippets(client, "zanzibarite", premium_reader)
    assert shown.startswith(f"{SUMMARY} The speaker repeated") and "<mark>" not in shown and "very end" not in shown
    excerpt = search.with_excerpts(Report.objects.filter(pk=report.pk), readable_condition(premium_reader)).get().excerpt
    assert len(excerpt) == search.EXCERPT_CHARS and report.body_html.startswith(excerpt)
    no_excerpt = search.with_excerpts(Report.objects.filter(pk=report.pk), readable_condition(AnonymousUser())).get().excerpt
    assert no_excerpt is None, "no excerpt for those who may not read it"

    client.force_login(premium_reader)
    with CaptureQueriesContext(connection) as queries:
        client.get(reverse("search"), {"q": "militia"})
    whole_body = [
        query["sql"] for query in queries
        if "body_html" in re.sub(r'SUBSTR(?:ING)?\("reports_report"\."body_html"', "", query["sql"])
    ]
    assert whole_body == [], "the result page reads no body but a bounded excerpt"


def test_an_excerpt_cut_inside_a_tag_or_an_entity_shows_text_only():
    assert search.plain_text('<p>Guns &amp; drones</p>\n<p>More <a href="https://exa') == "Guns & drones\nMore "
    parsed = search.parse_query("drones")
    report = ReportFactory.build(summary="Summary.")
    shown = search.snippet(report, parsed, excerpt='<p>Guns &amp; <em>drones</em> &lt;b&gt;</p><p class="x')
    assert shown == "Summary. Guns &amp; <mark>drones</mark> &lt;b&gt;"



# Stored HTML with what a body may hold: a link whose title holds ">" and quotes, entities, an
# Arabic passage, a table, a footnote marker, a quote's and an image's marker (comments).
BODY = """Intro with &, <angle> and "quotes" [1], see [the "channel" > mirror](https://example.org/a?b=1&c=2 "He said: 'a > b'").

بيان المقاومة الإسلامية
{: dir="rtl" lang="ar" }

| Date | Claim |
|------|-------|
| 2024 | A drone *strike* &mdash; <b>unverified</b> |

[quote 12]

[image 3]

Last line with <abbr title="Islamic State">IS</abbr> and `code <x>`.
"""


def test_an_excerpt_of_stored_html_cut_anywhere_reads_as_a_parser_reads_it():
    html = render_markdown(BODY)
    assert "<!--quote:12-->" in html and "<!--image:3-->" in html and "said: 'a &gt; b'" in html
    for cut in range(len(html) + 1):
        excerpt = html[:cut]
        # A tag the cut left unfinished is dropped; what comes before reads as a parser reads it.
        last_tag = excerpt.rfind("<")
        finished = excerpt[:last_tag] if last_tag >= 0 and ">" not in excerpt[last_tag:] else excerpt
        assert search.plain_text(excerpt) == unescape(nh3.clean(finished, tags=set())), cut
