"""
Wagtail benchmark: our report pages beside a static file and a plain Wagtail 8 page holding the same text.

    .venv/bin/python bench/wagtail.py                                  # 10 s per measurement, 3 rounds
    .venv/bin/python bench/wagtail.py --duration 5 --rounds 2          # shorter
    .venv/bin/python bench/wagtail.py --workers 4 --no-wagtail-cache   # other worker count, one Wagtail row

Needs `wrk` (apt-get install wrk) and, on the first run, PyPI: Wagtail is installed in a throwaway
virtualenv of its own (--wagtail-venv, default /tmp/memri-wagtail-venv: `python -m venv` with the
interpreter of ours, then `pip install "wagtail>=8,<9" gunicorn`; reused while it holds Wagtail 8,
gunicorn and the same Python). Nothing is installed into our .venv.

What is served, each by gunicorn with --workers sync workers (default 2, as `make run`), bound to a
free port on 127.0.0.1 (without gunicorn 27's control socket, one path for every gunicorn of the
user, which the servers would take from one another), all on SQLite:

- Our site, on a throwaway SQLite file filled as `make run` fills it (migrate, load_demo,
  rebuild_search_index, collectstatic into a throwaway STATIC_ROOT: memri.settings.base fixes
  STATIC_ROOT, so the servers run a settings module written into the temporary directory that
  imports memri.settings.base and changes STATIC_ROOT alone), twice:
  - "no cache": PAGE_CACHE_SECONDS=0 CONTENT_CACHE_SECONDS=0, no CACHE_URL or REDIS_URL;
  - "make run": the environment of the Makefile's RUN_ENV, read from the Makefile at run time
    (HOST 127.0.0.1, PORT the server's; relative var/ paths such as SECRET_KEY_FILE moved into the
    temporary directory), so whatever cache settings are the default at the time are the ones measured.
  Nothing else comes from the calling environment (only PATH, HOME, LANG, TMPDIR and the like pass).
- A minimal Wagtail project: the one `wagtail start` makes, with its production settings (DEBUG
  off, Wagtail's own middleware, no cache), plus one page type (bench/wagtail_site/: title, summary,
  body and footnotes as rich text) on a throwaway SQLite file; one page holds the text of our
  complimentary report (title, summary, the body's HTML with its quotes as our page shows them,
  the footnotes' HTML). Served once as is and once (unless --no-wagtail-cache) with Django's
  per-site cache middleware on Wagtail's default cache (each worker's memory).

The targets, each checked with one request first (200, no redirect, and the page it should be: the
gated report's teaser shows the paywall and no text; the others their text), then loaded with
`wrk -t2 -c16` (--connections) for --duration seconds after --warmup seconds, --rounds times; in
each round every target once, each round starting one target further, so that what the machine
does meanwhile is shared:

- a static file of ours (css/site.css under its hashed name, as pages link it) through WhiteNoise;
- our gated report's page as an anonymous visitor (the teaser), no cache and make run;
- our complimentary report's page (the full text), no cache and make run;
- the Wagtail page, plain and with the per-site cache.

It prints a Markdown table (median requests/s of the rounds, median p50 and p99, each as a ratio to
the static file and to the plain Wagtail page) with the ratios that matter, and writes it to
bench/results/wagtail.md with the date, machine, versions and command. Requests go to 127.0.0.1
only; every server is stopped and the temporary directory deleted at the end, also on Ctrl-C.
"""
import argparse
import contextlib
import datetime as dt
import html
import json
import os
import re
import shlex
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

sys.dont_write_bytecode = True
ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.load import wrk  # noqa: E402
from bench.search import free_port, log, machine, stop_on_signals  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "wagtail.md"
WAGTAIL_SITE = ROOT / "bench" / "wagtail_site"
OUR_BIN = ROOT / ".venv" / "bin"
WAGTAIL_VENV = Path("/tmp/memri-wagtail-venv")
WAGTAIL_REQUIREMENT = "wagtail>=8,<9"
WAGTAIL_MAJOR = 8
STATIC_FILE = "css/site.css"
# What passes from the calling environment to every child: nothing that the settings read.
PASSED = ("PATH", "HOME", "LANG", "LC_ALL", "LC_CTYPE", "TMPDIR", "TERM", "USER")
PAYWALL = "This report is for subscribers"

# Targets: (key, label). The key names the server and the address (see targets()).
STATIC = ("static", "static file (WhiteNoise)")
OURS_TEASER_OFF = ("teaser-off", "our gated report, anonymous (teaser), no cache")
OURS_FULL_OFF = ("full-off", "our complimentary report (full text), no cache")
OURS_TEASER_RUN = ("teaser-run", "our gated report, anonymous (teaser), make run")
OURS_FULL_RUN = ("full-run", "our complimentary report (full text), make run")
WAGTAIL = ("wagtail", "Wagtail page, plain")
WAGTAIL_CACHED = ("wagtail-cached", "Wagtail page, per-site cache middleware")


def child_environment(**extra):
    environment = {name: os.environ[name] for name in PASSED if name in os.environ}
    return {**environment, "PYTHONDONTWRITEBYTECODE": "1", **extra}


def run(command, environment, cwd, what):
    """A preparation step; its output shown only when it fails."""
    completed = subprocess.run([str(part) for part in command], env=environment, cwd=cwd,
                               stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    if completed.returncode != 0:
        sys.exit(f"{what} failed (exit {completed.returncode}):\n{completed.stdout[-4000:]}")
    return completed.stdout


# --- Our site -------------------------------------------------------------------------------------


def make_run_environment(host, port, state_directory):
    """
    The variables the Makefile's RUN_ENV sets, as `make run` would set them for HOST and PORT; a
    relative var/ path (the Makefile's local state, e.g. SECRET_KEY_FILE=var/secret-key) moved into
    state_directory, with a generated key where it names the secret key file.
    """
    variables, assignment = {}, re.compile(r"^([A-Za-z_][A-Za-z0-9_]*)\s*(?:\?=|:=|=)\s*(.*)$")
    for line in (ROOT / "Makefile").read_text().splitlines():
        match = assignment.match(line)
        if match:
            variables.setdefault(match.group(1), match.group(2).strip())
    if "RUN_ENV" not in variables:
        sys.exit("The Makefile has no RUN_ENV: bench/wagtail.py cannot tell what `make run` sets.")
    variables.update(HOST=host, PORT=str(port))

    def expand(text, depth=0):
        if depth > 10:
            sys.exit(f"Makefile: RUN_ENV does not expand: {text}")

        def value(match):
            name = match.group(1)
            if name not in variables:
                sys.exit(f"Makefile: RUN_ENV uses $({name}), which bench/wagtail.py does not know")
            return expand(variables[name], depth + 1)

        return re.sub(r"\$\(([A-Za-z_][A-Za-z0-9_]*)\)", value, text)

    environment = {}
    for word in shlex.split(expand(variables["RUN_ENV"])):
        name, equals, value = word.partition("=")
        if not equals:
            sys.exit(f"Makefile: RUN_ENV holds {word!r}, not NAME=value")
        if value.startswith("var/"):
            value = str(Path(state_directory) / value)
            Path(value).parent.mkdir(parents=True, exist_ok=True)
            if name == "SECRET_KEY_FILE":
                Path(value).write_text(os.urandom(32).hex() + "\n")
        environment[name] = value
    return environment


def our_environment(work, database_url, static_root, **variables):
    """Settings from the environment as in production, plus the throwaway database and STATIC_ROOT."""
    settings = Path(work) / "memri_bench_settings.py"
    if not settings.exists():
        settings.write_text(
            '"""memri.settings.base with a throwaway STATIC_ROOT (written by bench/wagtail.py)."""\n'
            "from memri.settings.base import *  # noqa: F403\n\n"
            f"STATIC_ROOT = {str(static_root)!r}\n"
        )
    return child_environment(DATABASE_URL=database_url, DJANGO_SETTINGS_MODULE="memri_bench_settings",
                             PYTHONPATH=str(work), **variables)


def prepare_ours(environment):
    """As `make run` does, then what to request and the text to copy, from a child process on our settings."""
    python = OUR_BIN / "python"
    for step in (["migrate", "--noinput", "-v0"], ["load_demo", "-v0"], ["rebuild_search_index"],
                 ["collectstatic", "--noinput", "-v0"]):
        log(f"  manage.py {step[0]}")
        run([python, "manage.py", *step], environment, ROOT, f"manage.py {step[0]}")
    output = run([python, __file__, "--describe"], environment, ROOT, "Reading our demo data")
    return json.loads(output.strip().splitlines()[-1])


def settings_summary():
    from django.conf import settings

    cache = settings.CACHES["default"]
    return {
        "PAGE_CACHE_SECONDS": getattr(settings, "PAGE_CACHE_SECONDS", None),
        "CONTENT_CACHE_SECONDS": getattr(settings, "CONTENT_CACHE_SECONDS", None),
        "cache": cache["BACKEND"] + (f" at {cache['LOCATION']}" if cache.get("LOCATION") else ""),
        "SESSION_ENGINE": settings.SESSION_ENGINE,
        "CONN_MAX_AGE": settings.DATABASES["default"].get("CONN_MAX_AGE"),
    }


def describe_here(summary_only):
    """In our venv, on our settings: JSON of the reports to request, the text to copy, versions and settings."""
    import django

    django.setup()
    if summary_only:
        print(json.dumps(settings_summary()))
        return
    import gunicorn
    from django.contrib.staticfiles.storage import staticfiles_storage
    from django.db.models.functions import Length

    from reports.models import Report
    from reports.models.media import reader_text_parts
    from reports.text.reading import reader_text

    published = Report.objects.published()
    complimentary = published.with_access_now(None).order_by(Length("body_html").desc(), "slug").first()
    gated = published.gated_now().filter(access_changes_at=None).order_by("-required_tier__rank", "slug").first()
    if complimentary is None or gated is None:
        sys.exit("The demo data has no published complimentary report, or no published gated one.")
    # The text as our page shows it to whoever may read it: the body with its quotes in place (and
    # those no marker places after it), and the notes.
    parts = reader_text_parts(complimentary)
    with_notes = reader_text(complimentary, parts)
    body = f'<div class="report-text">{reader_text(complimentary, {**parts, "footnotes": None}).strip()}</div>'
    start, end = with_notes.find('<section class="footnotes"'), with_notes.rfind("</section>")
    if start < 0 or end < start:
        sys.exit(f"{complimentary.slug}: no footnotes section in its text; pick another report.")
    print(json.dumps({
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "python": sys.version.split()[0],
        "static": staticfiles_storage.url(STATIC_FILE),
        "static_size": (ROOT / "static" / STATIC_FILE).stat().st_size,
        "gated": {"url": gated.get_absolute_url(), "title": gated.title, "tier": str(gated.required_tier)},
        "complimentary": {"url": complimentary.get_absolute_url(), "title": complimentary.title},
        "copy": {
            "title": complimentary.title,
            "slug": complimentary.slug,
            "summary": complimentary.summary,
            "body": body,
            "footnotes": with_notes[start:end + len("</section>")],
        },
        "settings": settings_summary(),
    }))


# --- Wagtail --------------------------------------------------------------------------------------


def wagtail_versions(venv):
    """{"wagtail", "django", "gunicorn", "python"} of the venv, or None where it has not them."""
    python = Path(venv) / "bin" / "python"
    if not python.exists():
        return None
    completed = subprocess.run(
        [str(python), "-c", "import json, sys, django, gunicorn, wagtail; print(json.dumps({'wagtail': wagtail.__version__,"
         " 'django': django.get_version(), 'gunicorn': gunicorn.__version__, 'python': sys.version.split()[0]}))"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    )
    return json.loads(completed.stdout) if completed.returncode == 0 else None


def ensure_wagtail_venv(venv):
    """The throwaway virtualenv with Wagtail 8 and gunicorn: reused when it matches, made anew otherwise."""
    venv = Path(venv)
    interpreter = getattr(sys, "_base_executable", None) or shutil.which("python3")
    ours = sys.version.split()[0]
    versions = wagtail_versions(venv)
    if versions and versions["wagtail"].split(".")[0] == str(WAGTAIL_MAJOR) and versions["python"] == ours:
        log(f"Reusing {venv} (Wagtail {versions['wagtail']})")
        return versions
    if venv.exists():
        if not (venv / "pyvenv.cfg").exists():
            sys.exit(f"{venv} exists and is no virtualenv: give another --wagtail-venv")
        log(f"{venv} does not match (Wagtail {WAGTAIL_MAJOR}, Python {ours}): making it anew")
        shutil.rmtree(venv)
    log(f"Making {venv}: python -m venv, pip install {WAGTAIL_REQUIREMENT} gunicorn")
    run([interpreter, "-m", "venv", venv], child_environment(), "/", "python -m venv")
    run([venv / "bin" / "pip", "install", "-q", WAGTAIL_REQUIREMENT, "gunicorn"], child_environment(), "/",
        "pip install wagtail")
    versions = wagtail_versions(venv)
    if not versions:
        sys.exit(f"{venv}: Wagtail or gunicorn does not import after pip install")
    return versions


def wagtail_environment(work, database, static_root, site_cache=False):
    return child_environment(
        DJANGO_SETTINGS_MODULE="bench_settings",
        PYTHONPATH=str(WAGTAIL_SITE),
        WAGTAIL_BENCH_SECRET_KEY=os.urandom(32).hex(),
        WAGTAIL_BENCH_ALLOWED_HOSTS="127.0.0.1,localhost",
        WAGTAIL_BENCH_DATABASE=str(database),
        WAGTAIL_BENCH_STATIC_ROOT=str(static_root),
        WAGTAIL_BENCH_SITE_CACHE="1" if site_cache else "0",
    )


def prepare_wagtail(venv, project, environment, content_file):
    """`wagtail start`, migrate, collectstatic, then the report page; returns its address and settings."""
    project.mkdir()
    run([venv / "bin" / "wagtail", "start", "benchsite", project], environment, project.parent, "wagtail start")
    python = venv / "bin" / "python"
    for step in (["migrate", "--noinput", "-v0"], ["collectstatic", "--noinput", "-v0"]):
        log(f"  Wagtail manage.py {step[0]}")
        run([python, "manage.py", *step], environment, project, f"Wagtail manage.py {step[0]}")
    address = run([python, "manage.py", "make_report_page", content_file], environment, project,
                  "Making the Wagtail page").strip().splitlines()[-1]
    summary = run([python, "manage.py", "shell", "-c",
                   "import json; from django.conf import settings as s; print(json.dumps({"
                   "'cache': s.CACHES['default']['BACKEND'], 'SESSION_ENGINE': s.SESSION_ENGINE, "
                   "'CONN_MAX_AGE': s.DATABASES['default'].get('CONN_MAX_AGE', 0), 'MIDDLEWARE': s.MIDDLEWARE}))"],
                  environment, project, "Reading Wagtail's settings")
    return address, json.loads(summary.strip().splitlines()[-1])


# --- Serving and checking -------------------------------------------------------------------------


@contextlib.contextmanager
def gunicorn(name, binary, application, port, workers, environment, cwd, log_directory, ready_path):
    """A gunicorn of sync workers on 127.0.0.1:port; stopped on leaving, whatever happens."""
    command = [str(binary), application, "--bind", f"127.0.0.1:{port}", "--workers", str(workers),
               "--worker-class", "sync", "--chdir", str(cwd)]
    if "--no-control-socket" in subprocess.run([str(binary), "--help"], stdout=subprocess.PIPE, text=True).stdout:
        # gunicorn 27's control socket is one path for every server of the user (~/.gunicorn/gunicorn.ctl):
        # ours would take it from one another and from any other gunicorn on the machine.
        command.append("--no-control-socket")
    with open(Path(log_directory) / f"{name}.log", "w") as output:
        server = subprocess.Popen(command, env=environment, stdout=output, stderr=output)
        try:
            base = f"http://127.0.0.1:{port}"
            for _ in range(600):
                if server.poll() is not None:
                    sys.exit(f"gunicorn for {name} stopped (exit {server.returncode}):\n"
                             + (Path(log_directory) / f"{name}.log").read_text()[-4000:])
                with contextlib.suppress(OSError):
                    urllib.request.urlopen(base + ready_path, timeout=2).read()
                    break
                time.sleep(0.1)
            else:
                sys.exit(f"gunicorn for {name} did not answer in 60 s")
            log(f"  {name}: gunicorn on port {port}")
            yield base
        finally:
            server.send_signal(signal.SIGQUIT)  # gunicorn's quick shutdown: what is queued is not served
            try:
                server.wait(timeout=15)
            except subprocess.TimeoutExpired:
                server.kill()
                server.wait()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def check(label, url, contains=(), lacks=(), header=None):
    """One request: it must answer 200 without a redirect and hold (or lack) the given texts; returns its size in bytes."""
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(url, timeout=30) as response:
            status, headers, body = response.status, response.headers, response.read()
    except urllib.error.HTTPError as error:
        status, headers, body = error.code, error.headers, error.read()
    text = body.decode("utf-8", "replace")
    problems = [f"status {status}" if status != 200 else ""]
    problems += [f"no {needle!r} in the page" for needle in contains if needle not in text]
    problems += [f"{needle!r} in the page" for needle in lacks if needle in text]
    if header:
        name, value = header
        if value not in (headers.get(name) or ""):
            problems.append(f"{name}: {headers.get(name)!r}, not {value!r}")
    problems = [problem for problem in problems if problem]
    if problems:
        sys.exit(f"{label}: {url} is not what is to be measured: {'; '.join(problems)}\n{text[:2000]}")
    return len(body)


def drain(url):
    """Wait for what wrk left queued on that server to be served, so that it does not load the next measurement."""
    with contextlib.suppress(OSError):
        urllib.request.urlopen(url, timeout=120).read()


# --- Measuring and the report ---------------------------------------------------------------------


def measure(args, targets):
    """{key: [wrk result of each round]}; each round every target once, starting one further each round."""
    results = {key: [] for key in targets}
    keys = list(targets)
    for number in range(args.rounds):
        order = keys[number % len(keys):] + keys[:number % len(keys)]
        log(f"Round {number + 1} of {args.rounds}")
        for key in order:
            target = targets[key]
            wrk(target["url"], args.warmup, args.connections)
            drain(target["drain"])
            result = wrk(target["url"], args.duration, args.connections)
            drain(target["drain"])
            results[key].append(result)
            errors = result["status_errors"] + result["socket_errors"]
            log(f"  {target['label']:58} {result['rps']:8.1f}/s  p50 {result['p50']:7.1f}  p99 {result['p99']:7.1f} ms"
                + (f"  {errors} errors" if errors else ""))
    return {
        key: {
            "rps": statistics.median(r["rps"] for r in rounds),
            "p50": statistics.median(r["p50"] for r in rounds),
            "p99": statistics.median(r["p99"] for r in rounds),
            "errors": sum(r["status_errors"] + r["socket_errors"] for r in rounds),
            "rounds": [r["rps"] for r in rounds],
        }
        for key, rounds in results.items()
    }


def markdown(args, command, targets, figures, ours, wagtail, load):
    def times(key, over):
        return figures[key]["rps"] / figures[over]["rps"] if over in figures else None

    def shown(value):
        return "–" if value is None else f"{value:.3f}" if value < 0.1 else f"{value:.2f}"

    copy = ours["copy"]
    lines = [
        "# Wagtail benchmark",
        "",
        f"Run by `bench/wagtail.py` on {dt.date.today():%Y-%m-%d}: `{command}`",
        "",
        f"{machine()}; {load}. Every server: gunicorn with {args.workers} sync workers on 127.0.0.1, SQLite. "
        f"wrk, 2 threads, {args.connections} connections, {args.duration} s per measurement after {args.warmup} s of "
        f"warm-up, on the same machine; {args.rounds} round{'s' if args.rounds > 1 else ''}, each measuring every "
        "target once (each round starting one target further). Figures: the median over the rounds of requests per second, of p50 and of p99 (each its own "
        "median); ratios are of the median requests per second.",
        "",
        f"Versions: ours Django {ours['django']}, gunicorn {ours['gunicorn']}, Python {ours['python']}; "
        f"Wagtail {wagtail['versions']['wagtail']} on Django {wagtail['versions']['django']}, gunicorn "
        f"{wagtail['versions']['gunicorn']}, Python {wagtail['versions']['python']}.",
        "",
        f"Our demo data (`load_demo`); gated report: {ours['gated']['title']!r} ({ours['gated']['tier']} tier, "
        f"`{ours['gated']['url']}`); complimentary report: {ours['complimentary']['title']!r} "
        f"(`{ours['complimentary']['url']}`), whose title, summary, body with its quotes "
        f"({len(copy['body']):,} characters of HTML) and notes ({len(copy['footnotes']):,}) the Wagtail page holds. "
        f"Static file: `{ours['static']}` ({ours['static_size']:,} bytes).",
        "",
        "| target | requests/s | p50 ms | p99 ms | page bytes | × static file | × Wagtail page | errors |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for key, target in targets.items():
        figure = figures[key]
        lines.append(
            f"| {target['label']} | {figure['rps']:.1f} | {figure['p50']:.1f} | {figure['p99']:.1f} | "
            f"{target['bytes']:,} | {shown(times(key, 'static'))} | {shown(times(key, 'wagtail'))} | {figure['errors']} |"
        )
    lines += ["", "## Ratios", ""]
    pairs = [
        ("full-off", "wagtail"), ("teaser-off", "wagtail"), ("full-run", "wagtail"), ("teaser-run", "wagtail"),
        ("full-run", "wagtail-cached"), ("teaser-run", "wagtail-cached"),
        ("full-run", "static"), ("teaser-run", "static"), ("wagtail", "static"), ("wagtail-cached", "static"),
        ("full-run", "full-off"), ("teaser-run", "teaser-off"),
    ]
    for key, over in pairs:
        if key in figures and over in figures:
            ratio = times(key, over)
            inverse = f" (the latter {1 / ratio:.1f}× as fast)" if ratio < 1 else ""
            lines.append(f"- {targets[key]['label']} ÷ {targets[over]['label']}: {ratio:.2f}{inverse}")
    lines += ["", "## Configurations", ""]
    for label, summary in (("Ours, no cache", ours["no_cache_settings"]), ("Ours, make run", ours["settings"])):
        lines.append(f"- {label}: page cache {summary['PAGE_CACHE_SECONDS']} s, content cache "
                     f"{summary['CONTENT_CACHE_SECONDS']} s, cache `{summary['cache']}`, sessions "
                     f"`{summary['SESSION_ENGINE']}`, CONN_MAX_AGE {summary['CONN_MAX_AGE']}.")
    lines.append(f"- Make run's environment, from the Makefile's RUN_ENV: `{ours['run_env']}` (var/ paths in a "
                 "temporary directory). No cache: `PAGE_CACHE_SECONDS=0 CONTENT_CACHE_SECONDS=0`, with "
                 "ALLOWED_HOSTS, LOCAL_HTTP=1 and SECRET_KEY; neither has CACHE_URL or REDIS_URL.")
    if ours["no_cache_settings"] == ours["settings"]:
        lines.append("- Make run's settings are, at this time, those of no cache: its rows and the no-cache rows "
                     "differ by the machine's noise alone.")
    plain = wagtail["settings"]
    lines.append(f"- Wagtail: `wagtail start`'s production settings; cache `{plain['cache']}`, sessions "
                 f"`{plain['SESSION_ENGINE']}`, CONN_MAX_AGE {plain['CONN_MAX_AGE']}; middleware: "
                 + ", ".join(f"`{name.rsplit('.', 1)[-1]}`" for name in plain["MIDDLEWARE"])
                 + ". With the per-site cache: `UpdateCacheMiddleware` first and `FetchFromCacheMiddleware` last, "
                 "600 s, on that cache (each worker's own memory).")
    lines += ["", "Requests per second of each round: "
              + "; ".join(f"{targets[key]['label']}: " + ", ".join(f"{rps:.1f}" for rps in figures[key]["rounds"])
                          for key in targets) + ".", ""]
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0].strip())
    parser.add_argument("--duration", type=int, default=10, help="seconds of load per measurement (default 10)")
    parser.add_argument("--warmup", type=int, default=2, help="seconds of load before each measurement (default 2)")
    parser.add_argument("--rounds", type=int, default=3, help="measurements of each target, interleaved (default 3)")
    parser.add_argument("--connections", type=int, default=16, help="wrk's concurrent connections (default 16)")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers of every server (default 2, as make run)")
    parser.add_argument("--wagtail-venv", type=Path, default=WAGTAIL_VENV,
                        help=f"the throwaway virtualenv for Wagtail (default {WAGTAIL_VENV}; reused when it matches)")
    parser.add_argument("--no-wagtail-cache", action="store_true", help="leave out Wagtail with the per-site cache")
    parser.add_argument("--output", type=Path, default=RESULTS, help=f"Markdown results (default {RESULTS.relative_to(ROOT)})")
    parser.add_argument("--describe", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--settings-summary", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.describe or args.settings_summary:
        return describe_here(summary_only=args.settings_summary)
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    if args.duration < 1 or args.rounds < 1 or args.warmup < 0 or args.workers < 1 or args.connections < 1:
        sys.exit("--duration, --rounds, --workers and --connections must be at least 1, --warmup at least 0")
    if not (OUR_BIN / "gunicorn").exists():
        sys.exit(f"No {OUR_BIN / 'gunicorn'}: make install first")

    stop_on_signals()
    signal.signal(signal.SIGINT, signal.default_int_handler)  # Ctrl-C stops it even when started in the background
    command = " ".join([".venv/bin/python bench/wagtail.py", *sys.argv[1:]])
    versions = ensure_wagtail_venv(args.wagtail_venv)
    with tempfile.TemporaryDirectory(prefix="bench-wagtail.") as work, contextlib.ExitStack() as servers:
        work = Path(work)
        ports = {name: free_port() for name in ("off", "run", "wagtail", "wagtail-cached")}

        log("Preparing our site (as make run does) on a throwaway SQLite file")
        database_url = f"sqlite:///{work / 'memri.sqlite3'}"
        static_root = work / "memri-static"
        run_env = make_run_environment("127.0.0.1", ports["run"], work)
        run_environment = our_environment(work, database_url, static_root, **run_env)
        off_environment = our_environment(
            work, database_url, static_root, ALLOWED_HOSTS="127.0.0.1,localhost", LOCAL_HTTP="1",
            SECRET_KEY=os.urandom(32).hex(), PAGE_CACHE_SECONDS="0", CONTENT_CACHE_SECONDS="0",
        )
        ours = prepare_ours(run_environment)
        ours["no_cache_settings"] = json.loads(
            run([OUR_BIN / "python", __file__, "--settings-summary"], off_environment, ROOT, "Reading our settings")
            .strip().splitlines()[-1])
        ours["run_env"] = " ".join(f"{name}={value}" for name, value in run_env.items()).replace(str(work), "$TMP")

        log(f"Preparing Wagtail: `wagtail start`, its page holding {ours['complimentary']['url']}'s text")
        content_file = work / "report.json"
        content_file.write_text(json.dumps(ours["copy"]))
        wagtail_db, wagtail_static = work / "wagtail.sqlite3", work / "wagtail-static"
        project = work / "wagtail"
        address, wagtail_settings = prepare_wagtail(
            args.wagtail_venv, project, wagtail_environment(work, wagtail_db, wagtail_static), content_file)
        wagtail = {"versions": versions, "settings": wagtail_settings}

        log("Starting the servers")
        serve = dict(workers=args.workers, log_directory=work)
        our_gunicorn = OUR_BIN / "gunicorn"
        wagtail_gunicorn = args.wagtail_venv / "bin" / "gunicorn"
        off = servers.enter_context(gunicorn("ours-no-cache", our_gunicorn, "memri.wsgi", ports["off"],
                                             environment=off_environment, cwd=ROOT, ready_path="/health/live/", **serve))
        on = servers.enter_context(gunicorn("ours-make-run", our_gunicorn, "memri.wsgi", ports["run"],
                                            environment=run_environment, cwd=ROOT, ready_path="/health/live/", **serve))
        plain = servers.enter_context(gunicorn(
            "wagtail", wagtail_gunicorn, "benchsite.wsgi", ports["wagtail"],
            environment=wagtail_environment(work, wagtail_db, wagtail_static), cwd=project, ready_path="/", **serve))
        cached = None
        if not args.no_wagtail_cache:
            cached = servers.enter_context(gunicorn(
                "wagtail-cached", wagtail_gunicorn, "benchsite.wsgi", ports["wagtail-cached"],
                environment=wagtail_environment(work, wagtail_db, wagtail_static, site_cache=True), cwd=project,
                ready_path="/", **serve))

        gated, complimentary = ours["gated"], ours["complimentary"]
        teaser = {"contains": [PAYWALL, html.escape(gated["title"])],
                  "lacks": ['class="report-body"', 'class="footnotes"']}
        full = {"contains": [html.escape(complimentary["title"]), 'class="report-body"', 'class="footnotes"'],
                "lacks": [PAYWALL]}
        page = {"contains": [html.escape(complimentary["title"]), 'class="report-text"', 'class="footnotes"']}
        specs = [
            (STATIC, on, ours["static"], {"header": ("Content-Type", "text/css")}),
            (OURS_TEASER_OFF, off, gated["url"], teaser),
            (OURS_FULL_OFF, off, complimentary["url"], full),
            (OURS_TEASER_RUN, on, gated["url"], teaser),
            (OURS_FULL_RUN, on, complimentary["url"], full),
            (WAGTAIL, plain, address, page),
        ]
        if cached:
            specs.append((WAGTAIL_CACHED, cached, address, {**page, "header": ("Cache-Control", "max-age=600")}))
        targets = {}
        for (key, label), base, path, expected in specs:
            url = base + path
            size = check(label, url, **expected)
            targets[key] = {"label": label, "url": url, "bytes": size, "drain": url}
            log(f"  checked {label}: {url}, {size:,} bytes")

        load_before = os.getloadavg()[0]
        figures = measure(args, targets)
        load = f"load average {load_before:.1f} before, {os.getloadavg()[0]:.1f} after"
    report = markdown(args, command, targets, figures, ours, wagtail, load)
    print(report)
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(report)
    log(f"Written to {args.output}")


if __name__ == "__main__":
    main()
