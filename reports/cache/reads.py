"""
Reads of gated text for institutions' usage reports: one per reader and report within DOUBLE_CLICK,
claimed in the cache (atomically for every server) and recorded in the database.
"""
from reports.cache.signed_in import claimed_user_pk
from reports.cache.store import claim, expect
from reports.models import Read
from reports.models.readers import reader_access
from reports.models.usage import DOUBLE_CLICK, double_click_key


def expect_read_claim(request, report_slug):
    """Announce the signed-in reader's claim, so that it comes with the request's first read from the cache."""
    reader_pk = claimed_user_pk(request)
    if reader_pk is not None:
        expect(double_click_key(report_slug, reader_pk))


def record_read(request, report):
    """A read of the report's gated text by the request's visitor (a user, or an address on an institution's network)."""
    user = request.user
    institution = reader_access(user)[1]
    reader, ip = (user, None) if user.is_authenticated else (None, getattr(user, "client_ip", None))
    first = claim(double_click_key(report.slug, reader and reader.pk, ip), DOUBLE_CLICK.seconds)
    Read.objects.record(report=report, user=reader, institution=institution, ip=ip, first=first)
