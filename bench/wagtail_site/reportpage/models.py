"""A report as a plain Wagtail page: title, summary, the body's HTML and the footnotes' HTML."""
from django.db import models
from wagtail.admin.panels import FieldPanel
from wagtail.fields import RichTextField
from wagtail.models import Page


class ReportPage(Page):
    summary = models.TextField()
    body = RichTextField()
    footnotes = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("summary"), FieldPanel("body"), FieldPanel("footnotes")]
