"""
Give a reader a subscription to a tier until a date, or end it.

    manage.py grant_subscription USERNAME TIER_SLUG --until YYYY-MM-DD

Creates the user's subscription to that tier, or updates the one they have, to end on that day
(inclusive). A day in the past ends it.
"""
import datetime as dt

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from reports.models import Tier
from reports.subscriptions.services import grant_subscription


def iso_date(value):
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--until must be a date as YYYY-MM-DD, not {value!r}.")


class Command(BaseCommand):
    help = "Create or update USERNAME's subscription to TIER_SLUG so that it ends on --until (a past date ends it)."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("tier_slug")
        parser.add_argument("--until", required=True, help="The last day of access, YYYY-MM-DD.")
        parser.add_argument("--dry-run", action="store_true", help="Say what would be done, change nothing.")

    def handle(self, username, tier_slug, until, dry_run=False, verbosity=1, **options):
        last_day = iso_date(until)
        user = get_user_model().objects.filter(username=username).first()
        if user is None:
            raise CommandError(f"No user {username!r}.")
        tier = Tier.objects.filter(slug=tier_slug).first()
        if tier is None:
            raise CommandError(f"No tier {tier_slug!r}. Tiers: {', '.join(Tier.objects.values_list('slug', flat=True))}.")
        if dry_run:
            self.stdout.write(f"Would give {username} the {tier} tier until {last_day:%Y-%m-%d}.")
            return
        try:
            subscription = grant_subscription(user=user, tier=tier, until=last_day)
        except ValidationError as error:
            raise CommandError("; ".join(error.messages))
        if verbosity:
            state = "active" if subscription.is_active() else "ended"
            self.stdout.write(self.style.SUCCESS(
                f"{username}: {tier} from {subscription.starts_on:%Y-%m-%d} until {subscription.ends_on:%Y-%m-%d} ({state})."
            ))
