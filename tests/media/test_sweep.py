"""`manage.py sweep_media`: files no row names go once they are older than the grace period; the others stay."""
import io
import os
import time

import pytest
from django.core.management import call_command

from tests import media_files
from tests.factories import ReportFactory, report_document

pytestmark = pytest.mark.django_db


def test_only_old_files_that_no_row_names_are_removed(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    document = report_document(ReportFactory(), media_files.pdf())
    named = tmp_path / "media" / document.file.name
    stray, fresh = tmp_path / "media" / "documents" / "left-over.pdf", tmp_path / "media" / "documents" / "uploading.pdf"
    stray.write_bytes(media_files.PDF)
    fresh.write_bytes(media_files.PDF)
    two_days_ago = time.time() - 2 * 86400
    for path in (named, stray):
        os.utime(path, (two_days_ago, two_days_ago))

    out = io.StringIO()
    call_command("sweep_media", "--dry-run", stdout=out)
    assert out.getvalue().splitlines()[0] == "documents/left-over.pdf" and stray.exists()
    call_command("sweep_media", stdout=io.StringIO())
    assert not stray.exists()
    assert named.exists() and fresh.exists()
