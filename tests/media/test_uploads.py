"""
Uploading files in the report form (the desk's admin): what is accepted is known by its content,
stripped of its metadata and measured; what is refused is a form error on its row, and nothing of
the report or of its files is saved with it.

Every POST is the form the page rendered, with a file chosen for a file input it has.
"""
import hashlib
import io
from pathlib import Path

import pytest
from django.conf import settings
from PIL import Image

from reports.models import ArchivedSource, Document, Report, ReportImage
from tests import media_files
from tests.desk_forms import report_form
from tests.factories import PersonFactory, ReportFactory, ReportQuoteFactory
from tests.rendered_forms import errors_in

pytestmark = pytest.mark.django_db


def stored_files():
    return sorted(path for path in Path(settings.MEDIA_ROOT).rglob("*") if path.is_file())


def with_file(client, report, prefix, upload, **values):
    """The report's form with a new row of `prefix` (images, documents, archived_sources) holding the upload."""
    form = report_form(client, report)
    index = form.add_row(prefix, **values)
    form.attach(f"{prefix}-{index}-file", upload)
    return form


def image_row(**values):
    return {"position": 1, "alt_text": "Fighters of the brigade on parade", **values}


def archived_row(**values):
    return {"cites": "quote", "number": 1, "original_url": "https://t.me/brigade_channel/4711", **values}


@pytest.fixture
def report(db):
    return ReportFactory(body="The brigade paraded.")


class TestAccepted:
    def test_an_image_is_stored_without_its_metadata_with_renditions_at_its_widths(self, client, editor, report):
        client.force_login(editor)
        upload = media_files.jpeg(width=1200, height=800, exif=True)
        assert media_files.GPS_MARKER in upload.read()
        response = with_file(client, report, "images", upload, **image_row(caption="On parade")).submit(client, "_save")
        assert response.status_code == 302, errors_in(response)
        image = ReportImage.objects.get(report=report)
        assert (image.width, image.height, image.content_type) == (1200, 800, "image/jpeg")
        stored = image.file.read()
        assert media_files.GPS_MARKER not in stored and b"PhoneMaker" not in stored
        assert not Image.open(io.BytesIO(stored)).getexif()
        assert image.sha256 == hashlib.sha256(stored).hexdigest()
        renditions = {(rendition.width, rendition.height, rendition.format) for rendition in image.renditions.all()}
        assert renditions == {(480, 320, "webp"), (480, 320, "jpeg"), (960, 640, "webp"), (960, 640, "jpeg"),
                              (1200, 800, "webp"), (1200, 800, "jpeg")}
        small = image.renditions.get(width=480, format="webp")
        assert Image.open(small.file).size == (480, 320)

    def test_a_document_is_typed_by_its_content_not_its_name(self, client, editor, report):
        client.force_login(editor)
        upload = media_files.upload("scan.jpg", media_files.PDF, "image/jpeg")
        response = with_file(client, report, "documents", upload, title="The brigade's statement", language="ar",
                             source="Brigade channel").submit(client, "_save")
        assert response.status_code == 302, errors_in(response)
        document = Document.objects.get(report=report)
        assert (document.kind, document.content_type) == ("pdf", "application/pdf")
        assert document.file.name.endswith(".pdf") and "scan" not in document.file.name
        assert document.sha256 == hashlib.sha256(media_files.PDF).hexdigest()

    def test_an_archived_snapshot_keeps_its_bytes_its_hash_and_who_captured_it(self, client, analyst):
        draft = ReportFactory(status=Report.Status.DRAFT, published_at=None, created_by=analyst, body="Text.\n\n[quote 1]")
        ReportQuoteFactory(report=draft, position=1)
        client.force_login(analyst)
        response = with_file(client, draft, "archived_sources", media_files.html_snapshot(), **archived_row()).submit(client, "_save")
        assert response.status_code == 302, errors_in(response)
        source = ArchivedSource.objects.get(report=draft)
        assert source.file.read() == media_files.HTML
        assert source.sha256 == hashlib.sha256(media_files.HTML).hexdigest()
        assert (source.kind, source.captured_by) == ("html", analyst)


class TestRefused:
    """Each refusal: the form again with the reason on the row, and nothing saved, the report's own edit included."""

    def refused(self, client, report, prefix, upload, row):
        before = stored_files()
        form = with_file(client, report, prefix, upload, **row)
        form["body"] = "An edit that must not be saved either."
        response = form.submit(client, "_save")
        assert response.status_code == 200
        report.refresh_from_db()
        assert report.body == "The brigade paraded."
        assert not ReportImage.objects.exists() and not Document.objects.exists() and not ArchivedSource.objects.exists()
        assert stored_files() == before
        return " ".join(errors_in(response))

    def test_an_image_without_alt_text(self, client, editor, report):
        client.force_login(editor)
        errors = self.refused(client, report, "images", media_files.jpeg(), image_row(alt_text="  "))
        assert "alt text" in errors

    def test_text_named_as_an_image(self, client, editor, report):
        client.force_login(editor)
        errors = self.refused(client, report, "images", media_files.text_named_as("photo.jpg"), image_row())
        assert "not an image" in errors

    def test_an_svg(self, client, editor, report):
        client.force_login(editor)
        for prefix, row in (("images", image_row()), ("documents", {"title": "Logo"}), ("archived_sources", archived_row())):
            assert "SVG files are refused" in self.refused(client, report, prefix, media_files.svg(), row)

    def test_a_file_above_the_size_limit(self, client, editor, report, settings):
        settings.MEDIA_MAX_UPLOAD_BYTES = 32
        client.force_login(editor)
        errors = self.refused(client, report, "documents", media_files.pdf(), {"title": "Statement"})
        assert f"This file is {len(media_files.PDF)}\xa0bytes; files may be at most 32\xa0bytes." in errors

    def test_a_decompression_bomb(self, client, editor, report):
        client.force_login(editor)
        errors = self.refused(client, report, "images", media_files.bomb(), image_row())
        assert "too many pixels" in errors

    def test_an_image_above_the_pixel_limit_the_settings_name(self, client, editor, report, settings):
        settings.MEDIA_MAX_IMAGE_PIXELS = 100 * 100
        client.force_login(editor)
        errors = self.refused(client, report, "archived_sources", media_files.png(width=200, height=200), archived_row())
        assert "too many pixels (more than 10,000)" in errors

    def test_a_truncated_image(self, client, editor, report):
        client.force_login(editor)
        truncated = media_files.upload("photo.jpg", media_files.image_bytes()[:600], "image/jpeg")
        assert "damaged or incomplete" in self.refused(client, report, "images", truncated, image_row())

    def test_audio_is_not_an_archived_source(self, client, editor, report):
        client.force_login(editor)
        audio = media_files.upload("speech.mp3", b"ID3\x03\x00\x00\x00" + b"\x00" * 200, "audio/mpeg")
        assert "not an image" in self.refused(client, report, "archived_sources", audio, archived_row())


def test_a_released_reports_files_are_the_editors(client, analyst, editor, report):
    """Analysts add files to drafts; the files of a report an editor has released are read-only to them."""
    client.force_login(analyst)
    form = report_form(client, report)
    assert "images-__prefix__-file" not in form.file_inputs
    client.force_login(editor)
    assert "images-__prefix__-file" in report_form(client, report).file_inputs


def test_an_archived_copy_or_document_of_a_quote_or_note_the_report_lacks_is_refused(client, editor, report):
    """Numbers name the quotes and notes of the form above: a number it lacks is an error on the row."""
    client.force_login(editor)
    form = with_file(client, report, "archived_sources", media_files.png(), **archived_row(cites="note", number=3))
    response = form.submit(client, "_save")
    assert response.status_code == 200
    assert "This report has no note 3" in " ".join(errors_in(response))
    assert not ArchivedSource.objects.exists()

    form = with_file(client, report, "documents", media_files.pdf(), title="Statement", quote_number=1)
    form.add_row("quotes", position=1, translation="We will strike again.", person=PersonFactory().pk)
    form["body"] = "The brigade paraded.\n\n[quote 1]"
    response = form.submit(client, "_save")
    assert response.status_code == 302, errors_in(response)
    assert Document.objects.get().quote_number == 1
