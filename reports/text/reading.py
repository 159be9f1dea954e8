"""The full text of a report as its readers see it: made for a page, or once to be kept with the report."""
from django.template.loader import render_to_string


def reader_text(report, quotes, footnotes):
    """
    The body with each quote it places ([quote N]) where it stands, the quotes no marker places
    after it, and the notes: `quotes` are the report's ReportQuotes and `footnotes` its Footnotes,
    in order, with the speakers and outlets they name.
    """
    return render_to_string("includes/report_text.html", {"report": report, "quotes": quotes, "footnotes": footnotes})
