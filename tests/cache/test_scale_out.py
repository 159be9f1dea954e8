"""
Several app servers over one PostgreSQL and one Redis: two gunicorn servers on different ports,
over the suite's test database and its Redis. A login made through one holds on the other (and a
logout too, and a password change ends the user's other sessions on both); a report published through one's admin shows at once on the other, on a page the
other had cached before. Nothing a server needs is kept in one server's memory.
"""
import http.cookiejar
import os
import sys
import urllib.error
import urllib.parse
import urllib.request

import pytest
from django.db import connection

from reports.models import Report
from tests.factories import ReportFactory, StaffFactory, SubscriptionFactory, tier
from tests.processes import free_port, running
from tests.rendered_forms import RenderedForm

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
PASSWORD = "correct horse battery staple"
GATED = "MARKER-GATED-BODY-e51c"

pytestmark = [
    pytest.mark.skipif(
        not os.environ.get("REDIS_URL"),
        reason="needs PostgreSQL and Redis: scripts/run-tests sets REDIS_URL on its PostgreSQL pass",
    ),
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def database_url():
    """The test database the suite made, for the servers (they must see what this test commits)."""
    db = connection.settings_dict
    credentials = urllib.parse.quote(db["USER"] or "", safe="")
    if db["PASSWORD"]:
        credentials += ":" + urllib.parse.quote(db["PASSWORD"], safe="")
    return f"postgres://{credentials}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"


@pytest.fixture
def servers(tmp_path):
    """Two gunicorn servers, A and B (their base URLs), on the suite's settings, database and Redis."""
    if connection.vendor != "postgresql":
        pytest.skip("app servers share one PostgreSQL: this runs on the PostgreSQL pass only")
    env = dict(
        os.environ,
        DJANGO_SETTINGS_MODULE="memri.settings.test",
        DATABASE_URL=database_url(),
        ALLOWED_HOSTS="127.0.0.1",
        CONN_MAX_AGE="0",  # no connection outlives a request: the suite drops the database at the end
    )
    ports = [free_port(), free_port()]
    commands = [
        [sys.executable, "-m", "gunicorn", "memri.wsgi", "--bind", f"127.0.0.1:{port}", "--workers", "1", "--no-control-socket"]
        for port in ports
    ]
    logs = [open(tmp_path / f"gunicorn-{port}.log", "w") for port in ports]
    try:
        with running(commands[0], ports[0], cwd=ROOT, env=env, stdout=logs[0], stderr=logs[0]):
            with running(commands[1], ports[1], cwd=ROOT, env=env, stdout=logs[1], stderr=logs[1]):
                yield [f"http://127.0.0.1:{port}" for port in ports]
    finally:
        for log in logs:
            log.close()


class Browser:
    """A visitor with a cookie jar, which the two servers share as one site (cookies ignore ports)."""

    def __init__(self):
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def open(self, url, data=None):
        """(status, body, headers, final URL after redirects)."""
        body = urllib.parse.urlencode(data, doseq=True).encode() if data is not None else None
        try:
            with self.opener.open(url, body, timeout=30) as response:
                return response.status, response.read().decode(), response.headers, response.geturl()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode(), error.headers, url

    def submit(self, form_url, fields, form_id=None, action=None, button=None):
        """Open the page, fill in its form (by id, or the one posting to `action`) and send it as a browser does."""
        status, page, _headers, url = self.open(form_url)
        assert status == 200, form_url
        form = RenderedForm.in_page(page, url, form_id=form_id, action=action).fill(**fields)
        return self.open(form.action, form.payload(button))

    def log_in(self, base, username):
        status, _page, _headers, final = self.submit(
            f"{base}/accounts/login/?next=/account/", {"username": username, "password": PASSWORD}, action="/accounts/login/"
        )
        assert status == 200 and final.endswith("/account/"), final


def test_a_login_and_a_publish_through_one_server_hold_on_the_other(servers):
    a, b = servers
    subscriber = SubscriptionFactory(tier=tier("premium"), user__username="subscriber").user
    StaffFactory(username="editor", group="Editors")
    gated = ReportFactory(title="The gated report", required_tier=tier("premium"), body=f"For subscribers: {GATED}.")
    draft = ReportFactory(title="Fresh from the desk", status=Report.Status.DRAFT, published_at=None)

    public = Browser()
    public.open(f"{b}/reports/")
    status, page, headers, _url = public.open(f"{b}/reports/")
    assert status == 200 and headers["X-Page-Cache"] == "hit" and "Fresh from the desk" not in page
    assert GATED not in public.open(f"{b}{gated.get_absolute_url()}")[1]

    reader = Browser()
    reader.log_in(a, subscriber.username)
    status, page, _headers, final = reader.open(f"{b}/account/")
    assert status == 200 and final == f"{b}/account/" and "Premium" in page, "the session made on A holds on B"
    assert GATED in reader.open(f"{b}{gated.get_absolute_url()}")[1]

    editor = Browser()
    editor.log_in(a, "editor")
    changelist = f"{a}/admin/reports/report/"
    status, _page, _headers, _url = editor.submit(
        changelist, {"action": "publish", "_selected_action": [draft.pk]}, form_id="changelist-form", button="index"
    )
    assert status == 200
    draft.refresh_from_db()
    assert draft.is_published()

    status, page, headers, _url = public.open(f"{b}/reports/")
    assert "Fresh from the desk" in page and headers["X-Page-Cache"] == "miss", "B's cached list was dropped"
    assert public.open(f"{b}{draft.get_absolute_url()}")[0] == 200
    assert GATED not in public.open(f"{b}{gated.get_absolute_url()}")[1]

    laptop = Browser()
    laptop.log_in(b, subscriber.username)
    assert GATED in laptop.open(f"{b}{gated.get_absolute_url()}")[1]
    new_password = "a new long passphrase"
    status, _page, _headers, _url = reader.submit(
        f"{a}/accounts/password_change/",
        {"old_password": PASSWORD, "new_password1": new_password, "new_password2": new_password},
        action="/accounts/password_change/",
    )
    assert status == 200
    _status, page, _headers, final = laptop.open(f"{b}{gated.get_absolute_url()}")
    assert GATED not in page, "a password changed through A ends the user's other sessions on B at once"
    assert GATED in reader.open(f"{b}{gated.get_absolute_url()}")[1], "but not the one it was changed in"

    reader.submit(f"{a}/account/", {}, action="/accounts/logout/")
    _status, _page, _headers, final = reader.open(f"{b}/account/")
    assert "/accounts/login/" in final, "a logout through A ends the session on B too"
