"""
E-mail each follower one digest of the reports published since their last one.

Run it on a schedule (e.g. hourly from cron); running it again sends nothing twice.
"""
from django.core.management.base import BaseCommand

from reports.subscriptions.alerts import send_digests


class Command(BaseCommand):
    help = "Send each follower a digest of new reports on what they follow."

    def add_arguments(self, parser):
        parser.add_argument("--dry-run", action="store_true", help="Count the digests, send and record nothing.")

    def handle(self, *args, dry_run=False, verbosity=1, **options):
        count = send_digests(dry_run=dry_run)
        if verbosity:
            verb = "would be sent" if dry_run else "sent"
            self.stdout.write(self.style.SUCCESS(f"{count} digest(s) {verb}."))
