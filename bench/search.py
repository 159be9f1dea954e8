"""
Search benchmark: `reports.search.engine.search_reports` against a naive `icontains` scan, at scale.

    .venv/bin/python bench/search.py --reports 100000 --start-postgres
    DATABASE_URL=postgres://memri@127.0.0.1:5433/memri .venv/bin/python bench/search.py --reports 100000

It migrates the database, adds generated reports (`generate_corpus`) until there are N, runs
ANALYZE, then times ~30 realistic queries for an anonymous visitor and for a premium subscriber:
a page of results with its reports and their count (`search_page`, as the search page: the first
page, or page 5 reached by the next-page keys of pages 1-4), after a warm-up, R times each; and the
naive baseline (every word `icontains` title, summary or body, over published reports) in the same
run. It prints a table of p50/p95 and writes it, with an EXPLAIN ANALYZE of a search, to
bench/results/search.md.

PostgreSQL: `--start-postgres` starts a throwaway server (as scripts/run-tests does: initdb and
pg_ctl, run as user postgres when root, on a free port, in a temporary directory) and stops and
deletes it at the end, whatever happens. By hand, the same:

    D=$(mktemp -d /tmp/bench-pg.XXXXXX); chown postgres "$D"    # chown and runuser only as root
    runuser -u postgres -- /usr/lib/postgresql/15/bin/initdb -D "$D/data" -U memri --auth=trust -E UTF8 --locale=C.UTF-8
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$D/data" -l "$D/log" -w \\
        -o "-p 5433 -k $D -c listen_addresses=127.0.0.1" start
    psql -h 127.0.0.1 -p 5433 -U memri postgres -c 'CREATE DATABASE memri'
    ...                                               # benchmark with DATABASE_URL as above
    runuser -u postgres -- /usr/lib/postgresql/15/bin/pg_ctl -D "$D/data" -m fast stop; rm -rf "$D"

Settings come from memri.settings.base (DJANGO_SETTINGS_MODULE to override); SECRET_KEY from the
environment, or a generated one.
"""
import argparse
import contextlib
import datetime as dt
import gc
import glob
import math
import os
import platform
import re
import secrets
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "search.md"
TARGET_P95_MS = 50
TARGET_RATIO = 20

# (query, what it exercises)
QUERIES = [
    ("Hizbullah", "organization, the desk's spelling"),
    ("Hezbollah", "the same, another transliteration (alias)"),
    ("Hizballah", "the same, a third"),
    ("Kata'ib Hizbullah", "organization, two words with an apostrophe"),
    ("Kataib Hezbollah", "the same, folded and respelled"),
    ("Houthis", "alias of Ansar Allah"),
    ("'Adel Al-Kar'awi", "person, with ayn marks and article"),
    ("Adil al-Karawi", "the same person, alias"),
    ("Asaib Ahl al-Haq", "organization alias"),
    ("Sabereen News", "Telegram channel"),
    ('"legitimate target"', "phrase"),
    ('"Red Sea" shipping', "phrase and word"),
    ("drone OR rocket", "alternatives"),
    ("Houthis OR Hezbollah", "alternatives, two entities"),
    ("Hizbullah -Gaza", "exclusion"),
    ("militia -Iraq", "common word, exclusion"),
    ("Rubymar", "rare word"),
    ("Shaddadi", "rare word"),
    ("statement", "common word"),
    ("propaganda claim", "two common words"),
    ("Nasrallah", "spelling variant: the desk's"),
    ("Nasrullah", "spelling variant: -ullah"),
    ("Nasr Allah", "spelling variant: apart"),
    ("Qassem", "spelling variant: e (none in the corpus)"),
    ("Kassem", "spelling variant: k for q (none in the corpus)"),
    ("al-Qassam", "spelling variant: in the corpus"),
    ("Kassam", "spelling variant: k for q, no article"),
    ("statement", "common word, page 5", 5),
    ("statement", "common word, page 5, newest first", 5, "date"),
    ("Hizbullah", "organization, page 5", 5),
]
NAIVE_PART = re.compile(r'(-?)"([^"]*)"?|(\S+)')


# --- A throwaway PostgreSQL ---------------------------------------------------------------------


def find_pg_bin():
    initdb = shutil.which("initdb")
    candidates = [os.path.dirname(initdb)] if initdb else []
    for directory in candidates + sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if all(os.access(os.path.join(directory, tool), os.X_OK) for tool in ("initdb", "pg_ctl")):
            return directory
    sys.exit("PostgreSQL's initdb and pg_ctl are needed (apt-get install postgresql).")


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def throwaway_postgres():
    """A PostgreSQL server in a temporary directory; yields its DATABASE_URL; stopped and deleted on exit."""
    pg_bin = find_pg_bin()
    as_root = os.geteuid() == 0
    as_postgres = ["runuser", "-u", "postgres", "--"] if as_root else []
    directory = tempfile.mkdtemp(prefix="bench-pg.")
    port = free_port()
    if as_root:
        shutil.chown(directory, "postgres")
    pg_ctl = [*as_postgres, f"{pg_bin}/pg_ctl", "-D", f"{directory}/data"]
    try:
        subprocess.run([*as_postgres, f"{pg_bin}/initdb", "-D", f"{directory}/data", "-U", "memri", "--auth=trust",
                        "-E", "UTF8", "--locale=C.UTF-8"], check=True, stdout=subprocess.DEVNULL)
        # fsync off: the data is thrown away. shared_buffers sized for the corpus, as on a server.
        options = (f"-p {port} -k {directory} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off"
                   " -c full_page_writes=off -c shared_buffers=1GB")
        subprocess.run([*pg_ctl, "-l", f"{directory}/log", "-w", "-o", options, "start"], check=True,
                       stdout=subprocess.DEVNULL)
        import psycopg2

        connection = psycopg2.connect(host="127.0.0.1", port=port, user="memri", dbname="postgres")
        connection.autocommit = True
        connection.cursor().execute("CREATE DATABASE memri")
        connection.close()
        log(f"Throwaway PostgreSQL on port {port} in {directory}")
        yield f"postgres://memri@127.0.0.1:{port}/memri"
    finally:
        subprocess.run([*pg_ctl, "-m", "immediate", "stop"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        shutil.rmtree(directory, ignore_errors=True)
        log("Throwaway PostgreSQL stopped and deleted")


def stop_on_signals():
    """Turn SIGTERM and SIGHUP into SystemExit, so that the server is stopped on those too."""

    def leave(signum, frame):
        raise SystemExit(128 + signum)

    for signum in (signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, leave)


# --- Measuring ----------------------------------------------------------------------------------


def log(message):
    print(message, file=sys.stderr, flush=True)


def setup_django(database_url):
    if database_url:
        os.environ["DATABASE_URL"] = database_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "memri.settings.base")
    os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()


def naive_search(text):
    """The baseline: each word (or "phrase") icontains title, summary or body; OR and -word as in search."""
    from django.db.models import Q

    from reports.models import Report

    condition, alternatives, join_next = Q(), [], False
    for match in NAIVE_PART.finditer(text):
        minus, phrase, word = match.groups()
        if word == "OR":
            join_next = True
            continue
        negated = bool(minus) or (word is not None and word.startswith("-") and len(word) > 1)
        needle = phrase if phrase is not None else word.removeprefix("-")
        found = Q(title__icontains=needle) | Q(summary__icontains=needle) | Q(body__icontains=needle)
        found = ~found if negated else found
        if join_next and alternatives:
            alternatives[-1] |= found
        else:
            alternatives.append(found)
        join_next = False
    for alternative in alternatives:
        condition &= alternative
    return Report.objects.published().filter(condition)


def first_page(queryset):
    """What the naive list's first page costs: the count its paginator needs and its 20 reports."""
    from django.core.paginator import Paginator

    paginator = Paginator(queryset, 20)
    list(paginator.page(1).object_list)
    return f"{paginator.count:,}"


def page_keys(query, user, number, sort):
    """The key of page `number` of a search, by the next-page keys of the pages before it (not timed)."""
    from reports.search.engine import search_page

    key = None
    for _ in range(number - 1):
        key = search_page(query, user, sort=sort, key=key).next_key
        if key is None:
            sys.exit(f"{query!r} has fewer than {number} pages")
    return key


def result_page(query, user, key=None, sort="relevance"):
    """What a search page costs, as the search page gets it: its reports and their count."""
    from reports.models import Report
    from reports.search.engine import search_page

    page = search_page(query, user, sort=sort, key=key)
    page.reports(Report.objects.for_listing())
    return f"{page.found:,}" if page.exact else f"~{page.found:,}"


def timed(make_page, repeat, warmup):
    # From a collected heap: a full collection of everything the run has made so far (30 ms) falls
    # at the same point of every run, and was charged to one query's sample of ten, whichever.
    gc.collect()
    for _ in range(warmup):
        make_page()
    samples, count = [], 0
    for _ in range(repeat):
        started = time.perf_counter()
        count = make_page()
        samples.append((time.perf_counter() - started) * 1000)
    return samples, count


def percentile(samples, fraction):
    """Nearest-rank percentile."""
    ordered = sorted(samples)
    return ordered[max(0, math.ceil(fraction * len(ordered)) - 1)]


def premium_subscriber():
    from django.contrib.auth import get_user_model
    from django.utils import timezone

    from reports.models import Subscription, Tier

    user, _ = get_user_model().objects.get_or_create(username="bench-premium")
    if not user.subscriptions.active().exists():
        today = timezone.localdate()
        Subscription.objects.create(user=user, tier=Tier.objects.get(slug="premium"),
                                    starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=365))
    return user


def ensure_corpus(count, seed, batch, workers):
    from bench.corpus import generate_corpus
    from reports.models import Report

    missing = count - Report.objects.count()
    if missing <= 0:
        return None
    log(f"Generating {missing:,} reports (seed {seed})")

    def progress(state):
        log(f"  {state.done:>8,} / {state.total:,}  {state.elapsed:7.1f} s")

    return generate_corpus(missing, seed=seed, batch_size=batch, workers=workers, progress=progress)


def settle_table():
    """
    The report table as a site's settles: generating writes each report three times in a row
    (the report, its search documents, its stored parts) with no vacuum between, and migration
    0018 wrote every report again; each left the table about two thirds empty pages, which a
    site's autovacuum would let new rows fill and a benchmark run at once would read through.
    VACUUM FULL writes the table again without them; the VACUUM after it marks its pages
    all-visible, as index-only scans need, and analyzes every table.
    """
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("VACUUM FULL reports_report")
        cursor.execute("VACUUM ANALYZE")


def explain(query, user):
    """EXPLAIN ANALYZE of each query a first result page of this search makes."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        result_page(query, user)
    plans = []
    with connection.cursor() as cursor:
        for executed in captured.captured_queries:
            cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS) {executed['sql']}")
            plans.append(f"-- {executed['sql'][:160]}…\n" + "\n".join(row[0] for row in cursor.fetchall()))
    return "\n\n".join(plans)


def machine():
    memory = ""
    with contextlib.suppress(OSError, ValueError, IndexError):
        kib = int(Path("/proc/meminfo").read_text().split("\n")[0].split()[1])
        memory = f", {kib / 1024 / 1024:.0f} GiB memory"
    return f"{os.cpu_count()} cores{memory}, {platform.system()} {platform.machine()}, Python {platform.python_version()}"


def run(args):
    from django.contrib.auth.models import AnonymousUser
    from django.core.management import call_command
    from django.db import connection

    from reports.models import Report

    if connection.vendor != "postgresql":
        sys.exit("The benchmark is for PostgreSQL: set DATABASE_URL, or pass --start-postgres.")
    call_command("migrate", verbosity=0)
    generated = ensure_corpus(args.reports, args.seed, args.batch, args.workers)
    settle_table()
    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        server_version = cursor.fetchone()[0]
        cursor.execute("SELECT pg_size_pretty(pg_total_relation_size('reports_report'))")
        table_size = cursor.fetchone()[0]
    users = {"anonymous": AnonymousUser(), "premium": premium_subscriber()}

    load_before = os.getloadavg()[0]
    rows = []
    naive_runs = {}
    for query, purpose, *where in QUERIES:
        number, sort = (*where, "relevance")[:2] if where else (1, "relevance")
        # The baseline does not depend on the user: measured once, compared with each user's search.
        if query not in naive_runs:
            naive_runs[query] = timed(lambda: first_page(naive_search(query)), args.naive_repeat, 1)
        naive, naive_found = naive_runs[query]
        for label, user in users.items():
            key = page_keys(query, user, number, sort)
            search, found = timed(lambda: result_page(query, user, key, sort), args.repeat, args.warmup)
            row = {
                "query": query, "purpose": purpose, "user": label, "found": found, "naive_found": naive_found,
                "p50": statistics.median(search), "p95": percentile(search, 0.95),
                "naive_p50": statistics.median(naive), "naive_p95": percentile(naive, 0.95),
                "samples": search,
            }
            rows.append(row)
            log(f"  {query!r:28} {label:9} {found:>7} found  search p50 {row['p50']:7.1f} p95 {row['p95']:7.1f} ms"
                f"  naive p50 {row['naive_p50']:8.1f} ms  x{row['naive_p50'] / row['p50']:.0f}")

    plans = [
        (f"`search_reports({q!r}, {label})`, first page", explain(q, users[label]))
        for q, label in [("Rubymar", "anonymous"), ("Hizbullah", "anonymous"), ("statement", "premium")]
    ]
    load = f"load average {load_before:.1f} before the timings, {os.getloadavg()[0]:.1f} after"
    report = markdown(args, rows, plans, generated, server_version, table_size, load,
                      Report.objects.count(), Report.objects.published().count())
    print(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    log(f"Written to {args.output}")


def markdown(args, rows, plans, generated, server_version, table_size, load, total, published):
    from reports.search.engine import COUNT_LIMIT, RANKED

    lines = [
        "# Search benchmark",
        "",
        f"Run by `bench/search.py` on {dt.date.today():%Y-%m-%d}: {total:,} reports ({published:,} published), "
        f"table `reports_report` {table_size} with its indexes and TOAST; PostgreSQL {server_version}; {machine()}; "
        f"{load}.",
        "Each figure: a result page (20 reports) with its reports and their count, in ms; search through "
        f"`search_page` as the search page does (the first page, or page 5 by the next-page keys of pages 1-4, "
        f"not timed; by relevance within each {RANKED:,} matches, newest first; found exact up to {COUNT_LIMIT:,}, "
        f"past it estimated from a sample, shown ~), "
        f"naive's first page through Django's `Paginator` (exact count); after {args.warmup} warm-up run(s); "
        f"search {args.repeat} runs, naive {args.naive_repeat} runs (1 warm-up). Naive: every word `icontains` title, "
        "summary or body of published reports (OR and -word likewise), newest first; it does not depend on the user, "
        "so it is measured once per query.",
        "",
    ]
    if generated:
        lines += [
            f"Corpus generated in this run: {generated.done:,} reports in {generated.elapsed:.0f} s "
            f"with {args.workers} worker(s) (making {generated.made_seconds:.0f} s; summed over the workers, rendering "
            f"and writing {generated.written_seconds:.0f} s, search indexing {generated.indexed_seconds:.0f} s).",
            "",
        ]
    all_search = [sample for row in rows for sample in row["samples"]]
    slow = [row for row in rows if row["p95"] > TARGET_P95_MS]
    ratios = [row["naive_p50"] / row["p50"] for row in rows]
    lines += [
        "## Summary",
        "",
        f"- search, all queries and users: p50 {statistics.median(all_search):.1f} ms, "
        f"p95 {percentile(all_search, 0.95):.1f} ms; worst per-query p95 {max(row['p95'] for row in rows):.1f} ms",
        f"- queries × users over the {TARGET_P95_MS} ms p95 target: {len(slow)} of {len(rows)}"
        + (f" ({', '.join(sorted({repr(row['query']) for row in slow}))})" if slow else ""),
        f"- naive / search (p50): median ×{statistics.median(ratios):.0f}, lowest ×{min(ratios):.1f}; "
        f"under ×{TARGET_RATIO}: {sum(ratio < TARGET_RATIO for ratio in ratios)} of {len(rows)}",
        "",
        "## Per query",
        "",
        "| query | what | user | found | search p50 | search p95 | naive found | naive p50 | naive p95 | naive/search |",
        "|---|---|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for row in rows:
        lines.append(
            f"| `{row['query']}` | {row['purpose']} | {row['user']} | {row['found']} | {row['p50']:.1f} | "
            f"{row['p95']:.1f} | {row['naive_found']} | {row['naive_p50']:.0f} | {row['naive_p95']:.0f} | "
            f"×{row['naive_p50'] / row['p50']:.0f} |"
        )
    lines += ["", "Found counts differ: search folds, stems and matches entity aliases, and a visitor finds gated reports "
              "by their public fields only; naive matches substrings in every field.", ""]
    for title, plan in plans:
        gin = sorted(set(re.findall(r"Bitmap Index Scan on (\w+)", plan)))
        lines += [
            f"## EXPLAIN ANALYZE: {title}",
            "",
            f"Index scans: {', '.join(gin) if gin else 'none (no GIN index used)'}.",
            "",
            "```",
            plan,
            "```",
            "",
        ]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--reports", type=int, default=100_000, help="reports the database should hold (default 100000)")
    parser.add_argument("--seed", type=int, default=1, help="seed of generate_corpus (default 1)")
    parser.add_argument("--batch", type=int, default=1000, help="generate_corpus batch size (default 1000)")
    parser.add_argument("--workers", type=int, default=2, help="generate_corpus workers (default 2)")
    parser.add_argument("--repeat", type=int, default=10, help="timed runs of each search (default 10)")
    parser.add_argument("--naive-repeat", type=int, default=5, help="timed runs of each naive query (default 5)")
    parser.add_argument("--warmup", type=int, default=2, help="untimed runs first (default 2)")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"Markdown results (default {RESULTS.relative_to(ROOT)})")
    parser.add_argument("--start-postgres", action="store_true", help="start a throwaway PostgreSQL for the run")
    args = parser.parse_args()

    stop_on_signals()
    with throwaway_postgres() if args.start_postgres else contextlib.nullcontext(None) as database_url:
        setup_django(database_url)
        run(args)


if __name__ == "__main__":
    main()
