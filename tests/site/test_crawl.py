"""
Every link answers: for each kind of visitor of the access matrix, a crawl starts at the home page
(and robots.txt, the sitemap and a search) and follows every internal link and every <link rel=alternate>,
the sitemap's and the feeds' addresses and the API's, over the demo content and a generated
corpus. No answer may be a 5xx, and every STIX bundle reached must parse with the stix2 library
in strict mode (no custom content).

The desk's admin is left out (its own tests walk it); so are the logout and other forms, which are
not links. Lists fan out over filters and pages: each path is followed with a few query strings.
"""
import json
import re
from collections import Counter, deque
from html import unescape
from urllib.parse import urljoin, urlsplit

import pytest
import stix2
from django.core.management import call_command

from tests.factories import make_visitor

pytestmark = pytest.mark.django_db

VISITORS = ["anonymous", "registered", "expired", "lower_tier", "active", "institutional", "staff"]
SEEDS = ["/", "/robots.txt", "/sitemap.xml", "/search/?q=militia"]  # and what a person types in the search box
LEFT_OUT = ("/admin/", "/static/", "/accounts/logout/")
PAGES_PER_VISITOR = 3000  # far more than the site has: the crawl ends when nothing new is left
QUERIES_PER_PATH = 2

HTML_LINK = re.compile(r"<(?:a|link)\b[^>]*?\bhref=\"([^\"]+)\"", re.IGNORECASE)
XML_LINK = re.compile(r"<(?:loc|link|id)>([^<]+)</(?:loc|link|id)>|<link\b[^>]*?\bhref=\"([^\"]+)\"")


@pytest.fixture
def content():
    call_command("load_demo", "--password", "crawl-tests-password", verbosity=0)
    call_command("generate_corpus", "--reports", "25", "--seed", "11", "--batch", "25", verbosity=0)


def body_of(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def addresses_in(response, text):
    """The addresses a response points to, as its kind of content carries them."""
    kind = response.get("Content-Type", "")
    if "html" in kind:
        return [unescape(href) for href in HTML_LINK.findall(text)]
    if "xml" in kind:
        return [unescape(loc or href) for loc, href in XML_LINK.findall(text)]
    if "json" in kind:
        found = []

        def walk(value):
            if isinstance(value, dict):
                for item in value.values():
                    walk(item)
            elif isinstance(value, list):
                for item in value:
                    walk(item)
            elif isinstance(value, str) and value.startswith(("http://testserver/", "/")):
                found.append(value)

        walk(json.loads(text))
        return found
    if "text/plain" in kind:  # robots.txt
        return [line.split(":", 1)[1].strip() for line in text.splitlines() if line.lower().startswith("sitemap:")]
    return []


def internal(address, base):
    parts = urlsplit(urljoin(base, address))
    if parts.scheme not in ("http", "https") or parts.netloc not in ("", "testserver"):
        return None
    if parts.path.startswith(LEFT_OUT):
        return None
    return parts.path + (f"?{parts.query}" if parts.query else "")


def crawl(client):
    """Every address reached from the seeds, with its answer: [(address, response)]."""
    queue, seen, per_path, reached = deque(SEEDS), set(SEEDS), Counter(), []
    while queue and len(reached) < PAGES_PER_VISITOR:
        address = queue.popleft()
        response = client.get(address)
        response.crawled_text = body_of(response).decode(errors="replace")
        reached.append((address, response))
        if response.status_code != 200:
            continue
        for found in addresses_in(response, response.crawled_text):
            target = internal(found, f"http://testserver{address}")
            if target is None or target in seen:
                continue
            path = target.split("?")[0]
            if "?" in target and per_path[path] >= QUERIES_PER_PATH:
                continue
            per_path[path] += "?" in target
            seen.add(target)
            queue.append(target)
    return reached


@pytest.mark.parametrize("kind", VISITORS)
def test_every_link_answers_and_every_stix_bundle_is_strict_stix(client, content, kind):
    visitor = make_visitor(kind)
    if visitor is not None:
        client.force_login(visitor)
    reached = crawl(client)
    assert len(reached) < PAGES_PER_VISITOR, "the crawl stopped before it ran out of links"
    failures = [f"{address} answered {response.status_code}" for address, response in reached if response.status_code >= 500]
    assert not failures, "\n".join(failures)
    bundles = [(address, response) for address, response in reached if address.split("?")[0].endswith("stix.json")]
    for address, response in bundles:
        if response.status_code == 200:
            stix2.parse(response.crawled_text, allow_custom=False)
    kinds_reached = {address.split("/")[1] for address, _ in reached}
    assert {"reports", "organizations", "people", "outlets", "series", "tags", "feeds", "search"} <= kinds_reached
    assert any(address.endswith("/print/") for address, _ in reached)
    assert bundles, "no STIX bundle was reached"
