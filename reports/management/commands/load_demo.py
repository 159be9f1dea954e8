"""
Load the demo desk: series, tiers' users, entities, quotes and reports.

Running it again changes nothing. Users get the --password given, or a random one printed once
when the user is created.
"""
from django.core.management.base import BaseCommand
from django.db import transaction

from reports.demo.loader import load_demo


class Command(BaseCommand):
    help = "Create (or bring up to date) the demo content and the users analyst, editor, manager, subscriber and reader."

    def add_arguments(self, parser):
        parser.add_argument("--password", help="Password for the demo users (default: a random one per new user).")

    def handle(self, *args, password=None, verbosity=1, **options):
        with transaction.atomic():
            passwords = load_demo(password)
        if verbosity:
            for username, user_password in passwords.items():
                self.stdout.write(f"  {username}: {user_password}")
            if not passwords:
                self.stdout.write(
                    "The demo users' passwords were printed when they were made. "
                    "To set them again: make run DEMO_PASSWORD=something-long"
                )
            self.stdout.write(self.style.SUCCESS("Demo content is in place."))
