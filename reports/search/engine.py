"""
Full-text search over reports, paywall-safe and transliteration-aware.

Every report keeps two search documents (see `Report.search_public`): the folded, stemmed words of
what everyone may read (title, summary, tags, linked entities and all their aliases) and of that
plus its gated text (body, footnotes, quotes). A visitor's query is matched against the full
document of the reports they may read and against the public document of the others, so a word
that occurs only in gated text neither finds a report, nor changes a count, a page or a rank, for
someone who may not read it. On PostgreSQL the documents are weighted tsvectors with GIN indexes
(title A, summary B, tags and entities C, gated text D); other databases find the same reports by
matching the stored words.

Every match is reachable, a page at a time (`search_page`), each page after the key of the one
before (`PageKey`: the last row's sort key, signed, so a forged one is refused, never run), and each
page reads a bounded number of rows whatever its number and however common the word: the matches
after a key are looked for in bands of publication time (`newest_matches`: the next 2,000 reports,
then a span three times as long, then nine times, then the rest, each band only if those before fell
short), so a common word is answered by walking the (status, -published_at, -id) index from the key,
a rare one from the GIN index. Newest first, a page is the next matches after the last row's (time,
id). By relevance, matches are ranked in stretches of recency: the newest RANKED (100) matches
ranked together (ts_rank over the public vector, then time, then id), then the RANKED before them,
and so on; a key holds where its stretch starts and the last row's (rank, time, id) in it. Why
stretches, measured at 100,000 reports (PostgreSQL 15, 2 busy cores): one order by rank over every
match (ORDER BY ts_rank, time, id LIMIT 21) took 580-660 ms for "statement" for a premium reader
(94,660 matches, each ranked) and 195-200 ms for an anonymous visitor, 270-290 ms for "Hizbullah";
it grows with the matches, and every page after the first costs the same again. Ranking a bounded
candidate set instead (the newest 2,000 matches: 13-23 ms) is cheap but leaves the matches outside
it unranked all the same, which is what stretches do, with a smaller set: a page of a stretch costs
one band search and ts_rank over at most 100 public vectors (bench/results/search.md: page 5 as
cheap as page 1), and a common word stays as cheap as a rare one. The price is the order's meaning:
the best matches come first within each hundred, newer hundreds first, which the page says. Ranking
uses the public vector for readers too: a match in the title, summary or names comes first and
body-only matches follow by date (ts_rank over the full vector, ~3 KB out of line, costs several
times more and would only order matches within the body).

A count is exact up to COUNT_LIMIT (1,000) and estimated past it from a sample of the table
(`count_matches`), matched as the visitor's search is, so neither reveals gated text; a first page
that found fewer matches than it looked for found them all, and is its own count.

Queries use web-search syntax: words (all must match), "a phrase", `OR` between alternatives and
`-word` to exclude. Words are folded by `reports.search.names.normalize_name` (the same folding as alias
lookup), then an English word is stemmed and any other word (a name, a transliterated term, Arabic
script) is replaced by its spelling key (`reports.search.spelling`), in documents and queries alike:
every spelling of a name then finds the same reports, in every text field. The documents are built
here, word by word, and given to PostgreSQL as tsvectors (and queries as tsqueries) without its
parser, so that both databases hold and compare exactly the same words.
"""
import datetime as dt
import functools
import hashlib
import itertools
import operator
import re
import threading
import weakref
from dataclasses import dataclass
from functools import reduce
from html import escape, unescape

import snowballstemmer
from django.contrib.postgres.search import SearchQuery
from django.core import signing
from django.db import connection, transaction
from django.db.models import Case, DateTimeField, Expression, IntegerField, Q, TextField, Value, When
from django.db.models.functions import Substr
from django.dispatch import Signal
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.html import strip_tags
from django.utils.safestring import mark_safe

from reports.models import Organization, Outlet, Person, Report
from reports.models.media import reader_text_parts
from reports.models.reports import LINK_KINDS, filed_under, readable_parts
from reports.search.names import normalize_name
from reports.search.spelling import spelling_keys
from reports.text.reading import reader_text

STEMMER = snowballstemmer.stemmer("english")
INDEX_BATCH = 500
# Matches ranked together by relevance: the newest RANKED, then the RANKED before them, and so on
# (see the module's docstring); fewer when that makes whole pages.
RANKED = 100
# Matches counted exactly at most; past them the count is an estimate (count_matches).
COUNT_LIMIT = 1000
# Rows of the table the estimate looks at, whole pages of them (each a full document read, for a
# reader: ~5 ms at 500); an estimate of at least ESTIMATE_OVER matches is taken without counting
# (with 500 rows, 15 matches in the sample where 1,000 in 100,000 reports would give 5).
SAMPLE_ROWS = 500
ESTIMATE_OVER = 3 * COUNT_LIMIT
# The bands of reports a search looks through in turn (see newest_matches): the newest FIRST_BAND ×
# RANKED, then those of a span NEXT_BAND times as long before them, and so on; the last of BANDS
# the rest. The fewer times as long, the fewer matches of a word of middling frequency read in
# the band that completes a page (each a full document read, for a phrase).
FIRST_BAND = 20
NEXT_BAND = 3
BANDS = 4
SNIPPET_WORDS = 40
# How much of a readable report's body (characters of its HTML) a snippet looks for the query in:
# about 3,000 words: the whole of a report of ordinary length (the benchmark corpus's are 2-3 KB),
# the first ten printed pages or so of a long transcript. Stripping and scanning that much costs
# about a millisecond a result at most (each distinct word folded once per process: `token_lexemes`).
EXCERPT_CHARS = 20_000
# A tag or a comment of HTML as the site stores it (no ">" inside: nh3 writes it "&gt;" in
# attribute values too), or one cut short by the end of an excerpt.
TAG = re.compile(r"<[^>]*(?:>|\Z)")
# PostgreSQL's limits: a lexeme of at most 2,046 bytes, positions up to 16,383, 256 of them a lexeme.
LONGEST_LEXEME = 2046
LAST_POSITION = 16383
POSITIONS_PER_LEXEME = 256


def words(text):
    """The folded words of `text`: 'Adel Al-Kar'awi' -> ['adel', 'karawi']."""
    return normalize_name(text).split()


@functools.lru_cache(maxsize=200_000)
def stem(word):
    # A corpus repeats a small vocabulary: stemming each distinct word once makes indexing ~3× faster.
    return STEMMER.stemWord(word)


@functools.lru_cache(maxsize=200_000)
def lexemes(word):
    """
    What a folded word is stored and compared as: its spelling key (or the keys of a compound's
    parts: 'nasrallah' -> '~nasr', '~allah'), else its stem; nothing for a word too long to index.
    """
    if len(word.encode()) > LONGEST_LEXEME:
        return ()
    return spelling_keys(word) or (stem(word),)


def search_words(text):
    """The words of `text` as documents and queries store and compare them (see `lexemes`)."""
    return [lexeme for word in words(text) for lexeme in lexemes(word)]


# -- Documents ---------------------------------------------------------------------------------


def entity_names(entities):
    return [spelling for entity in entities for spelling in [entity.name, *(alias.name for alias in entity.aliases.all())]]


def document_parts(report):
    """(title, summary, names, gated text) of a report, as plain text."""
    names = [tag.name for tag in report.tags.all()]
    names += entity_names([*report.organizations.all(), *report.people.all(), *report.outlets.all()])
    gated = [strip_tags(report.body_html)]
    gated += [note.text for note in report.footnotes.all()]
    gated += [text for quote in report.quotes.all() for text in (quote.translation, quote.original_text)]
    return report.title, report.summary, " ".join(names), " ".join(gated)


# One UPDATE per batch on PostgreSQL, the vectors given as tsvector literals (`tsvector`).
UPDATE_VECTORS = """
    UPDATE reports_report AS report
    SET search_public = batch.public_words, search_full = batch.full_words,
        search_vector_public = batch.public_vector::tsvector, search_vector_full = batch.full_vector::tsvector
    FROM (VALUES {rows}) AS batch (id, public_words, full_words, public_vector, full_vector)
    WHERE report.id = batch.id
"""
WEIGHTS = "ABCD"  # title, summary, names, gated text


def quoted(lexeme):
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


def tsvector(parts):
    """
    A tsvector literal of documents' parts (lists of words, weighted A, B, C, D in turn), positions
    running on from part to part as PostgreSQL's || does: what to_tsvector would make of the words,
    were they given to it one by one.
    """
    positions = {}
    position = 0
    for weight, part in zip(WEIGHTS, parts):
        for lexeme in part:
            position = min(position + 1, LAST_POSITION)
            held = positions.setdefault(lexeme, [])
            if len(held) < POSITIONS_PER_LEXEME and (not held or held[-1][0] != position):
                held.append((position, weight))
    return " ".join(
        quoted(lexeme) + ":" + ",".join(f"{at}{'' if weight == 'D' else weight}" for at, weight in held)
        for lexeme, held in positions.items()
    )


# Sent once `index_reports` has written new documents: what was found with the old ones is stale
# (reports/signals.py tells the cache).
reports_indexed = Signal()


def index_reports(reports):
    """
    Make again the search documents of these reports (any Report queryset) and the parts their
    pages keep (Report.reader_text_html, Report.filed_under), in batches. Each batch locks its
    reports until it has written them and cleared their `derived_pending`: a save that commits
    meanwhile waits, then marks them again, so what is cleared is never older than a commit.
    Then sends `reports_indexed`.
    """
    ids = list(reports.order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), INDEX_BATCH):
        with transaction.atomic():
            batch = list(
                Report.objects.filter(pk__in=ids[start : start + INDEX_BATCH])
                .order_by("pk")
                .select_for_update()
                .prefetch_related(*DOCUMENT_SOURCES)
            )
            index_batch(batch)
    reports_indexed.send(sender=Report)


# What a report's documents and the links it keeps are made of, read for a whole batch at once; its
# text is made by the page's own code (`reader_text_parts`), so that it is the page's.
DOCUMENT_SOURCES = ("tags", "organizations__aliases", "people__aliases", "outlets__aliases", "countries", "footnotes", "quotes")


def index_batch(batch):
    documents = []
    for report in batch:
        parts = [search_words(part) for part in document_parts(report)]
        public, full = " ".join(word for part in parts[:3] for word in part), " ".join(parts[3])
        report.search_public = f" {public} "
        report.search_full = f" {public} {full} " if full else f" {public} "
        documents.append((report.pk, report.search_public, report.search_full, tsvector(parts[:3]), tsvector(parts)))
        report.reader_text_html = reader_text(report, reader_text_parts(report))
        report.filed_under = filed_under({kind: getattr(report, kind).all() for kind in LINK_KINDS})
        report.has_public_cover = report.images.filter(public_cover=True).exists()
        report.derived_pending = False
    stored = ["reader_text_html", "filed_under", "has_public_cover", "derived_pending"]
    if connection.vendor == "postgresql":
        rows = ", ".join(["(%s::bigint, %s, %s, %s, %s)"] * len(documents))
        with connection.cursor() as cursor:
            cursor.execute(UPDATE_VECTORS.format(rows=rows), [value for document in documents for value in document])
        Report.objects.bulk_update(batch, stored)
    else:
        Report.objects.bulk_update(batch, ["search_public", "search_full", *stored])


_pending = threading.local()
PENDING_PER_SEARCH = 200  # left over from failed indexings, done before a search (the rest by the next)


def schedule_indexing(report_ids):
    """
    Mark reports for re-indexing when the current transaction commits (at once outside one), so
    that a save touching many parts of a report indexes it once. The mark is also written to the
    reports in the same transaction (`derived_pending`): if indexing fails after the commit (the
    database lost in between), the save stands and the indexing is done later, by the next search
    (`index_left_over`) or `manage.py rebuild_search_index --pending`. A search in this thread first
    indexes what is still pending, so it always sees this thread's own writes. Pages show the parts
    they keep only while the mark is off, so each call writes it: a mark written by a transaction
    that was then rolled back is gone, and the report would otherwise be shown from old parts.
    """
    report_ids = set(report_ids)
    if not report_ids:
        return
    Report.objects.filter(pk__in=report_ids).update(derived_pending=True)
    pending = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = set()
    pending.update(report_ids)
    transaction.on_commit(index_pending, robust=True)  # a failure is logged, never the save's answer


def index_pending():
    ids, _pending.ids = getattr(_pending, "ids", None), None
    if ids:
        index_and_clear(ids)


def index_left_over(limit=None):
    """Index the reports whose indexing failed after their save (at most `limit` of them); return how many."""
    with connection.cursor() as cursor:
        cursor.execute(*left_over_statement(limit))
        ids = [pk for (pk,) in cursor.fetchall()]
    if ids:
        index_and_clear(ids)
    return len(ids)


@functools.cache
def left_over_statement(limit):
    """The SQL of the ids of reports left to index, compiled once: every search asks it first."""
    return compiled(Report.objects.filter(derived_pending=True).order_by("pk").values_list("pk", flat=True)[:limit])


def index_and_clear(ids):
    index_reports(Report.objects.filter(pk__in=ids))


# -- Queries -----------------------------------------------------------------------------------

QUERY_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')
# The article as a word of its own ("Al Akhbar"), which normalize_name drops from documents: a query
# drops it too, before its words are taken one by one.
SEPARATE_ARTICLE = re.compile(r"(?<![\w-])(?:al|el)\s+(?=\w)", re.IGNORECASE)
SMART_QUOTES = str.maketrans({"“": '"', "”": '"', "„": '"', "«": '"', "»": '"'})


@dataclass(frozen=True)
class Term:
    """A word or a phrase of a query, as its lexemes (`lexemes`: stems and spelling keys); `negated` for -word."""

    words: tuple
    negated: bool = False
    plain: tuple = ()  # the folded words before stemming or keying, to compare with entity names

    @property
    def phrase(self):
        return " ".join(self.words)


@dataclass(frozen=True)
class ParsedQuery:
    """All groups must match; within a group, any term (terms joined by OR)."""

    groups: tuple

    @property
    def positive_words(self):
        return {word for group in self.groups for term in group if not term.negated for word in term.words}

    def __bool__(self):
        return any(not term.negated for group in self.groups for term in group)


def parse_query(text):
    """Web-search syntax to a ParsedQuery: words, "phrases", OR, -word."""
    groups, join_next = [], False
    for match in QUERY_PART.finditer(SEPARATE_ARTICLE.sub("", (text or "").translate(SMART_QUOTES))):
        minus, phrase, word = match.groups()
        if word == "OR":
            join_next = bool(groups)
            continue
        negated = bool(minus) or (word is not None and word.startswith("-") and len(word) > 1)
        source = phrase if phrase is not None else word.removeprefix("-") if negated else word
        plain = tuple(words(source))
        found = tuple(lexeme for word in plain for lexeme in lexemes(word))
        if not found:
            continue
        term = Term(found, negated, plain)
        if join_next:
            groups[-1] = (*groups[-1], term)
        else:
            groups.append((term,))
        join_next = False
    return ParsedQuery(tuple(groups))


class LexemeQuery(SearchQuery):
    """A tsquery literal (`tsquery`): its lexemes as they are, through no parser or dictionary."""

    template = "(%(expressions)s)::tsquery"


def tsquery(parsed):
    """The tsquery literal of a parsed query: groups AND-ed, alternatives OR-ed, phrases as <->."""

    def term_query(term):
        query = f"({' <-> '.join(quoted(word) for word in term.words)})"
        return f"!{query}" if term.negated else query

    return " & ".join(f"({' | '.join(term_query(term) for term in group)})" for group in parsed.groups)


def word_match(parsed, document):
    """The query as a condition on a stored document of words (`search_public` or `search_full`)."""
    condition = Q()
    for group in parsed.groups:
        alternatives = Q()
        for term in group:
            found = Q(**{f"{document}__contains": f" {term.phrase} "})
            alternatives |= ~found if term.negated else found
        condition &= alternatives
    return condition


def search_reports(text, user, *, reports=None):
    """
    Every published report among `reports` (all by default) matching `text` that `user` may find,
    newest first: those the user may read by their full document, the others by their public one.
    Unbounded: for sets of matches (tests, tools); the search page and the API page through them
    with `search_page`, which reads a bounded number of rows per page.
    """
    parsed = prepared(text)
    reports = (Report.objects.all() if reports is None else reports).published()
    if not parsed:
        return reports.none()
    return reports.filter(Matcher(parsed, user).condition()).order_by("-published_at", "-pk")


def prepared(text):
    """The parsed query, once what earlier saves left to index is indexed (a search sees this thread's writes)."""
    index_pending()
    index_left_over(PENDING_PER_SEARCH)
    return text if isinstance(text, ParsedQuery) else parse_query(text)


class Matcher:
    """
    How a query finds reports for a user: a report the user may read (`readable_condition`, the
    access policy) by its full document, any other by its public document only. As of now, and
    for the query's words, or as of `at` and for `words` (on PostgreSQL), where those are slots
    (`SearchStatements`).
    """

    def __init__(self, parsed, user, *, at=None, words=None):
        self.parsed = parsed
        self.readable_parts = readable_parts(user, at)
        self.readable = reduce(operator.or_, self.readable_parts)
        self.query = None
        if connection.vendor == "postgresql":
            self.query = LexemeQuery(tsquery(parsed) if words is None else words)

    def condition(self):
        if self.query is not None:
            full, public = Q(search_vector_full=self.query), Q(search_vector_public=self.query)
        else:
            full, public = word_match(self.parsed, "search_full"), word_match(self.parsed, "search_public")
        return (self.readable & full) | (~self.readable & public)

    def branches(self, reports):
        """
        `reports` as the querysets whose matches the search joins, no report in two: on PostgreSQL
        those the user may read by their full document, in the policy's parts (`readable_parts`:
        before an access change, and after), and the others by their public one; each answered
        from its own GIN index (or by walking the newest reports, for a common word) without
        reading the other vector. A part in which only complimentary reports are readable (the
        public's, before a change) is answered from the index of their full documents alone
        (report_free_search_full_gin), a fraction of the index of every report's.
        """
        if self.query is None:
            return [reports.filter(self.condition())]
        return [
            *(reports.filter(part, search_vector_full=self.query) for part in self.readable_parts),
            reports.exclude(self.readable).filter(search_vector_public=self.query),
        ]


def older_than(reports, key):
    """The reports after the row `key` ((publication time, id)) in newest-first order."""
    published_at, pk = key
    # The first condition bounds the walk of the (status, -published_at, -id) index; the second
    # leaves out the rows of the same time up to the key.
    return reports.filter(published_at__lte=published_at).filter(Q(published_at__lt=published_at) | Q(pk__lt=pk))


def compiled(queryset):
    return queryset.query.get_compiler(using=queryset.db).as_sql()


class Slot(Expression):
    """
    A value left open in compiled SQL: '%s', with the slot itself among the parameters, for
    `SearchStatements` to fill at each run.
    """

    def __init__(self, name, output_field):
        super().__init__(output_field=output_field)
        self.name = name

    def as_sql(self, compiler, connection):
        return "%s", [self]

    def __repr__(self):  # part of the key a statement is kept by: the same for every copy
        return f"Slot({self.name!r})"


# What a search's statements leave open: the moment it is made at, its words (a tsquery), and the
# row its page starts after (`older_than`).
MOMENT, WORDS = Slot("moment", DateTimeField()), Slot("words", TextField())
AFTER_TIME, AFTER_ID = Slot("after_time", DateTimeField()), Slot("after_id", IntegerField())


class SearchStatements:
    """
    One search's view of `reports` (the caller's, before `published`) as of one moment, and the
    SQL of its own statements (the branches of its matches, the condition of its count) compiled
    with slots for what changes from one search to the next (its moment, words and page key), then
    filled. On PostgreSQL, where a query's words are one parameter, that SQL depends only on the
    reader's parts of the policy, the caller's filters and whether a page key is given, so it is
    kept compiled by `keep` (as `search_page` takes it): building and compiling the querysets was
    about a fifth of the Python time of a search page with new words (16 ms a page, 13 without).
    """

    def __init__(self, parsed, user, reports, keep=None):
        self.moment = timezone.now()
        self.matcher = Matcher(parsed, user, at=MOMENT, words=WORDS)
        self.filtered = reports
        self.keep = keep
        self.values = {MOMENT.name: self.moment, WORDS.name: tsquery(parsed)}

    def slotted(self, after=False):
        """The published reports (after a page key's row, if `after`), their moment and the row slots."""
        reports = self.filtered.published(at=MOMENT)
        return older_than(reports, (AFTER_TIME, AFTER_ID)) if after else reports

    def compiled(self, part, make, after=None):
        """
        [(sql, params)] of the querysets make() returns, made of `slotted` reports and `matcher`,
        filled for this search and the row `after` (compiled once for `part` where kept).
        """
        def compile_all():
            return [compiled(queryset) for queryset in make()]

        if self.keep is None or self.matcher.query is None:
            statements = compile_all()
        else:
            statements = self.keep(("statements", part, after is not None, repr(self.matcher.readable_parts)), compile_all)
        values = self.values if after is None else {**self.values, AFTER_TIME.name: after[0], AFTER_ID.name: after[1]}
        return [(sql, filled(params, values)) for sql, params in statements]


def filled(params, values):
    """Compiled SQL's `params`, each Slot among them replaced by its value in `values` ({name: value}), as stored."""
    return [
        param.output_field.get_db_prep_value(values[param.name], connection) if isinstance(param, Slot) else param
        for param in params
    ]


def newest_matches(search, *, limit, before=None, ranked=False):
    """
    (rank, publication time, id) of the newest `limit` matches among `reports` after the row
    `before` (newest first): the bands of `recency_bands` in turn, each band's query run only if
    the bands before it found fewer than `limit`. A common word is answered from the first band,
    a rare one from a few index entries; either way the database reads a bounded number of rows,
    where one query over all reports would read every match of a word that its planner thought
    rarer than it is. The rank is ts_rank over the public vector where `ranked` (on PostgreSQL;
    else 0), taken of the rows found only. Each branch of the search (`Matcher.branches`) is
    compiled once and its bands bound in SQL: compiling it per band cost more than the
    database's work. The first band is asked alone, the others (one statement) only if it fell
    short: planning every band's query took the database longer than running the first. `search`:
    a SearchStatements.
    """
    branches = search.compiled("branches", lambda: [
        branch.order_by().values_list("id", "published_at")
        for branch in search.matcher.branches(search.slotted(after=before is not None))
    ], after=before)
    rank, rank_params = "CAST(0 AS REAL)", []
    if ranked and search.matcher.query is not None:
        rank, rank_params = "ts_rank(report.search_vector_public, %s::tsquery)", [search.values[WORDS.name]]
    bands = recency_bands(search, before)
    found = matches_in_bands(branches, bands[:1], limit, rank, rank_params)
    if len(found) < limit and len(bands) > 1:
        found += matches_in_bands(branches, bands[1:], limit - len(found), rank, rank_params)
    return found


def matches_in_bands(branches, bands, limit, rank, rank_params):
    """
    The newest `limit` matches of the compiled `branches` within `bands` (each a condition and its
    params, newest first), with `rank`, in one statement: each band's part only if those before it
    found fewer than `limit` (a condition of no column, which the database checks before starting
    that part).
    """
    parts, params = [], []
    for number, (bounds, bound_params) in enumerate(bands):
        union = []
        for sql, branch_params in branches:
            union.append(
                f"SELECT * FROM (SELECT id, published_at FROM ({sql}) AS branch WHERE {bounds}"
                " ORDER BY published_at DESC, id DESC LIMIT %s) AS newest"
            )
            params += [*branch_params, *bound_params, limit]
        sql = " UNION ALL ".join(union)
        if parts:
            found_before = " + ".join(f"(SELECT COUNT(*) FROM band{earlier})" for earlier in range(number))
            sql = f"SELECT * FROM ({sql}) AS found WHERE {found_before} < %s"
            params.append(limit)
        parts.append(f"band{number} (id, published_at) AS ({sql})")
    every = " UNION ALL ".join(f"SELECT id, published_at FROM band{number}" for number in range(len(parts)))
    found = f"SELECT id, published_at FROM ({every}) AS found ORDER BY published_at DESC, id DESC LIMIT %s"
    table = connection.ops.quote_name(Report._meta.db_table)
    statement = (
        f"WITH {', '.join(parts)} SELECT {rank}, found.published_at, found.id FROM ({found}) AS found"
        f" JOIN {table} AS report ON report.id = found.id ORDER BY found.published_at DESC, found.id DESC"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, (*params, *rank_params, limit))
        return [(rank, stored_time(published_at), pk) for rank, published_at, pk in cursor.fetchall()]


def stored_time(value):
    """A time as a cursor gives it: aware (PostgreSQL), or naive in UTC (SQLite), or as SQLite's text of that."""
    value = parse_datetime(value) if isinstance(value, str) else value
    return value if timezone.is_aware(value) else value.replace(tzinfo=dt.timezone.utc)


def recency_bands(search, before):
    """
    The conditions (SQL on `published_at`, params) of BANDS bands of a search's reports after
    the row `before` by publication time, newest first: the newest FIRST_BAND × RANKED (their
    edge as the search keeps it, if it does); then those of a span NEXT_BAND times as long as the
    first's (measured from `before`, or the search's moment) before them; then of a span
    NEXT_BAND times as long again; the last band the rest. Whatever the edge, the bands hold
    every report, each in one: an edge kept from before reports were published or withdrawn gives
    the same matches, only a band wider or narrower than it was.
    """
    def newest_edge():
        reports = search.filtered.published(at=search.moment)
        if before is not None:
            reports = older_than(reports, before)
        edge = reports.order_by("-published_at").values_list("published_at", flat=True)[FIRST_BAND * RANKED :][:1]
        return next(iter(edge), None)

    first = newest_edge() if search.keep is None else search.keep(("band-edge", before), newest_edge)
    if first is None:
        return [("1 = 1", [])]
    stored = connection.ops.adapt_datetimefield_value
    bands, newer, span = [("published_at >= %s", [stored(first)])], first, (before[0] if before else search.moment) - first
    for _ in range(BANDS - 2):
        span *= NEXT_BAND
        try:
            older = newer - span
        except OverflowError:  # reports dated near year 1
            break
        bands.append(("published_at < %s AND published_at >= %s", [stored(newer), stored(older)]))
        newer = older
    return [*bands, ("published_at < %s", [stored(newer)])]


# -- Pages -------------------------------------------------------------------------------------


class BadKey(ValueError):
    """A page key that this site did not make (forged, garbled, or for another sort)."""


@dataclass(frozen=True)
class PageKey:
    """
    Where a page starts. By date: after the row `after` ((time, id)). By relevance: within the
    stretch of RANKED matches that starts after the row `stretch` (None: the newest), after the
    row `after` ((rank, time, id); None: its first page).
    """

    sort: str
    number: int = 1
    stretch: tuple = None
    after: tuple = None

    SALT = "reports.search.page"

    def token(self):
        def stamp(row):
            return None if row is None else [*row[:-2], row[-2].isoformat(), row[-1]]

        return signing.dumps([self.sort, self.number, stamp(self.stretch), stamp(self.after)], salt=self.SALT, compress=True)

    @classmethod
    def read(cls, token, sort):
        """The key a `token()` made for this sort; BadKey for anything else."""
        try:
            made_for, number, stretch, after = signing.loads(token, salt=cls.SALT)
            if made_for != sort or type(number) is not int or number < 2:
                raise ValueError(made_for)
            return cls(sort, number, cls.row(stretch, 2), cls.row(after, 3 if sort == "relevance" else 2))
        except (signing.BadSignature, ValueError, TypeError, OverflowError) as error:
            raise BadKey(str(error)) from error

    @staticmethod
    def row(value, length):
        if value is None:
            return None
        *ranks, published_at, pk = value
        if len(value) != length or type(pk) is not int or not all(type(rank) in (int, float) for rank in ranks):
            raise ValueError(value)
        return (*ranks, dt.datetime.fromisoformat(published_at), pk)


@dataclass
class SearchPage:
    """
    One page of results: its reports' ids in order, its number, the key of the next page (None on
    the last), and how many reports were found: exact up to COUNT_LIMIT, else an estimate
    (`exact` False), or "more than COUNT_LIMIT" (`exact` None).
    """

    ids: list
    number: int
    size: int
    next_key: PageKey = None
    found: int = 0
    exact: bool = True
    stretch: int = None  # ranked by relevance: how many matches are ranked together

    @property
    def more_than(self):
        return self.exact is None

    @property
    def pages(self):
        """How many pages there are, as `found` tells (an estimate when it is one)."""
        return max(1, -(-self.found // self.size))

    def reports(self, queryset):
        """This page's reports from `queryset` (select and prefetch there), in order."""
        rows = queryset.in_bulk(self.ids)
        return [rows[pk] for pk in self.ids if pk in rows]


def search_page(text, user, *, sort="relevance", reports=None, key=None, size=20, keep=None):
    """
    A page of the published reports among `reports` (pass the list filters here) matching `text`
    that `user` may find (see `Matcher`), starting at `key` (a PageKey; None for the first), and
    how many they are. Newest first (sort="date"), or by relevance (see the module's docstring).
    A fixed number of queries, whatever the page. `keep(part, make)`, if given, returns what
    make() does for a part of the search that its words do not change (`part` names it, and
    what of the reader it depends on: the edge of the newest reports, `recency_bands`, and the
    compiled SQL of the search's statements, `SearchStatements`), kept by the caller for the
    `reports` it passed: one query fewer for the edge, no compiling for the statements.
    """
    parsed = prepared(text)
    key = key or PageKey(sort)
    if not parsed:
        return SearchPage([], key.number, size)
    search = SearchStatements(parsed, user, Report.objects.all() if reports is None else reports, keep)
    stretch_size = size * max(1, RANKED // size)  # whole pages: every page but the last is full
    if sort == "date":
        rows = newest_matches(search, limit=size + 1, before=key.after)
        every = rows if key.after is None and len(rows) <= size else None
        page, next_key = rows[:size], None
        if len(rows) > size:
            next_key = PageKey(sort, key.number + 1, after=page[-1][1:])
    else:
        found = newest_matches(search, limit=stretch_size + 1, before=key.stretch, ranked=True)
        every = found if key.stretch is None and len(found) <= stretch_size else None
        stretch = sorted(found[:stretch_size], reverse=True)
        rows = [row for row in stretch if key.after is None or row < key.after]
        page, next_key = rows[:size], None
        if len(rows) > size:
            next_key = PageKey(sort, key.number + 1, key.stretch, page[-1])
        elif len(found) > stretch_size and stretch:
            # The next stretch: the matches older than this one's oldest.
            next_key = PageKey(sort, key.number + 1, stretch=min(stretch, key=lambda row: row[1:])[1:])
    # A first look that found fewer than it asked for found them all: no need to count them again.
    if every is not None and len(every) <= COUNT_LIMIT:
        found, exact = len(every), True
    else:
        found, exact = count_matches(search)
    ranked = sort != "date" and search.matcher.query is not None  # elsewhere "relevance" is by date
    return SearchPage([row[-1] for row in page], key.number, size, next_key, found, exact, stretch_size if ranked else None)


def count_matches(search):
    """
    (how many, exact): the matches of a search (SearchStatements), counted up to COUNT_LIMIT + 1 at most; past
    COUNT_LIMIT, on PostgreSQL, estimated from the matches among a sample of about SAMPLE_ROWS
    rows of the table (whole pages, the same ones for every search until the table changes), or
    (COUNT_LIMIT, None), "more than", where that estimate is lower than what was counted. The
    sample is matched as the visitor's search is (`Matcher`), so the estimate follows from what
    that visitor may find, never from statistics of gated text (the planner's estimates come from
    every report's full document, and would). The sample first, then the exact count only if the
    estimate is below ESTIMATE_OVER: a common word then costs no more than a rare one, where
    counting 1,000 matches of a phrase means reading 1,000 full documents.
    """
    # Unordered, so that the count stops at the limit instead of sorting every match first.
    [(matches, params)] = search.compiled("matches", lambda: [
        search.slotted().filter(search.matcher.condition()).order_by().values("pk")
    ])
    with connection.cursor() as cursor:
        if search.matcher.query is None:
            cursor.execute(f"SELECT COUNT(*) FROM ({matches}) AS found", params)
            return cursor.fetchone()[0], True
        execute_prepared(cursor, "search_estimate", estimate_statement(matches), (SAMPLE_ROWS, Report._meta.db_table, *params))
        [estimate] = cursor.fetchone()
        if estimate < ESTIMATE_OVER:
            cursor.execute(f"SELECT COUNT(*) FROM (SELECT 1 FROM ({matches}) AS found LIMIT %s) AS found", (*params, COUNT_LIMIT + 1))
            [found] = cursor.fetchone()
            if found <= COUNT_LIMIT:
                return found, True
    # Two significant figures: about as many as a sample of this size tells.
    estimate = int(round(estimate, 2 - len(str(int(estimate)))))
    # Counted past the limit, estimated below it: "more than COUNT_LIMIT".
    return (estimate, False) if estimate > COUNT_LIMIT else (COUNT_LIMIT, None)


@functools.lru_cache(maxsize=256)
def estimate_statement(matches):
    """
    The SQL of the estimated number of `matches` (a search's, compiled): their number among a
    sample of the table, scaled to the table. Its params: the rows to sample, the table's name and
    those of `matches`.
    """
    table = connection.ops.quote_name(Report._meta.db_table)
    sample = f"{table} TABLESAMPLE SYSTEM ((SELECT percent FROM fraction)) REPEATABLE (0)"
    # The matches among the sample: the search's own conditions on the sampled rows, one by one.
    sampled_matches, replaced = re.subn(f"FROM {re.escape(table)}", lambda _: f"FROM {sample}", matches, count=1)
    assert replaced == 1, matches
    # The sample's share of the table's rows, times their number (reltuples, kept by ANALYZE):
    # more exact than the matches over the chance of a page to be sampled, as pages hold more or
    # fewer rows. The whole table where it is small, or not analyzed yet (reltuples -1).
    return f"""
        WITH fraction (percent, rows) AS (
            SELECT LEAST(100, 100.0 * %s / GREATEST(reltuples, 1)), reltuples FROM pg_class WHERE oid = %s::regclass
        ),
        sampled (found, seen) AS (
            SELECT (SELECT COUNT(*) FROM ({sampled_matches}) AS found), (SELECT COUNT(*) FROM {sample})
        )
        SELECT CASE WHEN percent >= 100 THEN found ELSE found * rows / GREATEST(seen, 1) END FROM fraction, sampled
    """


# The statements prepared on each connection (psycopg2's, as Django holds it), by name.
prepared_statements = weakref.WeakKeyDictionary()
PLACEHOLDER = re.compile("%[s%]")


def execute_prepared(cursor, name, sql, params):
    """
    Run `sql` (with %s placeholders, as compiled) with `params` as a statement prepared once on
    the cursor's connection (PREPARE, then EXECUTE with the params): PostgreSQL parses it once,
    and plans it once too after five runs where a plan made for any params costs no more than
    those made for each run's (plan_cache_mode auto), as a sample scan's does. The estimate's
    planning, made afresh, cost more than its run. `name` and a digest of `sql` name the
    statement. Needs one database session throughout: not a pooler that hands each transaction
    another one.
    """
    name, numbered_sql = statement_to_prepare(name, sql)
    prepared = prepared_statements.setdefault(connection.connection, set())
    if name not in prepared:
        cursor.execute(f"PREPARE {name} AS {numbered_sql}")
        prepared.add(name)
    cursor.execute(f"EXECUTE {name}" + (f" ({', '.join(['%s'] * len(params))})" if params else ""), params)


@functools.lru_cache(maxsize=256)
def statement_to_prepare(name, sql):
    """(its name, the SQL with $1, $2, … for its placeholders): what `execute_prepared` prepares."""
    numbered = itertools.count(1)
    return f"{name}_{hashlib.sha1(sql.encode()).hexdigest()[:16]}", PLACEHOLDER.sub(
        lambda found: "%" if found[0] == "%%" else f"${next(numbered)}", sql
    )


# Words too common to point at a profile on their own.
NOT_NAMES = {"the", "and", "for", "with", "from", "that", "this", "said", "says", "was", "are", "who", "what"}


ENTITY_KINDS = {"organizations": Organization, "people": Person, "outlets": Outlet}


@dataclass(frozen=True)
class EntitySpellings:
    """
    What `matching_entities` looks a query's words up in: `words`, {word: {(kind, id), …}}, the
    words of every organization's, person's and outlet's folded names and aliases (ENTITY_KINDS),
    each with the entities it names; and `entities`, {(kind, id): (its name, [its folded name and
    aliases])}.
    """

    words: dict
    entities: dict


def entity_spellings():
    """The EntitySpellings of every organization, person and outlet. One query."""
    spellings = []
    for kind, model in ENTITY_KINDS.items():
        aliases = model._meta.get_field("aliases")
        spellings += [
            model.objects.order_by().annotate(entity_kind=Value(kind))
            .values_list("entity_kind", "pk", "normalized_name", "name"),
            # An alias's name is not the entity's: left empty.
            aliases.related_model.objects.order_by().annotate(entity_kind=Value(kind), entity_name=Value(""))
            .values_list("entity_kind", aliases.field.attname, "normalized_name", "entity_name"),
        ]
    words, entities = {}, {}
    for kind, pk, spelling, name in spellings[0].union(*spellings[1:], all=True):
        entity = entities.setdefault((kind, pk), ["", []])
        entity[0] = name or entity[0]
        entity[1].append(spelling)
        for word in spelling.split():
            words.setdefault(word, set()).add((kind, pk))
    return EntitySpellings(words, {key: tuple(entity) for key, entity in entities.items()})


def matching_entities(parsed, spellings, limit=4):
    """
    {kind: [id, …]}: the organizations, people and outlets that the query names, `limit` of each
    kind at most: a name or alias shares a whole word with it (short and common words aside), as
    `spellings` (what `entity_spellings` returns) tells. Those sharing the most words come first,
    then by name. No query.
    """
    query_words = {
        word for group in parsed.groups for term in group if not term.negated
        for word in term.plain if len(word) >= 3 and word not in NOT_NAMES
    }
    named = {key for word in query_words for key in spellings.words.get(word, ())}

    def order(key):
        name, folded = spellings.entities[key]
        return -max(len(query_words.intersection(spelling.split())) for spelling in folded), name.casefold(), key[1]

    return {
        kind: [pk for _, pk in sorted((key for key in named if key[0] == kind), key=order)[:limit]]
        for kind in ENTITY_KINDS
    }


# -- Snippets ----------------------------------------------------------------------------------


def with_excerpts(reports, readable):
    """
    `reports` (a queryset), each with `excerpt`: the first EXCERPT_CHARS characters of its body's
    HTML where `readable` holds (the access policy's condition for a reader, `readable_condition`),
    else None. Cut by the database, which decompresses a long body only as far as that (substr of
    a TOASTed value), never the whole document: a result page asks for twenty bounded excerpts
    with its reports, not twenty bodies.
    """
    bounded = Substr("body_html", 1, EXCERPT_CHARS)
    return reports.annotate(excerpt=Case(When(readable, then=bounded), default=Value(None)))


@functools.cache
def id_slots(count):
    """Slots for `count` ids (a page's), made once: a model field is slow to make."""
    return tuple(Slot(f"id{number}", IntegerField()) for number in range(count))


def result_line_reports(page, user, *, keep=None):
    """
    The reports of a page (a SearchPage), in order, as their result lines read them
    (`Report.objects.for_result_lines`, each `with_excerpts` as `user` may read it now). One
    statement, its SQL compiled for the reader's parts of the policy and the number of reports,
    kept by `keep` (as `search_page` takes it), and filled with the moment and the ids.
    """
    if not page.ids:
        return []
    ids = id_slots(len(page.ids))
    parts = readable_parts(user, MOMENT)

    def make():
        reports = Report.objects.for_result_lines().filter(pk__in=ids).order_by()
        return compiled(with_excerpts(reports, reduce(operator.or_, parts)))

    sql, params = make() if keep is None else keep(("result lines", len(ids), repr(parts)), make)
    values = {MOMENT.name: timezone.now(), **{slot.name: pk for slot, pk in zip(ids, page.ids)}}
    rows = {report.pk: report for report in Report.objects.raw(sql, filled(params, values))}
    return [rows[pk] for pk in page.ids if pk in rows]


def plain_text(html):
    """
    The text of HTML cut off anywhere (an excerpt): tags dropped (one cut short at the end too),
    entities read. For HTML as the site stores it (sanitized and serialized by nh3: a "<" or ">"
    of its text or attribute values written "&lt;", "&gt;"; its only comments the quote and image
    markers), dropping each tag by pattern gives what parsing it would, in a fraction of the time.
    """
    return unescape(TAG.sub("", html))


@functools.lru_cache(maxsize=50_000)
def token_lexemes(token):
    """The lexemes of a word as it stands in a text (punctuation and all): a text repeats a small vocabulary."""
    return frozenset(search_words(token))


def highlight(text, parsed, *, limit=None):
    """
    `text` escaped, with the words the query matched in <mark>; with `limit`, a window of that
    many words around the first match (or the start). Only the words up to the first match and
    those of the window are looked at.
    """
    wanted = parsed.positive_words
    source = text.split()
    start, end = 0, len(source)
    if limit and len(source) > limit:
        first = 0
        for at, word in enumerate(source):
            if not wanted.isdisjoint(token_lexemes(word)):
                first = at
                break
        start = max(0, min(first - limit // 4, len(source) - limit))
        end = start + limit
    # Escaped a run of words at a time, with the standard library's escape (Django's wraps it, for
    # lazy strings, which a text split into words is not): word by word cost a call for each.
    marked, run = [], []
    for word in source[start:end]:
        if wanted.isdisjoint(token_lexemes(word)):
            run.append(word)
        else:
            if run:
                marked.append(escape(" ".join(run)))
                run = []
            marked.append(f"<mark>{escape(word)}</mark>")
    if run:
        marked.append(escape(" ".join(run)))
    return mark_safe(("… " if start else "") + " ".join(marked) + (" …" if end < len(source) else ""))


def snippet(report, parsed, *, excerpt=None):
    """
    The excerpt shown under a result: for a reader, from the summary and the start of the body
    (`excerpt`, as `with_excerpts` gives it: a match past EXCERPT_CHARS is not looked for, and the
    window shows the summary); for anyone else (no excerpt), from the summary alone.
    """
    text = report.summary if excerpt is None else f"{report.summary} {plain_text(excerpt)}"
    return highlight(text, parsed, limit=SNIPPET_WORDS)
