"""Publish one ReportPage under the site's home page from a JSON file (title, slug, summary, body, footnotes)."""
import json

from django.core.management.base import BaseCommand
from wagtail.models import Site

from reportpage.models import ReportPage


class Command(BaseCommand):
    help = __doc__

    def add_arguments(self, parser):
        parser.add_argument("content", help="JSON file: title, slug, summary, body, footnotes")

    def handle(self, content, **options):
        with open(content, encoding="utf-8") as file:
            fields = json.load(file)
        home = Site.objects.get(is_default_site=True).root_page.specific
        page = ReportPage.objects.filter(slug=fields["slug"]).first()
        if page is None:
            page = home.add_child(instance=ReportPage(**fields))
        else:
            for name, value in fields.items():
                setattr(page, name, value)
        page.save_revision().publish()
        self.stdout.write(page.url)
