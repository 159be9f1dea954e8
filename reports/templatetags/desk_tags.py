"""The desk's own template tags: what waits for review, on the admin's home page."""
from django import template

from reports.desk.admin import reports_visible_to
from reports.models import Report, Review

register = template.Library()


@register.inclusion_tag("admin/reports/review/waiting.html", takes_context=True)
def reviews_waiting(context):
    """For editors, what awaits their review; for analysts, their changes and drafts sent back or waiting."""
    user = context["request"].user
    if not user.has_perm("reports.view_report"):
        return {"shown": False}
    reviews = Review.objects.filter(report__in=reports_visible_to(user, Report.objects.all()).values("pk"))
    if user.has_perm("reports.publish_report"):
        return {"shown": True, "awaiting": reviews.awaiting().count(), "editor": True}
    theirs = reviews.open().filter(started_by=user)
    return {
        "shown": True,
        "awaiting": theirs.filter(status=Review.Status.PENDING).count(),
        "sent_back": theirs.filter(status=Review.Status.SENT_BACK).count(),
        "in_progress": theirs.filter(status=Review.Status.IN_PROGRESS).count(),
    }


@register.filter
def row_lines(form):
    """A row of the report form (a note, a quote), its fields line by line."""
    return [[form[name] for name in line] for line in form.lines]
