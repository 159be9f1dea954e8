"""
Request logs: one structured line per request with its method, path, status, duration, user id
and request id; the id goes back in a header, is shown on the 500 page and is on the error's log
line; a client cannot choose it, our own proxy can.
"""
import json
import logging

import pytest
from django.urls import reverse

from reports.ops.request_log import JsonFormatter

pytestmark = pytest.mark.django_db


@pytest.fixture
def request_lines(caplog):
    caplog.set_level(logging.INFO, logger="reports.requests")
    return lambda: [record for record in caplog.records if record.name == "reports.requests"]


def test_one_line_per_request_with_its_fields(client, request_lines):
    """A page view logs exactly one request line: method, path, status, duration in ms, user id and request id."""
    response = client.get(reverse("report_list"), {"page": "1"})
    [line] = request_lines()
    assert (line.method, line.path, line.status, line.user_id) == ("GET", "/reports/", 200, None)
    assert isinstance(line.duration_ms, float) and line.duration_ms >= 0
    assert line.request_id == response["X-Request-ID"]


def test_the_signed_in_users_id_is_logged(client, reader, request_lines):
    """For a signed-in reader the line carries their user id."""
    client.force_login(reader)
    client.get(reverse("account"))
    assert [line.user_id for line in request_lines()] == [reader.pk]


def test_each_request_gets_its_own_id(client):
    """Two requests, two different ids, each 32 hex digits."""
    first, second = (client.get(reverse("home"))["X-Request-ID"] for _ in range(2))
    assert first != second and len(first) == len(second) == 32


def test_a_clients_request_id_is_not_taken(client):
    """Without trusted proxies an X-Request-ID from the client is ignored: the site makes its own."""
    response = client.get(reverse("home"), headers={"X-Request-ID": "chosen-by-client-123"})
    assert response["X-Request-ID"] != "chosen-by-client-123"


def test_our_proxys_request_id_is_taken(client, settings):
    """Behind a trusted proxy, its well-formed X-Request-ID is used, so that its logs and ours match."""
    settings.TRUSTED_PROXY_COUNT = 1
    response = client.get(reverse("home"), headers={"X-Request-ID": "edge-4f1c2a9b"})
    assert response["X-Request-ID"] == "edge-4f1c2a9b"


@pytest.mark.parametrize("given", ["short", "has spaces in it", "x" * 500, "line\nbreak-123456", "<script>alert(1)</script>"])
def test_a_malformed_request_id_is_replaced(client, settings, given):
    """Even from our proxy, an id that is too short, too long or has odd characters is replaced by a new one."""
    settings.TRUSTED_PROXY_COUNT = 1
    assert client.get(reverse("home"), headers={"X-Request-ID": given})["X-Request-ID"] != given


def test_an_error_is_logged_with_the_request_id_the_page_shows(client, settings, caplog):
    """A 500: the error's log line (with its traceback) and the page's error reference carry the same request id."""
    settings.ROOT_URLCONF = "tests.error_urls"
    client.raise_request_exception = False
    response = client.get("/test-errors/fail/")
    request_id = response["X-Request-ID"]
    [error] = [record for record in caplog.records if record.name == "django.request"]
    assert error.levelno == logging.ERROR and error.exc_info and error.request_id == request_id
    assert f"Error reference: <code>{request_id}</code>" in response.content.decode()


def test_the_line_written_is_one_json_object(client, request_lines):
    """The formatter writes the request line as a single line of JSON with every field."""
    client.get(reverse("home"))
    [line] = request_lines()
    written = JsonFormatter().format(line)
    assert "\n" not in written
    fields = json.loads(written)
    assert {"time", "level", "logger", "message", "method", "path", "status", "duration_ms", "user_id", "request_id"} <= set(fields)
    assert fields["status"] == 200 and fields["path"] == "/"


def test_an_errors_traceback_stays_inside_its_json_line(caplog):
    """A logged exception is one JSON line too, its traceback in the `exception` field."""
    try:
        raise ValueError("boom")
    except ValueError:
        logging.getLogger("reports.test").exception("It failed")
    written = JsonFormatter().format(caplog.records[-1])
    assert "\n" not in written and "ValueError: boom" in json.loads(written)["exception"]
