"""
The access matrix, extended to the report's files: images, documents and archived sources.

The premium report of tests/access_matrix.py gets an image, a document of its quote, archived
copies of its quote's and its note's sources, and a public cover. For every kind of visitor and
every way the report is premium now, each file answers exactly as the report's text does: the
bytes (private) to those who read the text, a 403 to the others; the cover to everyone. Every file
address any response shows a visitor answers that visitor; an address copied from a subscriber's
page fails for everyone who may not read the report. A report not published has no files for
anyone but the desk.
"""
import pytest

from tests.access_matrix import (
    FILE_ADDRESS,
    PREMIUM_NOW,
    READERS,
    VISITORS,
    Desk,
    fetch,
    premium_now,
)
from tests.factories import make_visitor

pytestmark = pytest.mark.django_db


def interop_surfaces(desk):
    slug = desk.report.slug
    return {"api_report": f"/api/v1/reports/{slug}/", "report_stix": f"/reports/{slug}/stix.json"}


def addresses_shown(client, visitor, desk):
    """Every file address that any page, feed, export or API answer shows the visitor."""
    shown = set()
    for url in {**desk.surfaces(), **interop_surfaces(desk)}.values():
        response, text = fetch(client, visitor, url, "session")
        assert response.status_code in (200, 302, 403), url  # STIX: a login or a 403 for those who may not read
        shown |= {address for address in FILE_ADDRESS.findall(text)}
    return shown


def get_file(client, visitor, address):
    """(response, its bytes) for the visitor."""
    if visitor is not None:
        client.force_login(visitor)
    response = client.get(address)
    return response, b"".join(response.streaming_content) if response.streaming else response.content


def bytes_of(item):
    with item.file.open("rb") as stored:
        return stored.read()


@pytest.mark.parametrize("history", PREMIUM_NOW)
@pytest.mark.parametrize("kind", VISITORS)
def test_each_file_answers_as_the_reports_text_does(client, kind, history):
    desk = Desk(**premium_now(history))
    gated, covers = desk.add_files()
    visitor = make_visitor(kind)
    for item in gated:
        response, content = get_file(client, visitor, item.get_absolute_url())
        if kind in READERS:
            assert response.status_code == 200, item
            assert content == bytes_of(item)
            assert "private" in response["Cache-Control"] and "public" not in response["Cache-Control"]
        else:
            assert response.status_code == 403, item
            assert "private" in response["Cache-Control"] if visitor else True
    for address in covers:
        assert get_file(client, visitor, address)[0].status_code == 200


@pytest.mark.parametrize("kind", VISITORS)
def test_every_file_a_response_shows_the_visitor_answers_them_and_only_readers_are_shown_gated_files(client, kind):
    desk = Desk()
    gated, covers = desk.add_files()
    visitor = make_visitor(kind)
    shown = addresses_shown(client, visitor, desk)
    gated_addresses = {item.get_absolute_url() for item in gated}
    assert covers & shown, "the teaser shows its cover to everyone"
    if kind in READERS:
        # The page shows renditions and not the upload itself; the API lists both.
        assert gated_addresses <= shown
    else:
        assert shown <= covers
    for address in shown:
        assert get_file(client, visitor, address)[0].status_code == 200, address


def test_an_address_copied_from_a_subscribers_page_fails_for_everyone_who_may_not_read(client):
    desk = Desk()
    gated, covers = desk.add_files()
    copied = addresses_shown(client, make_visitor("active"), desk) - covers
    assert copied >= {item.get_absolute_url() for item in gated}
    for kind in sorted(set(VISITORS) - READERS):
        client.logout()
        visitor = make_visitor(kind)
        for address in copied:
            assert get_file(client, visitor, address)[0].status_code == 403, (kind, address)


@pytest.mark.parametrize("state", ["draft", "withdrawn", "scheduled"])
@pytest.mark.parametrize("kind", VISITORS)
def test_a_report_not_published_has_no_files_but_for_the_desk(client, kind, state):
    desk = Desk()
    gated, covers = desk.add_files()
    report = desk.report
    if state == "scheduled":
        report.published_at = report.published_at.replace(year=report.published_at.year + 1)
    else:
        report.status = state
    report.save()
    visitor = make_visitor(kind)
    for address in {item.get_absolute_url() for item in gated} | covers:
        response = get_file(client, visitor, address)[0]
        assert response.status_code == (200 if kind == "staff" else 404), address
        if kind == "staff":
            assert "no-store" in response["Cache-Control"]
