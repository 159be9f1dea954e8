"""
The default configuration holds concurrent use: a `make run`-style server (gunicorn, several
workers, one SQLite file, the disk cache) takes many logins, failed logins (each one written down
by the lockout) and saves at once, and answers none of them with a 5xx ("database is locked" was a
503); and its workers share one cache, so a page kept by one is served by all and a change made
through any process shows at once on every one.
"""
import concurrent.futures
import contextlib
import html
import http.cookiejar
import os
import sqlite3
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest

from tests.processes import free_port, running
from tests.rendered_forms import RenderedForm

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "sqlite-concurrency-password"
VISITS = 30  # per kind of visitor, all at once

# The server has a SQLite file of its own whatever the suite's database: once is enough.
pytestmark = pytest.mark.skipif(bool(os.environ.get("DATABASE_URL")), reason="runs on the SQLite pass")


def server_environment(folder):
    env = {key: value for key, value in os.environ.items() if key not in {"DATABASE_URL", "REDIS_URL", "CACHE_URL"}}
    return dict(
        env,
        DJANGO_SETTINGS_MODULE="memri.settings.base",
        DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
        CACHE_DIR=f"{folder}/cache",
        SECRET_KEY="sqlite-concurrency-test-key",
        ALLOWED_HOSTS="127.0.0.1",
        LOCAL_HTTP="1",
        LOGIN_FAILURE_LIMIT="1000",  # failures are recorded, never locking these visitors out
    )


class Visitor:
    def __init__(self, base):
        self.base = base
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(http.cookiejar.CookieJar()))

    def open(self, path, data=None):
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(self.base + path, body, timeout=60) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def submit(self, path, fields, action):
        status, page = self.open(path)
        assert status == 200, (path, status)
        form = RenderedForm.in_page(page, self.base + path, action=action).fill(**fields)
        return self.open(form.action.replace(self.base, ""), form.payload())

    def log_in(self, username, password):
        return self.submit("/accounts/login/?next=/account/", {"username": username, "password": password}, "/accounts/login/")

    def follow_and_unfollow(self):
        """Press the tag page's button twice: it follows the tag, then (the page now says so) stops."""
        return [
            self.submit("/tags/iraqi-militias/", {}, "/follow/tag/iraqi-militias/")[0],
            self.submit("/tags/iraqi-militias/", {}, "/follow/tag/iraqi-militias/")[0],
        ]


def manage(env, *command):
    return subprocess.run([sys.executable, "manage.py", *command], cwd=ROOT, env=env, check=True, capture_output=True, text=True)


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """(base URL, environment, folder) of a `make run`-style server, for the module's tests in turn."""
    folder = tmp_path_factory.mktemp("make-run")
    env = server_environment(folder)
    for command in (["migrate", "--noinput"], ["load_demo", "--password", PASSWORD], ["collectstatic", "--noinput"]):
        manage(env, *command)
    port = free_port()
    gunicorn = [sys.executable, "-m", "gunicorn", "memri.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "3", "--no-control-socket"]
    with open(folder / "gunicorn.log", "w") as log, running(gunicorn, port, cwd=ROOT, env=env, stdout=log, stderr=log):
        yield f"http://127.0.0.1:{port}", env, folder


def test_a_served_sqlite_site_takes_concurrent_logins_and_saves_without_a_5xx(served):
    base, _env, folder = served
    readers = [Visitor(base) for _ in range(VISITS)]
    for reader in readers:
        assert reader.log_in("reader", PASSWORD)[0] == 200

    def wrong_login():
        return [Visitor(base).log_in("reader", "a wrong guess")[0]]

    def right_login():
        return [Visitor(base).log_in("subscriber", PASSWORD)[0]]

    with concurrent.futures.ThreadPoolExecutor(max_workers=60) as pool:
        work = [pool.submit(wrong_login) for _ in range(VISITS)]
        work += [pool.submit(right_login) for _ in range(VISITS)]
        work += [pool.submit(reader.follow_and_unfollow) for reader in readers]
        statuses = [status for done in work for status in done.result()]
    assert statuses == [200] * (4 * VISITS), f"{statuses}; see {folder}/gunicorn.log"
    # The file was written in write-ahead-log mode (the mode stays with the file).
    with contextlib.closing(sqlite3.connect(folder / "db.sqlite3")) as database:
        assert database.execute("PRAGMA journal_mode").fetchone() == ("wal",)


def test_the_workers_share_one_cache_and_a_change_in_any_process_shows_on_every_one(served):
    base, env, _folder = served
    public = Visitor(base)

    def report_list():
        with public.opener.open(base + "/reports/", timeout=60) as response:
            return response.headers["X-Page-Cache"], response.read().decode()

    seen = [report_list() for _ in range(9)]
    assert [state for state, _page in seen].count("miss") <= 1, "a page one worker kept is served by the others"
    title = manage(env, "shell", "-c", "from reports.models import Report; print(Report.objects.published().first().title)")
    title = html.escape(title.stdout.strip().splitlines()[-1])
    assert title in seen[-1][1]
    # Saved by another process, as an editor's save in the admin is: every worker's next page shows it.
    manage(env, "shell", "-c", (
        "from reports.models import Report; report = Report.objects.published().first(); "
        "report.title = report.title + ' (corrected)'; report.save()"
    ))
    assert all(f"{title} (corrected)" in report_list()[1] for _ in range(9))
