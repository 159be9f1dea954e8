"""
Recompute the search documents of every report.

Saves keep them current; run this after loading data with bulk tools or raw SQL, or after a
change to how documents are built (reports/search.py).
"""
from django.core.management.base import BaseCommand

from reports.models import Report
from reports.search import index_reports


class Command(BaseCommand):
    help = "Recompute the search documents (and PostgreSQL vectors) of all reports."

    def handle(self, *args, verbosity=1, **options):
        reports = Report.objects.all()
        index_reports(reports)
        if verbosity:
            self.stdout.write(self.style.SUCCESS(f"Indexed {reports.count()} report(s)."))
