"""
The access policy's readable condition in SQL (reports/models/reports.py: `readable_parts`), as a
search joins it to a match on the full document: each part is true or false for every report,
never unknown. A part that is unknown for a report (SQL's NULL, where a report has no access
change) does not stop the database at the AND after it, which then reads that report's full
document: a search's count read every gated report's full document in its sample, about five times
the pages it needed, while the answer stayed the same.
"""
import datetime as dt

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db.models import BooleanField, ExpressionWrapper
from django.utils import timezone

from reports.models import Report
from reports.models.reports import readable_parts
from tests.factories import ReportFactory, make_visitor, tier

pytestmark = pytest.mark.django_db

VISITORS = ["anonymous", "registered", "lower_tier", "active", "staff"]


@pytest.fixture
def reports():
    now = timezone.now()
    return [
        ReportFactory(),
        ReportFactory(required_tier=tier("jttm")),
        ReportFactory(required_tier=tier("premium")),
        # An access change due in a second, and one that came a second ago.
        ReportFactory(required_tier=tier("premium"), access_changes_at=now + dt.timedelta(seconds=1), access_after=None),
        ReportFactory(required_tier=tier("premium"), access_changes_at=now - dt.timedelta(seconds=1), access_after=None),
        ReportFactory(required_tier=None, access_changes_at=now - dt.timedelta(seconds=1), access_after=tier("jttm")),
    ]


@pytest.mark.parametrize("kind", VISITORS)
def test_each_readable_part_is_true_or_false_for_every_report(reports, kind):
    user = make_visitor(kind) or AnonymousUser()
    parts = readable_parts(user)
    rows = Report.objects.order_by("pk").annotate(**{
        f"part{number}": ExpressionWrapper(part, output_field=BooleanField()) for number, part in enumerate(parts)
    }).values_list("pk", *(f"part{number}" for number in range(len(parts))))
    for pk, *values in rows:
        report = Report.objects.get(pk=pk)
        assert None not in values, (report.title, values)
        # One part at most, and the one the object method agrees with.
        assert sum(values) == report.is_readable_by(user), (report.title, values)
