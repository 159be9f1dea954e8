"""
Files answered through the access policy, at request time: who gets the bytes, who a 403 or a 404,
what caches may keep, and how the web server is asked to send them (MEDIA_SERVING).
"""
import datetime as dt
from pathlib import Path

import pytest
import time_machine
from django.conf import settings
from django.utils import timezone

from reports.models import Report
from tests import media_files
from tests.factories import (
    StaffFactory,
    ReportFactory,
    SubscriptionFactory,
    UserFactory,
    archived_source,
    report_document,
    report_image,
    tier,
)

pytestmark = pytest.mark.django_db


def body(response):
    return b"".join(response.streaming_content) if response.streaming else response.content


def get(client, item, user=None):
    if user is not None:
        client.force_login(user)
    return client.get(item.get_absolute_url())


def cache_control(response):
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part.strip()}


@pytest.fixture
def gated(db):
    return ReportFactory(required_tier=tier("premium"))


def test_a_complimentary_reports_image_is_public_for_everyone_and_kept_by_shared_caches(client):
    image = report_image(ReportFactory(), media_files.jpeg())
    response = get(client, image)
    assert response.status_code == 200
    assert body(response) == image.file.open("rb").read()
    assert response["Content-Type"] == "image/jpeg"
    assert cache_control(response) == {"public", f"max-age={settings.MEDIA_PUBLIC_SECONDS}"}
    signed_in = get(client, image, UserFactory())
    assert signed_in.status_code == 200 and "private" in cache_control(signed_in)


def test_a_gated_reports_files_are_for_its_readers_only_and_private(client, gated):
    files = [report_image(gated, media_files.jpeg()), report_document(gated, media_files.pdf()),
             archived_source(gated, media_files.html_snapshot())]
    files.append(files[0].renditions.first())
    for item in files:
        assert get(client, item).status_code == 403
    client.force_login(SubscriptionFactory(tier=tier("jttm")).user)  # a lower tier
    assert all(client.get(item.get_absolute_url()).status_code == 403 for item in files)
    client.force_login(SubscriptionFactory(tier=tier("premium")).user)
    for item in files:
        response = client.get(item.get_absolute_url())
        assert response.status_code == 200 and body(response) == item.file.open("rb").read()
        assert "private" in cache_control(response) and "public" not in cache_control(response)


def test_a_drafts_files_are_not_found_by_the_public_and_previewed_by_the_desk_uncached(client):
    draft = ReportFactory(status=Report.Status.DRAFT, published_at=None)
    image = report_image(draft, media_files.jpeg())
    assert get(client, image).status_code == 404
    assert get(client, image, SubscriptionFactory(tier=tier("premium")).user).status_code == 404
    preview = get(client, image, StaffFactory(group="Analysts"))
    assert preview.status_code == 200
    assert {"no-store", "private"} <= cache_control(preview)


def test_files_change_access_with_their_report_at_the_same_second(client):
    """Gated until a change to come, complimentary from then on: the file follows, with nobody saving anything."""
    change = timezone.now().replace(microsecond=0) + dt.timedelta(hours=1)
    report = ReportFactory(required_tier=tier("premium"), access_changes_at=change, access_after=None)
    document = report_document(report, media_files.pdf())
    with time_machine.travel(change - dt.timedelta(seconds=1), tick=False):
        assert get(client, document).status_code == 403
    with time_machine.travel(change, tick=False):
        response = get(client, document)
        assert response.status_code == 200 and "public" in cache_control(response)


def test_a_complimentary_file_is_kept_by_shared_caches_no_longer_than_its_access_lasts(client):
    change = timezone.now().replace(microsecond=0) + dt.timedelta(seconds=100)
    report = ReportFactory(access_changes_at=change, access_after=tier("jttm"))
    document = report_document(report, media_files.pdf())
    with time_machine.travel(change - dt.timedelta(seconds=40), tick=False):
        assert cache_control(get(client, document)) == {"public", "max-age=40"}
    with time_machine.travel(change, tick=False):
        assert get(client, document).status_code == 403


def test_the_public_cover_of_a_gated_report_is_the_teasers(client, gated):
    cover = report_image(gated, media_files.jpeg(), public_cover="on")
    other = report_image(gated, media_files.jpeg(), position=2)
    response = get(client, cover.renditions.first())
    assert response.status_code == 200 and "public" in cache_control(response)
    assert get(client, other).status_code == 403
    gated.status = Report.Status.WITHDRAWN
    gated.save()
    assert get(client, cover).status_code == 404


def test_the_web_server_sends_the_bytes_when_the_settings_say_so(client, settings, gated):
    document = report_document(gated, media_files.pdf())
    reader = SubscriptionFactory(tier=tier("premium")).user
    settings.MEDIA_SERVING = "x-accel-redirect"
    assert get(client, document).status_code == 403
    response = get(client, document, reader)
    assert response.status_code == 200 and body(response) == b""
    assert response["X-Accel-Redirect"] == f"/protected-media/{document.file.name}"
    assert response["Content-Type"] == "application/pdf" and "private" in cache_control(response)
    settings.MEDIA_SERVING = "x-sendfile"
    response = client.get(document.get_absolute_url())
    assert response["X-Sendfile"] == str(Path(settings.MEDIA_ROOT) / document.file.name)


def test_an_html_snapshot_is_shown_in_a_sandbox(client):
    source = archived_source(ReportFactory(), media_files.html_snapshot())
    response = get(client, source)
    assert response.status_code == 200
    assert response["Content-Security-Policy"].startswith("sandbox;")
    assert response["X-Content-Type-Options"] == "nosniff"


def test_files_have_no_other_address(client):
    image = report_image(ReportFactory(), media_files.jpeg())
    for address in (f"/media/{image.file.name}", f"/{image.file.name}", f"/static/{image.file.name}",
                    f"/files/{image.key}x/", "/files/00000000-0000-0000-0000-000000000000/"):
        assert client.get(address).status_code == 404, address
    assert not str(settings.MEDIA_ROOT).startswith(str(settings.STATIC_ROOT))
