"""
Files readers and the desk download: CSV through one writer, each download answering its caller alone.

Every CSV cell goes through `spreadsheet_safe`: quotes and titles come from hostile media, and a
cell that starts like a formula would run when the file is opened in a spreadsheet.
"""
import csv

from django.http import StreamingHttpResponse

from reports.cache.privacy import for_this_caller

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(value):
    """The cell as text, with a leading apostrophe where a spreadsheet would take it for a formula."""
    text = "" if value is None else str(value)
    return f"'{text}" if text.startswith(FORMULA_STARTS) else text


class Echo:
    """A file-like object whose write returns the line, for streaming csv.writer's output."""

    def write(self, value):
        return value


def csv_response(filename, header, rows):
    """A streamed CSV download, UTF-8 with a byte-order mark so that spreadsheets read Arabic right."""
    writer = csv.writer(Echo())

    def lines():
        yield "\ufeff" + writer.writerow(header)
        for row in rows:
            yield writer.writerow([spreadsheet_safe(value) for value in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return for_this_caller(response)
