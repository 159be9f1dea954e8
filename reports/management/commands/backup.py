"""
Back up the whole database to one file: pg_dump's custom format on PostgreSQL, a consistent copy
on SQLite (reports/ops/backups.py). Safe while the site runs. `restore` puts a backup back.
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.ops.backups import BackupError, backup


class Command(BaseCommand):
    help = "Write a backup of the whole database to PATH (restore it with `manage.py restore PATH`)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to write.")
        parser.add_argument("--overwrite", action="store_true", help="Replace PATH if it exists.")
        parser.add_argument("--database", default="default", help="The database to back up (default: default).")

    def handle(self, *args, path, overwrite, database, verbosity=1, **options):
        if Path(path).exists() and not overwrite:
            raise CommandError(f"{path} exists: choose another name, or pass --overwrite.")
        try:
            backup(path, using=database)
        except (BackupError, OSError) as error:
            raise CommandError(f"Backup failed: {error}") from error
        if verbosity:
            self.stdout.write(f"Backed up the database to {path} ({Path(path).stat().st_size} bytes).", style_func=self.style.SUCCESS)
