"""
`manage.py backup PATH` and `manage.py restore PATH`: a backup taken, the data changed, the backup
restored, and the data is as it was; on PostgreSQL (pg_dump/pg_restore) and on SQLite alike.
"""
import pytest
from django.core.management import CommandError, call_command

from reports.models import Report
from tests.factories import ReportFactory

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
