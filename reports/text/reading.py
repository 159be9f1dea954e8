"""The full text of a report as its readers see it: made for a page, or once to be kept with the report."""
from django.template.loader import render_to_string


def reader_text(report, parts):
    """
    The body with each quote and image it places ([quote N], [image N]) where it stands, those no
    marker places after it, its documents, and the notes; `parts` are what reports.models.media's
    `reader_text_parts` reads for it (quotes, footnotes, images, documents).
    """
    return render_to_string("includes/report_text.html", {"report": report, **parts})
