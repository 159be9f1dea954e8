"""
`manage.py backup PATH` and `manage.py restore PATH`: a backup taken, the data changed, the backup
restored, and the data is as it was; on PostgreSQL (pg_dump/pg_restore) and on SQLite alike. The
files of reports go with it, checked against their SHA-256.
"""
import io
import os
import tarfile
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command

from reports.models import Document, Report
from reports.ops.backups import media_archive, unverified_files
from tests import media_files
from tests.factories import ReportFactory, archived_source, report_document, report_image

# Committed data, so that pg_dump (another process) sees it; the tiers and groups the data
# migrations made are put back after the flush that ends each test.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)


def titles():
    return sorted(Report.objects.values_list("title", flat=True))


@pytest.fixture
def backup_file(tmp_path):
    ReportFactory(title="Kept report")
    ReportFactory(title="Report edited later")
    path = tmp_path / "site.backup"
    call_command("backup", str(path), verbosity=0)
    return path


def test_a_restore_brings_back_the_data_as_it_was_backed_up(backup_file):
    """Reports edited, deleted and added after the backup are as they were once it is restored."""
    Report.objects.filter(title="Kept report").delete()
    Report.objects.filter(title="Report edited later").update(title="Edited after the backup")
    ReportFactory(title="Added after the backup")
    call_command("restore", str(backup_file), "--noinput", verbosity=0)
    assert titles() == ["Kept report", "Report edited later"]


def test_the_site_works_on_after_a_restore(backup_file, client):
    """After a restore the site reads and writes the database as before."""
    call_command("restore", str(backup_file), "--noinput", verbosity=0)
    ReportFactory(title="Written after the restore")
    assert client.get("/reports/").status_code == 200
    assert "Written after the restore" in titles()


def test_a_backup_does_not_overwrite_an_existing_file(backup_file):
    """Backing up to a file that exists is refused unless --overwrite is given."""
    with pytest.raises(CommandError, match="exists"):
        call_command("backup", str(backup_file), verbosity=0)
    call_command("backup", str(backup_file), "--overwrite", verbosity=0)


def test_a_dry_run_restore_checks_the_file_and_changes_nothing(backup_file):
    """--dry-run reads the backup and leaves the database as it is."""
    ReportFactory(title="Added after the backup")
    call_command("restore", str(backup_file), "--dry-run", verbosity=0)
    assert "Added after the backup" in titles()


def test_a_file_that_is_no_backup_is_refused_and_nothing_changes(backup_file, tmp_path):
    """Restoring from a file that is not a backup fails with a message and leaves the data alone."""
    junk = tmp_path / "junk.backup"
    junk.write_bytes(b"this is not a backup\x00" * 100)
    with pytest.raises(CommandError, match="Restore failed, the database is unchanged"):
        call_command("restore", str(junk), "--noinput", verbosity=0)
    assert titles() == ["Kept report", "Report edited later"]


def test_a_restore_asks_first_and_stops_without_a_yes(backup_file, monkeypatch):
    """Without --noinput the command asks; any answer but 'yes' cancels."""
    ReportFactory(title="Added after the backup")
    monkeypatch.setattr("builtins.input", lambda prompt: "no")
    with pytest.raises(CommandError, match="cancelled"):
        call_command("restore", str(backup_file), verbosity=0)
    assert "Added after the backup" in titles()


# --- The files of reports: archived beside the database, checked on the way back -----------------


@pytest.fixture
def media_root(tmp_path, settings):
    """A MEDIA_ROOT of the test's own, which a restore replaces."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def with_files(media_root, tmp_path):
    report = ReportFactory(title="Kept report")
    files = SimpleNamespace(
        image=report_image(report, media_files.jpeg(width=100, height=80)),
        snapshot=archived_source(report, media_files.html_snapshot()),
        document=report_document(report, media_files.pdf()),
        path=tmp_path / "site.backup",
    )
    files.bytes = {item.file.name: (media_root / item.file.name).read_bytes() for item in (files.image, files.snapshot, files.document)}
    call_command("backup", str(files.path), verbosity=0)
    return files


def test_the_files_of_reports_come_back_as_they_were_with_their_hashes_checked(with_files, media_root):
    """A file lost, one overwritten and one added after the backup: the restore puts the folder back as it was."""
    (media_root / with_files.snapshot.file.name).unlink()
    (media_root / with_files.image.file.name).write_bytes(b"overwritten")
    (media_root / "documents" / "added-later.pdf").write_bytes(media_files.PDF)
    call_command("restore", str(with_files.path), "--noinput", verbosity=0)
    assert {name: (media_root / name).read_bytes() for name in with_files.bytes} == with_files.bytes
    assert not (media_root / "documents" / "added-later.pdf").exists()
    assert unverified_files() == []


def test_a_damaged_media_archive_is_refused_and_nothing_changes(with_files, media_root):
    archive = media_archive(with_files.path)
    damaged = archive.with_name("damaged.tar")
    with tarfile.open(archive) as source, tarfile.open(damaged, "w") as target:
        for member in source.getmembers():
            content = source.extractfile(member).read()
            if member.name.endswith(with_files.document.file.name):
                content = content.replace(b"%%EOF", b"%%EOG")
            target.addfile(member, io.BytesIO(content))
    os.replace(damaged, archive)
    ReportFactory(title="Added after the backup")
    with pytest.raises(CommandError, match="is damaged: 1 file"):
        call_command("restore", str(with_files.path), "--noinput", verbosity=0)
    assert "Added after the backup" in titles()


def test_a_restore_says_which_files_differ_from_what_the_database_recorded(media_root, tmp_path):
    report = ReportFactory(title="Kept report")
    document = report_document(report, media_files.pdf())
    Document.objects.filter(pk=document.pk).update(sha256="0" * 64)
    path = tmp_path / "site.backup"
    call_command("backup", str(path), verbosity=0)
    with pytest.raises(CommandError, match=rf"1 file\(s\) of reports are not as recorded:\n{document.file.name}: differs"):
        call_command("restore", str(path), "--noinput", verbosity=0)
