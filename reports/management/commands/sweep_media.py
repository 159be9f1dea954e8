"""
Remove the files under MEDIA_ROOT that no report's image, document or archived source names, once
they are older than --hours (24 by default): see reports/media/sweep.py. --dry-run only lists them.
"""
import datetime as dt

from django.conf import settings
from django.core.management.base import BaseCommand

from reports.media.sweep import unreferenced_files


class Command(BaseCommand):
    help = "Remove files under MEDIA_ROOT that no row names and that are older than --hours."

    def add_arguments(self, parser):
        parser.add_argument("--hours", type=int, default=24, help="Leave files written in the last HOURS hours (default 24).")
        parser.add_argument("--dry-run", action="store_true", help="List the files; remove nothing.")

    def handle(self, *args, hours, dry_run, verbosity=1, **options):
        found = unreferenced_files(dt.timedelta(hours=max(hours, 0)))
        for path in found:
            if verbosity > 1 or dry_run:
                self.stdout.write(str(path.relative_to(settings.MEDIA_ROOT)))
            if not dry_run:
                path.unlink(missing_ok=True)
        if verbosity:
            done = "would be removed" if dry_run else "removed"
            self.stdout.write(self.style.SUCCESS(f"{len(found)} file(s) no report names {done}."))
