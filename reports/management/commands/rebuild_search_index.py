"""
Recompute the search documents and the parts pages keep (the reader's text, what the report is
filed under) of every report, or (--pending) of those whose indexing after a save failed (the
database lost right after the commit, say), or not done yet after a migration; until then their
pages make those parts afresh.

Saves keep the documents current; run it in full after loading data with bulk tools or raw SQL, or
after a change to how documents are built (reports/search/engine.py). The next search also does what is
pending; `--pending` from cron every few minutes makes sure of it.
"""
from django.core.management.base import BaseCommand

from reports.models import Report
from reports.search.engine import index_left_over, index_reports


class Command(BaseCommand):
    help = "Recompute the search documents (and PostgreSQL vectors) and stored page parts of all reports, or of those still pending."

    def add_arguments(self, parser):
        parser.add_argument("--pending", action="store_true", help="Only the reports whose indexing after a save failed.")

    def handle(self, *args, pending=False, verbosity=1, **options):
        if pending:
            count = index_left_over()
        else:
            reports = Report.objects.all()
            index_reports(reports)
            count = reports.count()
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Indexed {count} report(s)."))
