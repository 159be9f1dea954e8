"""Usage reports for institutions and subscriber lists for subscription managers: the rows of their CSV files."""
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone

from reports.models import Read, Subscription


def monthly_usage_rows(institution):
    """
    One row per month and report: reads (total item requests, a double click counted once) and
    unique readers (signed-in members by account, network readers by address); then a total per month.
    """
    reads = Read.objects.filter(institution=institution).annotate(
        month=TruncMonth("read_at", tzinfo=timezone.get_current_timezone())
    )
    per_report = (
        reads.values("month", "report__slug", "report__title")
        .annotate(reads=Count("pk"), readers=Count("user", distinct=True), addresses=Count("ip", distinct=True))
        .order_by("month", "report__slug")
    )
    per_month = {
        row["month"]: row
        for row in reads.values("month").annotate(
            reads=Count("pk"), readers=Count("user", distinct=True), addresses=Count("ip", distinct=True)
        )
    }
    rows, current = [], None
    for row in per_report:
        if current is not None and row["month"] != current:
            rows.append(month_total(per_month[current]))
        current = row["month"]
        rows.append([f"{row['month']:%Y-%m}", row["report__slug"], row["report__title"], row["reads"], row["readers"] + row["addresses"]])
    if current is not None:
        rows.append(month_total(per_month[current]))
    return rows


def month_total(row):
    return [f"{row['month']:%Y-%m}", "", "Total", row["reads"], row["readers"] + row["addresses"]]


USAGE_COLUMNS = ["month", "report", "title", "reads", "unique readers"]
SUBSCRIBER_COLUMNS = ["username", "email", "tier", "starts_on", "ends_on", "grace_days", "active"]


def subscriber_rows(subscriptions=None):
    subscriptions = (subscriptions if subscriptions is not None else Subscription.objects.all()).select_related("user", "tier")
    today = timezone.localdate()
    return [
        [s.user.get_username(), s.user.email, s.tier.slug, s.starts_on, s.ends_on, s.grace_days, s.is_active(today)]
        for s in subscriptions.order_by("user__username", "-ends_on")
    ]
