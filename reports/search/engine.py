"""
Full-text search over reports, paywall-safe and transliteration-aware.

Every report keeps two search documents (see `Report.search_public`): the folded, stemmed words of
what everyone may read (title, summary, tags, linked entities and all their aliases) and of that
plus its gated text (body, footnotes, quotes). A visitor's query is matched against the full
document of the reports they may read and against the public document of the others, so a word
that occurs only in gated text neither finds a report, nor changes a count, a page or a rank, for
someone who may not read it. On PostgreSQL the documents are weighted tsvectors with GIN indexes
(title A, summary B, tags and entities C, gated text D), ranked by relevance then recency; other
databases find the same reports by matching the stored words, ordered by date. A search shows the
newest RESULT_LIMIT matches at most, and ranks only those: a common word then costs about as much
as a rare one, where ranking and counting every match grows with the table.

Queries use web-search syntax: words (all must match), "a phrase", `OR` between alternatives and
`-word` to exclude. Words are folded by `reports.search.names.normalize_name` (the same folding as alias
lookup), then an English word is stemmed and any other word (a name, a transliterated term, Arabic
script) is replaced by its spelling key (`reports.search.spelling`), in documents and queries alike:
every spelling of a name then finds the same reports, in every text field. The documents are built
here, word by word, and given to PostgreSQL as tsvectors (and queries as tsqueries) without its
parser, so that both databases hold and compare exactly the same words.
"""
import functools
import re
import threading
from dataclasses import dataclass

import snowballstemmer
from django.contrib.postgres.search import SearchQuery, SearchRank
from django.core.paginator import Paginator
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.html import escape, strip_tags
from django.utils.safestring import mark_safe

from reports.models import Organization, Outlet, Person, Report
from reports.models.reports import readable_condition
from reports.search.names import normalize_name
from reports.search.spelling import spelling_keys

STEMMER = snowballstemmer.stemmer("english")
INDEX_BATCH = 500
# Results a search shows at most, newest matches first; only these are ranked, so that a common
# word costs no more than a rare one. The count shown is then "100+".
RESULT_LIMIT = 100
# The bands of reports a search looks through in turn (see pool_rows): the newest FIRST_BAND ×
# RESULT_LIMIT, then those of a span NEXT_BAND times as long before them, then the rest.
FIRST_BAND = 20
NEXT_BAND = 9
SNIPPET_WORDS = 40
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


def index_reports(reports):
    """Recompute the search documents of these reports (any Report queryset), in batches."""
    reports = reports.order_by("pk").prefetch_related(
        "tags", "organizations__aliases", "people__aliases", "outlets__aliases", "footnotes", "quotes"
    )
    for start in range(0, reports.count(), INDEX_BATCH):
        batch = list(reports[start : start + INDEX_BATCH])
        documents = []
        for report in batch:
            parts = [search_words(part) for part in document_parts(report)]
            public, full = " ".join(word for part in parts[:3] for word in part), " ".join(parts[3])
            report.search_public = f" {public} "
            report.search_full = f" {public} {full} " if full else f" {public} "
            documents.append((report.pk, report.search_public, report.search_full, tsvector(parts[:3]), tsvector(parts)))
        if connection.vendor == "postgresql":
            rows = ", ".join(["(%s::bigint, %s, %s, %s, %s)"] * len(documents))
            with connection.cursor() as cursor:
                cursor.execute(UPDATE_VECTORS.format(rows=rows), [value for document in documents for value in document])
        else:
            Report.objects.bulk_update(batch, ["search_public", "search_full"])


_pending = threading.local()
PENDING_PER_SEARCH = 200  # left over from failed indexings, done before a search (the rest by the next)


def schedule_indexing(report_ids):
    """
    Mark reports for re-indexing when the current transaction commits (at once outside one), so
    that a save touching many parts of a report indexes it once. The mark is also written to the
    reports in the same transaction (`search_pending`): if indexing fails after the commit (the
    database lost in between), the save stands and the indexing is done later, by the next search
    (`index_left_over`) or `manage.py rebuild_search_index --pending`. A search in this thread first
    indexes what is still pending, so it always sees this thread's own writes.
    """
    pending = getattr(_pending, "ids", None)
    if pending is None:
        pending = _pending.ids = set()
    new = set(report_ids) - pending
    if new:
        Report.objects.filter(pk__in=new).update(search_pending=True)
    pending.update(new)
    transaction.on_commit(index_pending, robust=True)  # a failure is logged, never the save's answer


def index_pending():
    ids, _pending.ids = getattr(_pending, "ids", None), None
    if ids:
        index_and_clear(ids)


def index_left_over(limit=None):
    """Index the reports whose indexing failed after their save (at most `limit` of them); return how many."""
    ids = list(Report.objects.filter(search_pending=True).order_by("pk").values_list("pk", flat=True)[:limit])
    if ids:
        index_and_clear(ids)
    return len(ids)


def index_and_clear(ids):
    index_reports(Report.objects.filter(pk__in=ids))
    Report.objects.filter(pk__in=ids).update(search_pending=False)


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


def search_reports(text, user, *, sort="relevance", reports=None):
    """
    Published reports among `reports` (all by default; pass the list filters here, not after)
    matching `text` that `user` may find: the newest RESULT_LIMIT + 1 matches, the one more telling
    `SearchPaginator` that there are more than it shows. Best first (relevance, then recency), or
    newest first with sort="date". A report the user may not read is matched on its public
    document only, so gated text changes neither which reports are in the pool nor their ranks.
    """
    index_pending()
    index_left_over(PENDING_PER_SEARCH)
    parsed = text if isinstance(text, ParsedQuery) else parse_query(text)
    reports = (Report.objects.all() if reports is None else reports).published()
    if not parsed:
        return reports.none()
    readable = readable_condition(user)
    if connection.vendor == "postgresql":
        query = LexemeQuery(tsquery(parsed))

        def newest_found(band):
            # Two branches, each answered from its own GIN index (or by walking the newest
            # reports, for a common word) without reading the other branch's vector.
            return newest(band.filter(readable, search_vector_full=query)).union(
                newest(band.exclude(readable).filter(search_vector_public=query)), all=True
            )
    else:

        def newest_found(band):
            return newest(band.filter(
                (readable & word_match(parsed, "search_full")) | (~readable & word_match(parsed, "search_public"))
            ))

    # The pool's ids, fetched once: the paginator's count and the page then cost next to nothing.
    ids = [pk for pk, _ in pool_rows(reports, newest_found)]
    pool = Report.objects.filter(pk__in=ids)
    if sort == "relevance" and connection.vendor == "postgresql":
        # Ranked on the public document, for readers too: a match in the title, summary or names
        # comes first and body-only matches follow by date. ts_rank over the full vector (~3 KB,
        # out of line) costs several times more and would only order matches within the body.
        return pool.annotate(rank=SearchRank(F("search_vector_public"), query)).order_by("-rank", "-published_at", "-pk")
    return pool.order_by("-published_at", "-pk")


def pool_rows(reports, newest_found):
    """
    (id, publication time) of the newest RESULT_LIMIT + 1 matches, newest first, searched band by
    band, stopping as soon as there are enough: the newest FIRST_BAND × RESULT_LIMIT reports;
    then those published in the NEXT_BAND times as long before them; then the rest. A common
    word is answered from the first band, a rare one from a few index entries; either way the
    database reads a bounded number of rows, where one query over all reports would read every
    match of a word that its planner thought rarer than it is.
    """
    edge = reports.order_by("-published_at").values_list("published_at", flat=True)[FIRST_BAND * RESULT_LIMIT :][:1]
    first = next(iter(edge), None)
    if first is None:
        bands = [reports]
    else:
        bands = [reports.filter(published_at__gte=first)]
        try:
            second = first - (timezone.now() - first) * NEXT_BAND
        except OverflowError:  # reports dated near year 1
            bands.append(reports.filter(published_at__lt=first))
        else:
            bands += [reports.filter(published_at__lt=first, published_at__gte=second), reports.filter(published_at__lt=second)]
    found = []
    for band in bands:
        found += sorted(newest_found(band), key=lambda row: (row[1], row[0]), reverse=True)
        if len(found) > RESULT_LIMIT:
            break
    return found[: RESULT_LIMIT + 1]


def newest(reports):
    """(id, publication time) of the newest RESULT_LIMIT + 1 of `reports`."""
    return reports.order_by("-published_at", "-pk").values_list("pk", "published_at")[: RESULT_LIMIT + 1]


class SearchPaginator(Paginator):
    """Pages of search results: at most RESULT_LIMIT of them; `capped` when more matched."""

    @cached_property
    def found(self):
        return self.object_list.count()

    @property
    def capped(self):
        return self.found > RESULT_LIMIT

    @cached_property
    def count(self):
        return min(self.found, RESULT_LIMIT)


# Words too common to point at a profile on their own.
NOT_NAMES = {"the", "and", "for", "with", "from", "that", "this", "said", "says", "was", "are", "who", "what"}


def matching_entities(parsed, limit=4):
    """
    Organizations, people and outlets that the query names: a name or alias shares a whole word
    with it (short and common words aside). Those sharing the most words come first.
    """
    query_words = {
        word for group in parsed.groups for term in group if not term.negated
        for word in term.plain if len(word) >= 3 and word not in NOT_NAMES
    }
    if not query_words:
        return {}
    found = {}
    for key, model in (("organizations", Organization), ("people", Person), ("outlets", Outlet)):
        named = Q()
        for word in query_words:
            named |= whole_word(word, "normalized_name") | whole_word(word, "aliases__normalized_name")
        candidates = model.objects.filter(named).distinct().prefetch_related("aliases")[: limit * 5]
        found[key] = sorted(candidates, key=lambda entity: (-shared_words(entity, query_words), entity.name))[:limit]
    return found


def shared_words(entity, query_words):
    spellings = [entity.normalized_name, *(alias.normalized_name for alias in entity.aliases.all())]
    return max(len(query_words.intersection(spelling.split())) for spelling in spellings)


def whole_word(word, field):
    return (
        Q(**{field: word})
        | Q(**{f"{field}__startswith": f"{word} "})
        | Q(**{f"{field}__endswith": f" {word}"})
        | Q(**{f"{field}__contains": f" {word} "})
    )


# -- Snippets ----------------------------------------------------------------------------------


def highlight(text, parsed, *, limit=None):
    """
    `text` escaped, with the words the query matched in <mark>; with `limit`, a window of that
    many words around the first match (or the start).
    """
    wanted = parsed.positive_words
    source = text.split()
    hits = [i for i, word in enumerate(source) if wanted.intersection(search_words(word))]
    start, end = 0, len(source)
    if limit and len(source) > limit:
        start = max(0, min(hits[0] - limit // 4 if hits else 0, len(source) - limit))
        end = start + limit
    hit_set = set(hits)
    marked = [f"<mark>{escape(source[i])}</mark>" if i in hit_set else escape(source[i]) for i in range(start, end)]
    return mark_safe(("… " if start else "") + " ".join(marked) + (" …" if end < len(source) else ""))


def snippet(report, parsed, *, can_read):
    """The excerpt shown under a result: from the text for those who may read it, else the summary alone."""
    text = f"{report.summary} {strip_tags(report.body_html)}" if can_read else report.summary
    return highlight(text, parsed, limit=SNIPPET_WORDS)
