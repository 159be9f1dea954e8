"""The files' side of the access policy: the querysets and the objects' methods say the same, for every visitor."""
import pytest
from django.contrib.auth.models import AnonymousUser

from reports.models import Document, Report, ReportImage
from tests import media_files
from tests.access_matrix import VISITORS
from tests.factories import ReportFactory, make_visitor, report_document, report_image, tier

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("kind", VISITORS)
def test_the_querysets_and_the_object_methods_agree(kind):
    visitor = make_visitor(kind) or AnonymousUser()
    reports = [
        ReportFactory(required_tier=None), ReportFactory(required_tier=tier("jttm")), ReportFactory(required_tier=tier("premium")),
        ReportFactory(required_tier=None, status=Report.Status.DRAFT, published_at=None),
    ]
    documents = [report_document(report, media_files.pdf()) for report in reports]
    images = [report_image(report, media_files.jpeg(width=40, height=30), public_cover=cover)
              for report in reports for cover in ("", "on")]
    assert set(Document.objects.readable_by(visitor)) == {item for item in documents if item.is_readable_by(visitor)}
    assert set(ReportImage.objects.readable_by(visitor)) == {item for item in images if item.is_readable_by(visitor)}
    readable_reports = {"anonymous": 1, "registered": 1, "expired": 1, "lower_tier": 2, "active": 3, "institutional": 3,
                        "staff": 4, "trial": 3, "pending_request": 1}[kind]
    assert Document.objects.readable_by(visitor).count() == readable_reports
    # Covers: of every report the visitor may see (the draft's for the desk only).
    assert ReportImage.objects.readable_by(visitor).filter(public_cover=True).count() == (4 if kind == "staff" else 3)
