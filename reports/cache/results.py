"""
Search results kept per reader class: the expensive part of a search page (its page of matches,
their count, the profile cards and the result list with its snippets, as HTML made without the
request), kept for CONTENT_CACHE_SECONDS and shared by every visitor of one *reader class*
(reports.cache.readers.reader_class: what the access policy decides on, the highest tier rank
held, or none; staff never share), for one search: its parsed query, filters, sort and page key,
as the view gives them (`parts`, which must hold everything the kept part is made from).

Nothing of the visitor is in what is kept: the page around it (the header's account links, the
CSRF token, messages, the query as typed and the page links) is made for each request. The filter
form's fields, the same for everyone but for the parameters given, are kept for everyone by those
parameters (`kept_filters`): rendering their choices cost more than the rest of a kept page.
Entries are kept as of the pages generation (any change to a report, an entity, a tag, a tier,
as reports/signals.py names them) and the search generation (replaced when search documents are
recomputed, after the save's commit: a search made between the commit and the new documents is
kept as of the old ones and never served), and expire when the next scheduled report becomes due
or a report's access changes by itself.

Kept in each process, as of the pages generation alone: the parts of a result line that no
search changes (its kicker and tags, `kept_result_parts`, also by the report's access now, which
its badge shows) and the profile cards (`kept_entity_cards`), both also in the cache for the other
processes; and the parts of a search that its words do not change (`kept_search_part`: the edge
of the newest reports, which gives the same matches whatever its age).
"""
import hashlib
import logging

from django.conf import settings

from reports.cache.pages import seconds_to_keep
from reports.cache.readers import PUBLIC, reader_class
from reports.cache.signed_in import claimed_user_pk
from reports.cache.store import (
    MISSING,
    PAGES_GENERATION,
    SEARCH_GENERATION,
    asked_here,
    expect,
    generation,
    keep,
    keep_many,
    lookup,
    made_here,
    read_entry,
    read_many,
)

logger = logging.getLogger(__name__)

# hit, miss (made and kept), first (made, not kept: a search this process is asked for the first
# time, `kept_results`) or off (not kept for this visitor), for operators and benchmarks; absent
# from a page the page cache serves (an anonymous visitor's: reports.cache.pages).
HEADER = "X-Search-Cache"
GENERATIONS = (PAGES_GENERATION, SEARCH_GENERATION)
PARTS_KEPT = 20_000  # kept in each process, of each kind: a result line's parts or a card are about a kilobyte


def digest(parts):
    return hashlib.sha256(repr(parts).encode()).hexdigest()


def results_key(reader, parts):
    return f"search-results:{reader}:{digest(parts)}"


def filters_key(params):
    return f"search-filters:{digest(params)}"


def expect_search(request, parts, params):
    """
    Announce, before the visitor is looked up, what the page will read (`kept_filters`, and
    `kept_results` for an anonymous visitor's likely class): it comes with that first read, no
    round trip of its own.
    """
    if settings.CONTENT_CACHE_SECONDS > 0:
        public_results = results_key(PUBLIC, parts)
        expect(filters_key(params), *(
            # Looked for only once this process was asked for them (`kept`).
            (SEARCH_GENERATION, public_results if asked_here(public_results) else None)
            if claimed_user_pk(request) is None else ()
        ))


def kept_results(user, parts, make):
    """
    (what make() returns, "hit", "miss", "first" or "off"): kept for the user's reader class and
    `parts`, or made now, and kept once this process is asked for it a second time
    (reports.cache.store.asked_before): most searches never come again.
    """
    reader = reader_class(user)
    if reader is None:
        return make(), "off"
    return kept(results_key(reader, parts), GENERATIONS, make, when_asked_again=True)


def kept_filters(params, make):
    """
    What make() returns for the search's filter form (its fields as HTML): the same for everyone,
    made from the list's public choices (series, tags in use, entities: the pages generation) and
    the filter parameters as given (`params`, which must hold every one the form reads), kept for
    every visitor; no reader class, nothing of the visitor.
    """
    return kept(filters_key(params), (PAGES_GENERATION,), make)[0]


def kept_spellings(make):
    """
    What make() returns for the names of every organization, person and outlet a search may name
    (reports.search.engine.entity_spellings), kept in each process as of the pages generation,
    which any change to a name or alias replaces.
    """
    if settings.CONTENT_CACHE_SECONDS <= 0:
        return make()
    return made_here("search-entity-spellings", make)


def kept_result_parts(reports, make):
    """
    {report id: parts}: the parts of the reports' result lines that are the same for every search
    and every reader (as make(ids) returns them for the reports of those ids: {id: ((id, its access
    tier's id as read), its parts)}), kept by the access each report has now (an access change that
    comes due changes its badge, and no generation): the result lines of a new search are mostly
    of reports shown before. See `kept_in_process`.
    """
    return kept_in_process("search-result-parts", {report.pk: (report.pk, report.access_tier_id) for report in reports}, make)


def kept_entity_cards(entities, make):
    """
    {(kind, id): card}: the profile cards of organizations, people and outlets (`entities`, their
    (kind, id) pairs), the same for every search and every reader, as make(pairs) returns them
    ({pair: (pair, its card)}). See `kept_in_process`.
    """
    return kept_in_process("search-entity-cards", {entity: entity for entity in entities}, make)


def kept_in_process(name, wanted, make):
    """
    {item: parts} for `wanted` ({item: the key its parts are kept by}), as of the pages generation:
    kept in each process (one store a `name`, PARTS_KEPT at most); those it lacks read from the
    cache, where another process may have kept them, all in one round trip; the rest made by
    make(items), which returns {item: (its key as made, its parts)}, and kept in both. Each process
    would otherwise make every part once itself: a server's workers warm up as one. An item that
    make() does not return (deleted since it was found) is left out.
    """
    if settings.CONTENT_CACHE_SECONDS <= 0:
        return {item: parts for item, (_, parts) in make(list(wanted)).items()}
    kept_parts = made_here(name, dict)
    found = {item: kept_parts.get(key) for item, key in wanted.items()}
    missing = [item for item, parts in found.items() if parts is None]
    if missing:
        shared = kept_in_cache(name, {item: wanted[item] for item in missing}, make)
        if len(kept_parts) + len(shared) > PARTS_KEPT:
            kept_parts.clear()
        for item, (key, parts) in shared.items():
            kept_parts[key] = found[item] = parts
    return {item: parts for item, parts in found.items() if parts is not None}


def kept_in_cache(name, wanted, make):
    """{item: (key, parts)} for `wanted` ({item: key}): read from the cache, or made and kept there (see `kept_in_process`)."""
    def cache_key(key):
        return f"{name}:{digest(key)}"

    try:
        found = read_many([PAGES_GENERATION, *(cache_key(key) for key in wanted.values())])
        tokens = (generation(PAGES_GENERATION, found),)
    except Exception:  # a cache server that is down costs speed, not pages
        logger.warning("Search cache unavailable", exc_info=True)
        return make(list(wanted))
    shared = {item: (key, lookup(found, cache_key(key), tokens)) for item, key in wanted.items()}
    shared = {item: (key, parts) for item, (key, parts) in shared.items() if parts is not MISSING}
    missing = [item for item in wanted if item not in shared]
    made = make(missing) if missing else {}
    keep_many({cache_key(key): parts for key, parts in made.values()}, tokens, seconds_to_keep(settings.CONTENT_CACHE_SECONDS))
    return {**shared, **made}


def kept_search_part(key, make):
    """
    What make() returns for a part of a search that neither its words nor its reader change (as
    reports.search.engine.search_page's `keep` asks for one), for `key` (which must name the
    part and everything it is made from: the filters), kept in each process as of the pages
    generation. At most PARTS_KEPT are kept.
    """
    if settings.CONTENT_CACHE_SECONDS <= 0:
        return make()
    kept_parts = made_here("search-parts", dict)
    key = digest(key)
    if key not in kept_parts:
        if len(kept_parts) >= PARTS_KEPT:
            kept_parts.clear()
        kept_parts[key] = make()
    return kept_parts[key]


def kept(key, generations, make, *, when_asked_again=False):
    """
    (make(), "hit", "miss", "first" or "off"): kept under `key` as of `generations`, or made now
    and kept ("miss"); with `when_asked_again`, looked for and kept only if this process was asked
    for `key` before (else made: "first").
    """
    if settings.CONTENT_CACHE_SECONDS <= 0:
        return make(), "off"
    try:
        found, tokens, looked_for = read_entry(key, generations, when_asked_again=when_asked_again)
    except Exception:  # a cache server that is down costs speed, not pages
        logger.warning("Search cache unavailable", exc_info=True)
        return make(), "off"
    if not looked_for:
        return make(), "first"
    value = lookup(found, key, tokens)
    if value is not MISSING:
        return value, "hit"
    value = make()
    keep(key, tokens, value, seconds_to_keep(settings.CONTENT_CACHE_SECONDS))
    return value, "miss"
