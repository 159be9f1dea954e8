"""`manage.py generate_corpus`: N realistic reports with their entities, notes, quotes and tags, for benchmarks."""
import io
import re
from collections import Counter

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.management import call_command
from django.db.models import Count
from django.utils import timezone
from django.utils.html import strip_tags
from taggit.models import Tag

from reports.models import (
    Footnote,
    Organization,
    Outlet,
    Person,
    Quote,
    Report,
    ReportQuote,
)
from reports.models.reports import readable_condition
from reports.search.engine import (
    parse_query,
    search_reports,
    search_words,
    stem,
    word_match,
)
from tests.factories import SubscriptionFactory, tier

pytestmark = pytest.mark.django_db


def generate(count, seed=7, *args):
    out = io.StringIO()
    call_command("generate_corpus", "--reports", str(count), "--seed", str(seed), *args, stdout=out)
    return out.getvalue()


def titles():
    return list(Report.objects.order_by("pk").values_list("title", flat=True))


def test_it_adds_n_reports_with_entities_footnotes_quotes_and_tags():
    output = generate(30)
    assert "Added 30 reports" in output
    reports = Report.objects.annotate(
        organization_count=Count("organizations", distinct=True),
        outlet_count=Count("outlets", distinct=True),
        footnote_count=Count("footnotes", distinct=True),
    )
    assert reports.count() == 30
    for report in reports:
        assert 1 <= report.organization_count <= 4
        assert 1 <= report.outlet_count <= 2
        assert 1 <= report.footnote_count <= 5
        assert 2 <= len(report.tags.all()) <= 6
        assert report.series_id and report.summary
        assert 150 <= len(report.body.split()) <= 450
    assert Person.objects.filter(reports__isnull=False).exists()
    assert 0 < ReportQuote.objects.count() <= 90
    assert not Quote.objects.filter(person=None, organization=None).exists()


def test_the_pool_has_entities_with_their_spellings():
    generate(1)
    assert Organization.objects.count() >= 60
    assert Person.objects.count() >= 150
    assert Outlet.objects.count() >= 40
    assert Tag.objects.count() >= 200
    assert {"Hezbollah", "Hizballah"} <= set(Organization.objects.get(slug="hizbullah").aliases.values_list("name", flat=True))
    assert list(Organization.objects.named("Kataib Hezbollah").values_list("slug", flat=True)) == ["kataib-hizbullah"]
    assert list(Person.objects.named("Adil al-Karawi").values_list("slug", flat=True)) == ["adel-al-karawi"]
    assert Person.objects.filter(aliases__isnull=False).distinct().count() >= 140


def test_the_same_seed_gives_the_same_titles():
    generate(30, 11)
    first = titles()
    generate(30, 11)
    assert titles()[30:] == first
    generate(30, 12)
    assert titles()[60:] != first


def test_running_twice_adds_n_more_with_unique_slugs_and_numbers():
    generate(30)
    pool = (Organization.objects.count(), Person.objects.count(), Outlet.objects.count(), Tag.objects.count())
    generate(30)
    assert Report.objects.count() == 60
    assert Report.objects.values("slug").distinct().count() == 60
    numbered = Report.objects.exclude(number=None)
    assert numbered.values("series", "number").distinct().count() == numbered.count() > 0
    assert (Organization.objects.count(), Person.objects.count(), Outlet.objects.count(), Tag.objects.count()) == pool


def test_statuses_and_access_are_mixed_as_on_the_desk():
    generate(200, 3)
    now = timezone.now()
    states = Counter(
        Report.SCHEDULED if report.status == Report.Status.PUBLISHED and report.published_at > now else report.status
        for report in Report.objects.all()
    )
    assert states[Report.Status.PUBLISHED] >= 180
    assert states[Report.Status.DRAFT] >= 1
    assert states[Report.Status.DRAFT] + states[Report.Status.WITHDRAWN] + states[Report.SCHEDULED] <= 20
    published = Report.objects.published()
    assert published.filter(published_at__lt=now - timezone.timedelta(days=5 * 365)).exists()
    access = Counter(report.required_tier.slug if report.required_tier else "free" for report in Report.objects.all())
    assert 10 <= access["free"] <= 50
    assert access["jttm"] >= 60 and access["premium"] >= 30


def test_bodies_render_links_to_every_footnote():
    generate(30)
    for report in Report.objects.annotate(footnote_count=Count("footnotes")):
        linked = re.findall(r'<a href="#fn-(\d+)"', report.body_html)
        assert linked == [str(n) for n in range(1, report.footnote_count + 1)]
    assert Footnote.objects.count() >= 30


def test_a_dry_run_prints_titles_and_writes_nothing():
    output = generate(5, 11, "--dry-run")
    assert "Dry run: 5 reports would be added" in output
    assert not Report.objects.exists()
    generate(5, 11)
    assert all(title in output for title in titles())


def test_the_reports_are_indexed_for_search():
    generate(30)
    report = Report.objects.published().filter(required_tier=None).first()
    assert report in search_reports(report.title, AnonymousUser())


def test_a_body_word_is_found_by_readers_alone_after_generation_and_after_a_save(django_capture_on_commit_callbacks):
    generate(30)
    reader = SubscriptionFactory(tier=tier("premium")).user
    report = Report.objects.published().exclude(required_tier=None).first()
    # A word of the body alone: the report's notes and quotes are gated text too, and stay.
    notes_and_quotes = [note.text for note in report.footnotes.all()]
    notes_and_quotes += [text for quote in report.quotes.all() for text in (quote.translation, quote.original_text)]
    body_words = set(search_words(strip_tags(report.body_html))) - set(report.search_public.split())
    body_words -= set(search_words(" ".join(notes_and_quotes)))
    word = next(
        word for word in sorted(body_words)
        if stem(word) == word and not Report.objects.filter(search_public__contains=f" {word} ").exists()
    )
    assert report in search_reports(word, reader)
    assert report not in search_reports(word, AnonymousUser())
    with django_capture_on_commit_callbacks(execute=True):
        report.body = "A paragraph on the zanzibarite doctrine."
        report.save()
    assert list(search_reports("zanzibarite", reader)) == [report]
    assert list(search_reports("zanzibarite", AnonymousUser())) == []
    assert report not in search_reports(word, reader)


def test_the_vectors_find_what_the_stored_words_find():
    """PostgreSQL's vectors, built in SQL, hold the same words as the documents other databases search."""
    generate(30)
    reader = SubscriptionFactory(tier=tier("jttm")).user
    for query in ["hizbullah", "statement", "militia -iraq", '"red sea"', "drone OR rocket"]:
        parsed = parse_query(query)
        for user in (AnonymousUser(), reader):
            readable = readable_condition(user)
            by_words = Report.objects.published().filter(
                (readable & word_match(parsed, "search_full")) | (~readable & word_match(parsed, "search_public"))
            )
            assert set(search_reports(parsed, user)) == set(by_words), query
