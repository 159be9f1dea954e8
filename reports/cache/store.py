"""
The seam between the site and the cache: every read and write of what the site keeps goes through
here, and so does every change that makes it stale.

- **One round trip per request.** A page asks the cache for several things at different depths
  (the generation token, the report, the reader's holdings, the kept page): each key is read once
  per request, and the first read takes every key announced by `expect()` with it. What the
  request writes here is seen by its own later reads. Outside a request (commands, tests calling
  functions directly) every read goes to the cache.
- **Generations.** Everything kept is kept *as of* one or more generations: tokens in the cache
  that a change replaces (`pages_changed`, `holdings_changed`, `search_index_changed`, and the
  user's own in reports.cache.signed_in). An entry of another generation is a miss on every
  process and server, whatever it held; nothing is looked for and deleted.
- **Entries.** `lookup()` and `keep()` read and write an entry (its generations, when it expires,
  its value); `remembered()` is the two around a function; `made_here()` keeps a value in this
  process's memory instead, as of the generations all the same. What a request may name freely
  (a search, whose words anyone can vary) is kept only once this process is asked for it again
  (`asked_before`): a query asked once costs no write, and a stream of one-off queries does not
  push out what is asked for often.
- **A cache that cannot be asked** costs speed, never a page or a wrong answer: reads fall back to
  making the value, writes are dropped, and both are logged.
"""
import logging
import math
import threading
import time
import uuid

from django.core.cache import cache
from django.core.signals import request_finished, request_started
from django.db import connection, transaction

logger = logging.getLogger(__name__)

PAGES_GENERATION = "page-cache:generation"  # replaced by any change to what public pages show
HOLDINGS_GENERATION = "access:generation"  # replaced when a subscription or membership changes
SEARCH_GENERATION = "search:generation"  # replaced when reports' search documents are recomputed
MISSING = object()  # what lookup() finds when nothing fresh is kept


class RequestReads(threading.local):
    """What this request has read from the cache, by key, and the keys it said it will read."""

    def begin(self, **kwargs):
        self.values, self.expected = {}, set()

    def end(self, **kwargs):
        self.values = self.expected = None

    values = expected = None


_reads = RequestReads()
request_started.connect(_reads.begin)
request_finished.connect(_reads.end)


def expect(*keys):
    """Keys this request will read (None for none): they come with its next read from the cache."""
    if _reads.expected is not None:
        _reads.expected.update(key for key in keys if key is not None)


def read_many(keys):
    """What the cache holds for `keys`, absent ones left out; each key read once per request."""
    if _reads.values is None:
        return cache.get_many(keys)
    unread = {key for key in [*keys, *_reads.expected] if key not in _reads.values}
    if unread:
        found = cache.get_many(list(unread))
        _reads.values.update((key, found.get(key, MISSING)) for key in unread)
        _reads.expected.clear()
    return {key: _reads.values[key] for key in keys if _reads.values[key] is not MISSING}


def _written(key, value):
    if _reads.values is not None:
        _reads.values[key] = value


class ReadInRequest:
    """
    A cache whose reads of single keys join the request's round trip and whose writes its later
    reads see: for code that takes a cache object, such as Django's cached_db sessions.
    """

    def __init__(self, cache):
        self.cache = cache

    def get(self, key, default=None):
        return read_many([key]).get(key, default)

    def set(self, key, value, *args, **kwargs):
        self.cache.set(key, value, *args, **kwargs)
        _written(key, value)

    def delete(self, key, *args, **kwargs):
        _written(key, MISSING)
        return self.cache.delete(key, *args, **kwargs)

    def __contains__(self, key):
        return key in self.cache

    def __getattr__(self, name):
        return getattr(self.cache, name)


# -- Generations ------------------------------------------------------------------------------

class SeenGenerations(threading.local):
    """The generations this thread read a token of since it last replaced them."""

    def __init__(self):
        self.names = set()


_seen = SeenGenerations()


def generation(name=PAGES_GENERATION, found=None):
    """The generation's token (from `found`, what the request read, when it holds it); a first one is made if none is kept."""
    _seen.names.add(name)
    token = (found if found is not None else read_many([name])).get(name)
    if token is None:
        token = uuid.uuid4().hex
        if not cache.add(name, token, timeout=None):
            token = cache.get(name) or token
        _written(name, token)
    return token


def new_generation(name):
    token = uuid.uuid4().hex
    cache.set(name, token, timeout=None)
    _written(name, token)


def pages_changed():
    """Something public pages show changed: every page, report and list kept is stale."""
    replace_generation(PAGES_GENERATION)


def holdings_changed():
    """A subscription or membership changed: what readers hold is read again."""
    replace_generation(HOLDINGS_GENERATION)


def search_index_changed():
    """Reports' search documents were recomputed (after a save's commit, or rebuilt): every kept search result is stale."""
    replace_generation(SEARCH_GENERATION)


_unbumped = set()  # generations a commit could not replace: tried again by `replace_left_over`


class ReplaceOnCommit:
    """The generations an open transaction replaced: replaced again when it commits (dropped with it on a rollback)."""

    def __init__(self):
        self.names = set()

    def __call__(self):
        _unbumped.update(self.names)
        replace_left_over()


def replace_generation(name):
    """
    Replace the generation `name`. Inside a transaction, when the first change to it is made, and
    again only if its token was read since (so that the transaction's own reads never see what was
    kept before), and once more when the transaction commits (a request in between may have kept
    something made from the data as it was before the commit): an admin save, with its links,
    notes and quotes, replaces it twice. A replacement the cache refuses after the commit (it was out of reach) never
    turns the committed save into an error: it is logged and tried again before this process
    serves its next page from the cache.
    """
    if not connection.in_atomic_block:
        new_generation(name)
        return
    # Django drops a transaction's callbacks when it rolls back, so the one found is this transaction's.
    pending = next((call for _, call, _ in connection.run_on_commit if isinstance(call, ReplaceOnCommit)), None)
    if pending is None:
        pending = ReplaceOnCommit()
        transaction.on_commit(pending, robust=True)
    if name not in pending.names or name in _seen.names:
        pending.names.add(name)
        _seen.names.discard(name)
        new_generation(name)


def replace_left_over():
    """Replace the generations a commit could not; True when none is left over."""
    for name in list(_unbumped):
        try:
            new_generation(name)
        except Exception:
            logger.warning("Cache generation %s not replaced after a commit: tried again later", name, exc_info=True)
        else:
            _unbumped.discard(name)
    return not _unbumped


# -- Entries ----------------------------------------------------------------------------------

def lookup(found, key, tokens):
    """The value kept under `key` in `found` (what the request read) if it is of the generations `tokens` and not expired; else MISSING."""
    entry = found.get(key)
    if entry is not None and entry[0] == tokens and entry[1] > time.time():
        return entry[2]
    return MISSING


def read_entry(key, generations, *, when_asked_again=False, along=()):
    """
    (what the request read, the tokens of `generations`, whether `key` was looked for): the entry
    under `key` read with its generations and the keys `along`; one kept only once this process is
    asked for it again (`when_asked_again`: see `asked_before`) is looked for only then too, so a
    first asking costs no round trip for it.
    """
    found = read_many([*generations, *along, *([] if when_asked_again else [key])])
    tokens = tuple(generation(name, found) for name in generations)
    looked_for = not when_asked_again or asked_before(key, tokens)
    if when_asked_again and looked_for:
        found = {**found, **read_many([key])}
    return found, tokens, looked_for


def keep(key, tokens, value, seconds):
    """Keep `value` under `key` as of the generations `tokens`, for `seconds` (nothing when 0 or less)."""
    keep_many({key: value}, tokens, seconds)


def keep_many(values, tokens, seconds):
    """Keep each of `values` ({key: value}) as `keep` does, in one write."""
    if seconds <= 0 or not values:
        return
    expires = time.time() + seconds
    entries = {key: (tokens, expires, value) for key, value in values.items()}
    try:
        if len(entries) == 1:
            ((key, entry),) = entries.items()
            cache.set(key, entry, timeout=math.ceil(seconds))
        else:
            cache.set_many(entries, timeout=math.ceil(seconds))
    except Exception:
        logger.warning("Cache unavailable: %s not kept", next(iter(entries)).split(":")[0], exc_info=True)
    else:
        for key, entry in entries.items():
            _written(key, entry)


def remembered(key, make, timeout, generations=(PAGES_GENERATION,)):
    """
    What make() returns, kept under `key` while the generations it was made in last (at most
    `timeout` seconds), and made again after. No round trip of its own when the request expected `key`.
    """
    try:
        found = read_many([*generations, key])
        tokens = tuple(generation(name, found) for name in generations)
    except Exception:
        logger.warning("Cache unavailable", exc_info=True)
        return make()
    value = lookup(found, key, tokens)
    if value is MISSING:
        value = make()
        keep(key, tokens, value, timeout)
    return value


_made_here = {}  # key: (generation tokens, value), for `made_here`


def made_here(key, make, generations=(PAGES_GENERATION,)):
    """
    What make() returns, kept in this process's memory while the generations it was made in last
    (their tokens read in the request's round trip): for a value made from a whole table that
    every page of a kind reads whole, which unpickling from the cache on each read would cost
    more than keeping it here.
    """
    try:
        tokens = tuple(generation(name) for name in generations)
    except Exception:
        logger.warning("Cache unavailable", exc_info=True)
        return make()
    kept = _made_here.get(key)
    if kept is not None and kept[0] == tokens:
        return kept[1]
    value = make()
    _made_here[key] = (tokens, value)
    return value


_asked = {}  # {key: the generation tokens} this process was last asked for it as of, for `asked_before`
ASKED_REMEMBERED = 20_000  # about 3 MB


def asked_before(key, tokens):
    """
    Whether this process was asked for `key` before, as of the same generations (`tokens`, as
    `keep` takes them), as a cache asked to keep something only on its second request does (nginx's
    proxy_cache_min_uses 2). It is remembered from now on, in this process's memory (no round
    trip, no write); past ASKED_REMEMBERED keys, all are forgotten at once. What is kept only then
    is looked for only then too (`read_entry`): a one-off search costs no round trip (another
    process's copy is read from this process's second request on).
    """
    if _asked.get(key) == tokens:
        return True
    if len(_asked) >= ASKED_REMEMBERED:
        _asked.clear()
    _asked[key] = tokens
    return False


def asked_here(key):
    """Whether this process was asked for `key` before, as of any generations: whether `expect` should fetch it."""
    return key in _asked


def claim(key, seconds):
    """
    True for the first request to claim `key` within `seconds` (on every server at once), False for
    the others; None when the cache cannot be asked. A claim holds its time, judged by this
    server's clock as the database's records would be; a request that expected `key` learns that
    it is claimed without another round trip.
    """
    now = time.time()

    def holds(claimed_at):  # absent, or never read: None or MISSING
        return isinstance(claimed_at, float) and now - claimed_at < seconds

    if _reads.values is not None and holds(_reads.values.get(key)):
        return False
    try:
        if cache.add(key, now, timeout=seconds):
            return True
        if holds(cache.get(key)):
            return False
        cache.set(key, now, timeout=seconds)  # a claim kept past its time by a clock that lags ours
    except Exception:
        logger.warning("Cache unavailable", exc_info=True)
        return None
    return True
