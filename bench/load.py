"""
Load benchmark: the public pages under gunicorn, each as a ratio to a minimal Django view.

    .venv/bin/python bench/load.py                                   # throwaway PostgreSQL, 1,000 reports
    .venv/bin/python bench/load.py --reports 1000 --reports 100000   # the same at two sizes
    .venv/bin/python bench/load.py --database-url postgres://memri@127.0.0.1:5433/a \\
                                   --database-url postgres://memri@127.0.0.1:5433/b   # prepared corpora

Each database is one size of the archive: given (`--database-url`, repeatable; migrated and, with
as many `--reports`, filled up to that many), or made on a throwaway PostgreSQL and filled with
`generate_corpus` (`--reports`, repeatable, default 1000). For each, a subscriber with an active
subscription of the top tier and a logged-in session (with the CSRF cookie and the cookie naming
the user, as a returning browser has) are made, and gunicorn serves the site
(settings from the environment, as in production, plus the bench-only /bench/minimal/ view: see
bench/settings.py and bench/urls.py) with 2 × cores sync workers. `wrk` (apt-get install wrk) then
loads, with 50 connections for --duration seconds after a warm-up, in turn: the home page, the
report list, a gated report's page as an anonymous visitor (the teaser) and as the subscriber (the
full text), the site feed, a search (one fixed query), the search page with a small fixed set of
queries going round (REPEATED_QUERIES: what kept results answer once each is made) and the
search page with a query never asked before on every request (`bench/wrk_search.lua`: two words
of the corpus's vocabulary, the 300 commonest of its titles and summaries, joined by OR, and a
word no report holds left out, which makes each query one of its own, so that no cache of results
can help; with NEW_QUERY_CONNECTIONS connections, its row read for p50/p95/p99), each between two
measurements of the minimal view, whose
mean throughput there is the page's baseline (what the machine serves drifts during a run: a
baseline on one side only would count the drift against or for the page); the sizes are measured
one after the other for each page, so that they see the same load on the machine. All of it in
three runs (RUNS): with no cache at all (every page made from the database), with the page cache
off but the content cache on (CONTENT_CACHE_SECONDS=--cache-seconds, what signed-in readers always
get), and with both on, with CACHE_URL and REDIS_URL naming a throwaway redis-server when there is
one; --rounds rounds, each of which measures every page once in each run in turn (fresh servers
for each), so that every run is measured early and late alike (the median ratio counts). It prints
a table of requests per second and p50/p95/p99 latency, each page's throughput as a ratio to the
minimal view's, the targets of issues #7 and #24, and list and detail latency at each size as a
ratio to the smallest, and writes it to bench/results/load.md.
"""
import argparse
import collections
import contextlib
import datetime as dt
import itertools
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.search import (  # noqa: E402
    ensure_corpus,
    free_port,
    log,
    machine,
    premium_subscriber,
    settle_table,
    setup_django,
    stop_on_signals,
    throwaway_postgres,
)

RESULTS = ROOT / "bench" / "results" / "load.md"
WRK_SCRIPT = ROOT / "bench" / "wrk_summary.lua"
WRK_SEARCH = ROOT / "bench" / "wrk_search.lua"
SEARCH = "Hezbollah drone"
# The search page with a few queries going round, each thread in turn: names, spellings, a phrase,
# OR, an exclusion, a common and a rare word (bench/search.py's classes).
REPEATED_QUERIES = [
    "Hizbullah", "Hezbollah", "Nasr Allah", '"Red Sea" shipping', "drone OR rocket", "militia -Iraq", "statement", "Rubymar",
]
NEW_QUERY_CONNECTIONS = 16
VOCABULARY = 300  # the commonest words of titles and summaries that new queries are made of
BASELINE = "minimal view"
NEW_QUERIES, REPEATING = "search page, new query each request", "search page, repeating queries"
# (label, address key, as the subscriber): the address keys are filled in by prepare().
PAGES = [
    (BASELINE, "minimal", False),
    ("home page", "home", False),
    ("report list", "list", False),
    ("report detail, anonymous", "detail", False),
    ("report detail, subscriber", "detail", True),
    ("feed", "feed", False),
    ("search", "search", False),
    (REPEATING, "search_page", False),
    (NEW_QUERIES, "search_page", False),
]
# Pages loaded by bench/wrk_search.lua: (its mode, connections; None: --connections).
SEARCH_LOADS = {REPEATING: ("repeat", None), NEW_QUERIES: ("new", NEW_QUERY_CONNECTIONS)}
NO_CACHE, PAGE_CACHE_OFF, PAGE_CACHE_ON = "no cache", "page cache off", "page cache on"
# (title, page cache on?, content cache on?)
RUNS = [(NO_CACHE, False, False), (PAGE_CACHE_OFF, False, True), (PAGE_CACHE_ON, True, True)]
# (page, throughput as a share of the minimal view's, the runs judged, the issue that set it)
THROUGHPUT_TARGETS = [
    ("report detail, anonymous", 0.5, [PAGE_CACHE_OFF], 7),
    ("report detail, anonymous", 0.9, [PAGE_CACHE_ON], 7),
    ("report detail, subscriber", 0.4, [PAGE_CACHE_OFF, PAGE_CACHE_ON], 7),
    ("report list", 0.4, [PAGE_CACHE_OFF, PAGE_CACHE_ON], 7),
    (REPEATING, 0.25, [PAGE_CACHE_ON], 24),
]
# (page, percentile, at most so many ms, the runs judged, the issue that set it), at the largest
# size: judged by the median of the rounds' figures, as a page's row is picked by its throughput.
LATENCY_TARGETS = [(NEW_QUERIES, "p95", 150, [PAGE_CACHE_ON], 24)]
TAIL_TARGET = 10  # p99 ≤ 10 × p50
SCALE_TARGET = 1.5  # latency at the largest size ≤ 1.5 × at the smallest
SCALED_PAGES = ["report list", "report detail, anonymous"]


# --- The databases -------------------------------------------------------------------------------


def prepare(database_url, reports):
    """In a child process (Django set up on that database): migrate, fill, note what to request."""
    completed = subprocess.run(
        [sys.executable, __file__, "--prepare", database_url, "--reports", str(reports)],
        check=True, stdout=subprocess.PIPE, text=True,
    )
    return json.loads(completed.stdout.strip().splitlines()[-1])


def prepare_here(database_url, reports):
    setup_django(database_url)
    from django.conf import settings
    from django.core.management import call_command
    from django.middleware.csrf import CSRF_ALLOWED_CHARS, CSRF_SECRET_LENGTH
    from django.test import Client
    from django.utils.crypto import get_random_string

    from reports.cache.signed_in import SIGNED_IN_AS_COOKIE
    from reports.models import Report, Tier

    call_command("migrate", verbosity=0)
    ensure_corpus(reports, seed=1, batch=1000, workers=2)
    settle_table()
    top_tier = Tier.objects.order_by("rank").last()
    # A report only the top tier reads in full: the anonymous visitor gets the teaser, the
    # subscriber the whole text (its reads recorded as in production: one per 30 seconds, by
    # COUNTER's double-click rule).
    gated = Report.objects.published().filter(required_tier=top_tier).first()
    if gated is None:
        sys.exit(f"{database_url}: no published report for the {top_tier} tier; fill it with generate_corpus.")
    subscriber = premium_subscriber()
    client = Client()
    client.force_login(subscriber)
    print(json.dumps({
        "page_cache": hasattr(settings, "PAGE_CACHE_SECONDS"),
        "reports": Report.objects.count(),
        "published": Report.objects.published().count(),
        # A returning subscriber's browser holds the cookies that pages for signed-in readers set:
        # the CSRF cookie and the one naming the user (reports.cache.signed_in).
        "subscriber_cookie": (
            f"{settings.SESSION_COOKIE_NAME}={client.cookies[settings.SESSION_COOKIE_NAME].value}; "
            f"{settings.CSRF_COOKIE_NAME}={get_random_string(CSRF_SECRET_LENGTH, CSRF_ALLOWED_CHARS)}; "
            f"{SIGNED_IN_AS_COOKIE}={subscriber.pk}"
        ),
        "addresses": {
            "minimal": "/bench/minimal/", "home": "/", "list": "/reports/", "detail": gated.get_absolute_url(),
            "feed": "/feeds/rss/", "search": f"/search/?q={SEARCH.replace(' ', '+')}", "search_page": "/search/",
        },
        "vocabulary": vocabulary(Report.objects.published()),
    }))


def vocabulary(reports, sample=5000):
    """The VOCABULARY commonest words (four letters or more, no digits) of the titles and summaries of `sample` reports."""
    counted = collections.Counter(
        word.lower()
        for title, summary in reports.order_by("-published_at").values_list("title", "summary")[:sample]
        for word in re.findall(r"[^\W\d_]{4,}", f"{title} {summary}")
    )
    return [word for word, _ in counted.most_common(VOCABULARY)]


@contextlib.contextmanager
def databases(args):
    """(database URL, reports to fill up to) for each size."""
    if args.database_url:
        fills = args.reports or [0] * len(args.database_url)
        if len(fills) != len(args.database_url):
            sys.exit("Give as many --reports as --database-url, or none.")
        yield list(zip(args.database_url, fills))
        return
    with throwaway_postgres() as url:
        import psycopg2

        connection = psycopg2.connect(url)
        connection.autocommit = True
        urls = []
        for count in args.reports or [1000]:
            connection.cursor().execute(f"CREATE DATABASE memri_{count}")
            urls.append((urlunsplit(urlsplit(url)._replace(path=f"/memri_{count}")), count))
        connection.close()
        yield urls


@contextlib.contextmanager
def throwaway_redis():
    """A redis-server on a free port, in memory only; yields its URL, or None without redis-server."""
    binary = shutil.which("redis-server")
    if binary is None:
        log("No redis-server (apt-get install redis-server): the cache is each worker's local memory")
        yield None
        return
    port = free_port()
    server = subprocess.Popen([binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"],
                              stdout=subprocess.DEVNULL)
    try:
        time.sleep(0.5)
        log(f"Throwaway redis-server on port {port}")
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        server.terminate()
        server.wait()


# --- Serving and measuring ----------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(database_url, environment, workers, log_directory):
    port = free_port()
    env = {**os.environ, **environment, "DATABASE_URL": database_url, "DJANGO_SETTINGS_MODULE": "bench.settings"}
    env["CACHE_DIR"] = str(Path(log_directory) / f"cache-{port}")  # without Redis: each server's own disk cache
    with open(Path(log_directory) / f"gunicorn-{port}.log", "w") as output:
        server = subprocess.Popen(
            [str(ROOT / ".venv" / "bin" / "gunicorn"), "memri.wsgi", "--bind", f"127.0.0.1:{port}",
             "--workers", str(workers), "--chdir", str(ROOT), "--no-control-socket"],
            env=env, stdout=output, stderr=output,
        )
        try:
            wait_for(port, server)
            yield f"http://127.0.0.1:{port}"
        finally:
            server.terminate()
            server.wait()


def wait_for(port, server):
    for _ in range(300):
        if server.poll() is not None:
            sys.exit(f"gunicorn stopped (exit {server.returncode}): see its log")
        with contextlib.suppress(OSError):
            urllib.request.urlopen(f"http://127.0.0.1:{port}/bench/minimal/", timeout=2)
            return
        time.sleep(0.1)
    sys.exit("gunicorn did not answer in 30 s")


def drain(server):
    """Wait for the requests wrk left queued to be served, so that they do not load the next measurement."""
    with contextlib.suppress(OSError):
        urllib.request.urlopen(f"{server}/bench/minimal/", timeout=120).read()


def wrk(url, seconds, connections, cookie=None, script=WRK_SCRIPT, script_args=()):
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--timeout", "30s", "-s", str(script)]
    if cookie:
        command += ["-H", f"Cookie: {cookie}"]
    command.append(url)
    if script_args:
        command += ["--", *script_args]
    output = subprocess.run(command, check=True, stdout=subprocess.PIPE, text=True).stdout
    result = json.loads(output.strip().splitlines()[-1])
    result["rps"] = result["requests"] / (result["duration_us"] / 1e6)
    for key in ("p50", "p95", "p99", "max"):
        result[key] /= 1000  # ms
    return result


def measure(args, sizes, run, redis_url, log_directory):
    """
    One round of a run: ({(size, page): wrk result}, {size: the minimal view's results}) with the
    caches of the run on or off, in servers of its own. At each size the minimal view is measured
    first and after each page; a page's baseline is the mean of the two around it.
    """
    title, page_cache, content_cache = run
    environment = {
        "PAGE_CACHE_SECONDS": str(args.cache_seconds if page_cache else 0),
        "CONTENT_CACHE_SECONDS": str(args.cache_seconds if content_cache else 0),
        "ALLOWED_HOSTS": "127.0.0.1",
        "LOCAL_HTTP": "1",
        "SECRET_KEY": os.environ["SECRET_KEY"],
    }
    if redis_url:
        environment.update(CACHE_URL=redis_url, REDIS_URL=redis_url)
    results = {}
    with contextlib.ExitStack() as stack:
        servers = [stack.enter_context(gunicorn(size["url"], environment, args.workers, log_directory)) for size in sizes]

        def load(size, server, label, key, as_subscriber):
            url = server + size["addresses"][key]
            cookie = size["subscriber_cookie"] if as_subscriber else None
            connections, lua = args.connections, {}
            if label in SEARCH_LOADS:
                mode, connections = SEARCH_LOADS[label][0], SEARCH_LOADS[label][1] or args.connections
                lua = {"script": WRK_SEARCH, "script_args": search_load(mode, size, log_directory)}
            wrk(url, args.warmup, connections, cookie, **lua)
            drain(server)
            if label in SEARCH_LOADS:  # new queries for the measurement too, not the warm-up's again
                lua["script_args"] = search_load(SEARCH_LOADS[label][0], size, log_directory)
            result = wrk(url, args.duration, connections, cookie, **lua)
            drain(server)
            log(f"  {title:14}  {size['reports']:>7,} reports  {label:26} "
                f"{result['rps']:7.1f}/s  p50 {result['p50']:7.1f}  p95 {result['p95']:7.1f}  "
                f"p99 {result['p99']:7.1f} ms" + (f"  {result['status_errors']} errors" if result["status_errors"] else ""))
            if result["status_errors"] or result["socket_errors"]:
                log(f"    errors at {url}: {result['status_errors']} non-2xx/3xx, {result['socket_errors']} socket")
            return result

        baselines = {size["reports"]: [load(size, server, *PAGES[0])] for size, server in zip(sizes, servers)}
        for label, key, as_subscriber in PAGES[1:]:
            for size, server in zip(sizes, servers):
                # The minimal view's last measurement before the page in this server and its next after
                # it (the other size's page between): what the machine serves drifts.
                result = load(size, server, label, key, as_subscriber)
                measured = baselines[size["reports"]]
                measured.append(load(size, server, *PAGES[0]))
                result["baseline_rps"] = (measured[-2]["rps"] + measured[-1]["rps"]) / 2
                results[size["reports"], label] = result
    return results, baselines


def measure_interleaved(args, sizes, redis_url, log_directory):
    """
    ({run title: {(size, page): the round with the median ratio}}, {run title: {(size, page): each
    round's result, in order}}): --rounds rounds, each measuring every run (RUNS) in turn, so that
    every run is measured early and late alike. This machine serves about a third less after half
    an hour of load than rested: runs measured one after the other would give the last one its
    slowest moments.
    """
    rounds = {title: collections.defaultdict(list) for title, _, _ in RUNS}
    baselines = {title: collections.defaultdict(list) for title, _, _ in RUNS}
    for number in range(1, args.rounds + 1):
        for run in RUNS:
            log(f"Measuring, {run[0]}, round {number} of {args.rounds}")
            pages, minimal = measure(args, sizes, run, redis_url, log_directory)
            for page, result in pages.items():
                rounds[run[0]][page].append(result)
            for count, measured in minimal.items():
                baselines[run[0]][count] += measured
    runs = {}
    for title, measured_pages in rounds.items():
        runs[title] = {page: median(measured, ratio) for page, measured in measured_pages.items()}
        for count, measured in baselines[title].items():
            runs[title][count, BASELINE] = median(measured, lambda result: result["rps"])
            runs[title][count, BASELINE]["baseline_rps"] = runs[title][count, BASELINE]["rps"]
    return runs, rounds


_seeds = itertools.count(1)


def search_load(mode, size, log_directory):
    """The arguments of bench/wrk_search.lua: the file of words (new) or queries (repeat), and for new queries a seed of their own."""
    if mode == "repeat":
        path = Path(log_directory) / "repeated-queries.txt"
        path.write_text("\n".join(REPEATED_QUERIES) + "\n")
        return [mode, str(path)]
    path = Path(log_directory) / f"vocabulary-{size['reports']}.txt"
    path.write_text("\n".join(size["vocabulary"]) + "\n")
    return [mode, str(path), str(next(_seeds))]


def median(results, key):
    """The result in the middle by `key` (the upper one of an even number)."""
    return sorted(results, key=key)[len(results) // 2]


def collect_static():
    subprocess.run([sys.executable, str(ROOT / "manage.py"), "collectstatic", "--noinput", "-v0"], check=True,
                   env={**os.environ, "DJANGO_SETTINGS_MODULE": "memri.settings.base"})


# --- The report ---------------------------------------------------------------------------------


def ratio(result):
    """Requests per second over the minimal view's, measured right before and after in the same server (the mean)."""
    return result["rps"] / result["baseline_rps"]


def tail(result):
    """p99 / p50; infinite when nothing came back in time."""
    return result["p99"] / result["p50"] if result["p50"] else float("inf")


def markdown(args, sizes, runs, rounds, command, load):
    smallest, largest = sizes[0]["reports"], sizes[-1]["reports"]
    lines = [
        "# Load benchmark",
        "",
        f"Run by `bench/load.py` on {dt.date.today():%Y-%m-%d}: `{command}`",
        "",
        f"{machine()}; gunicorn with {args.workers} sync workers; wrk, 2 threads, {args.connections} connections "
        f"({NEW_QUERIES}: {NEW_QUERY_CONNECTIONS}), "
        f"{args.duration} s per measurement after {args.warmup} s of warm-up; load generator and server on the same machine; "
        f"{load}. Sizes: " + ", ".join(f"{size['reports']:,} reports ({size['published']:,} published)" for size in sizes)
        + f". Ratios: a page's requests per second over the mean of the minimal view's, its last measurement before"
        f" and its next after the page in the same server; {args.rounds} rounds, each measuring every page once in each run in turn"
        " (no cache, page cache off, page cache on), a page's row the round with the median ratio; the"
        " minimal view's row is the median of its measurements.",
        "",
    ]
    for title, results in runs.items():
        lines += [f"## {title}", ""]
        for size in sizes:
            count = size["reports"]
            lines += [
                f"{count:,} reports:",
                "",
                "| page | requests/s | × minimal view | p50 ms | p95 ms | p99 ms | p99/p50 | errors |",
                "|---|---:|---:|---:|---:|---:|---:|---:|",
            ]
            for label, _, _ in PAGES:
                result = results[count, label]
                lines.append(
                    f"| {label} | {result['rps']:.1f} | {ratio(result):.2f} | {result['p50']:.1f} | "
                    f"{result['p95']:.1f} | {result['p99']:.1f} | {tail(result):.1f} | "
                    f"{result['status_errors'] + result['socket_errors']} |"
                )
            lines.append("")
    lines += ["## Targets (issues #7 and #24)", "", "| target | measured | holds |", "|---|---|---|"]
    for title, results in runs.items():
        for label, share, judged, issue in THROUGHPUT_TARGETS:
            if title not in judged:
                continue
            measured = ratio(results[largest, label])
            lines.append(f"| {label}, {title}, ≥ {share:.0%} of the minimal view (#{issue}) | {measured:.0%} | "
                         f"{'yes' if measured >= share else 'no'} |")
        for label, percentile, most, judged, issue in LATENCY_TARGETS:
            if title not in judged:
                continue
            # A fixed bar in milliseconds: the row is the round of the median throughput ratio, and
            # one round's latency at one moment of the machine decides nothing.
            # Each round's figure with the minimal view's requests per second around it: the machine's
            # moment, which moves a bar in milliseconds and no ratio.
            measured_rounds = rounds[title][largest, label]
            measured = median([result[percentile] for result in measured_rounds], float)
            lines.append(f"| {label}, {title}: {percentile} ≤ {most} ms (#{issue}) | median of the rounds' "
                         + ", ".join(f"{result[percentile]:.1f} (minimal view {result['baseline_rps']:,.0f}/s)" for result in measured_rounds)
                         + f": {measured:.1f} ms | {'yes' if measured <= most else 'no'} |")
        tails = {label: tail(results[largest, label]) for label, _, _ in PAGES}
        worst = max(tails, key=tails.get)
        lines.append(f"| p99 ≤ {TAIL_TARGET}× p50 at {args.connections} connections, {title} | worst: {worst}, "
                     f"{tails[worst]:.1f}× | {'yes' if tails[worst] <= TAIL_TARGET else 'no'} |")
    if len(sizes) > 1:
        off = rounds[NO_CACHE]
        for label in SCALED_PAGES:
            # Within each round, where the two sizes were measured seconds apart: a page's rows may
            # come from different rounds, at different moments of the machine.
            growths = [large["p50"] / small["p50"] for large, small in zip(off[largest, label], off[smallest, label])]
            growth = median(growths, float)
            lines.append(f"| {label}: p50 at {largest:,} ≤ {SCALE_TARGET}× at {smallest:,} ({NO_CACHE}) | "
                         f"median of the rounds' {', '.join(f'{each:.2f}' for each in growths)}: {growth:.2f}× | "
                         f"{'yes' if growth <= SCALE_TARGET else 'no'} |")
    lines += ["", "Targets are judged at the largest size."]
    if not all(size["page_cache"] for size in sizes):
        lines.append("This code has no PAGE_CACHE_SECONDS setting yet: every run served the same, uncached pages.")
    lines.append("")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", action="append", help="a prepared database, one per size (repeatable)")
    parser.add_argument("--reports", type=int, action="append",
                        help="reports at each size (repeatable; default 1000 on a throwaway PostgreSQL)")
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per measurement (default 10)")
    parser.add_argument("--rounds", type=int, default=3,
                        help="measurements of each page, each after the minimal view's; the median ratio counts (default 3)")
    parser.add_argument("--warmup", type=int, default=3, help="seconds of load before each measurement (default 3)")
    parser.add_argument("--connections", type=int, default=50, help="concurrent connections (default 50)")
    parser.add_argument("--workers", type=int, default=2 * os.cpu_count(), help="gunicorn workers (default 2 × cores)")
    parser.add_argument("--cache-seconds", type=int, default=300, help="PAGE_CACHE_SECONDS and CONTENT_CACHE_SECONDS when on (default 300)")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"Markdown results (default {RESULTS.relative_to(ROOT)})")
    parser.add_argument("--prepare", help=argparse.SUPPRESS)
    args = parser.parse_args()
    os.environ.setdefault("SECRET_KEY", os.urandom(32).hex())
    if args.prepare:
        return prepare_here(args.prepare, args.reports[0])
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")

    stop_on_signals()
    command = " ".join(["bench/load.py", *sys.argv[1:]])
    with databases(args) as urls, throwaway_redis() as redis_url, tempfile.TemporaryDirectory() as log_directory:
        sizes = []
        for url, fill in urls:
            log(f"Preparing {urlsplit(url).path[1:]}")
            sizes.append({"url": url, **prepare(url, fill)})
        sizes.sort(key=lambda size: size["reports"])
        collect_static()
        load_before = os.getloadavg()[0]
        runs, rounds = measure_interleaved(args, sizes, redis_url, log_directory)
    load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    report = markdown(args, sizes, runs, rounds, command, load)
    print(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    log(f"Written to {args.output}")


if __name__ == "__main__":
    main()
