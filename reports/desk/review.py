"""
Review before anything goes live: the writes of the review workflow.

- A draft is its analyst's own until they submit it (`submit_draft`); an editor then publishes it
  (`approve`, with a publication time and access) or sends it back with a comment.
- An analyst's save of a report an editor has released (published, scheduled or withdrawn) does not
  touch the report: it is kept as the report's open change (`keep_change`), submitted or not, and
  readers keep the approved text. An editor approves it (the change becomes the live text as a
  new revision), sends it back, or discards it; its analyst may discard it too.
- Every write here goes up the report's version, as a save does, so that a form or a review page
  opened before it is refused (the optimistic lock of the report form).

Who may do what is the caller's to check (the admin asks `reports.publish_report`).
"""
import reversion
from django.db import transaction
from django.db.models import F
from django.utils import timezone

from reports.desk.content import content_of, write_content
from reports.models import Report, Review


class OutdatedDecision(Exception):
    """The report or its change was saved after the page deciding on it was opened."""


def open_review(report):
    return Review.objects.open().filter(report=report).first()


def open_change(report):
    """The change everyone who edits this released report works on, or None."""
    return Review.objects.open().filter(report=report, kind=Review.Kind.CHANGE).first()


def working_content(report):
    """The content everyone who edits the report works on: its open change, or else the report as stored."""
    change = open_change(report)
    return change.content if change else content_of(report)


def next_version(report):
    """Count a write that does not save the report's row (which readers see) in its version."""
    Report.objects.filter(pk=report.pk).update(version=F("version") + 1)
    report.version = Report.objects.filter(pk=report.pk).values_list("version", flat=True).get()


@transaction.atomic
def keep_change(*, report, content, user, submit):
    """Keep `content` as the released report's open change; with `submit`, put it before the editors."""
    review = Review.objects.open().select_for_update().filter(report=report).first()
    if review is None:
        review = Review(report=report, kind=Review.Kind.CHANGE, started_by=user)
    review.content = content
    review.changed_by = user
    if submit:
        review.status = Review.Status.PENDING
        review.submitted_at = timezone.now()
    review.save()
    next_version(report)
    return review


@transaction.atomic
def submit_draft(*, report, user):
    """Put the draft before the editors (again, after it was sent back)."""
    review = Review.objects.open().select_for_update().filter(report=report).first()
    if review is None:
        review = Review(report=report, kind=Review.Kind.PUBLICATION, started_by=user)
    review.status = Review.Status.PENDING
    review.changed_by = user
    review.submitted_at = timezone.now()
    review.save()
    return review


def check_current(review, version):
    report = Report.objects.select_for_update().get(pk=review.report_id)
    if version != report.version:
        raise OutdatedDecision(
            "The report or its change was saved after you opened this page, so nothing was decided. "
            "Look at it again below."
        )
    return report


@transaction.atomic
def approve(*, review, user, version, published_at=None, required_tier=None, comment=""):
    """
    Make the change the live text (a change), or publish the draft at `published_at` with
    `required_tier` (a publication), as a new revision by `user`.
    """
    report = check_current(review, version)
    with reversion.create_revision():
        reversion.set_user(user)
        if review.kind == Review.Kind.CHANGE:
            reversion.set_comment(f"Approved the change by {name_of(review.changed_by)}")
            write_content(report, review.content, user=user)
        else:
            reversion.set_comment("Approved and published" if published_at <= timezone.now() else "Approved and scheduled")
            report.status = Report.Status.PUBLISHED
            report.published_at = published_at
            report.required_tier = required_tier
            report.updated_by = user
            report.save()
    close(review, Review.Status.APPROVED, user=user, comment=comment)
    return report


@transaction.atomic
def send_back(*, review, user, version, comment):
    check_current(review, version)
    close(review, Review.Status.SENT_BACK, user=user, comment=comment)


@transaction.atomic
def discard(*, review, user, version, comment=""):
    """Drop the open change: the report's editors and analysts work on the live text again."""
    report = check_current(review, version)
    close(review, Review.Status.DISCARDED, user=user, comment=comment)
    next_version(report)


def settle_after_editor_save(*, report, user, restored_from=None):
    """
    An editor saved the report itself. Their form showed the open change, so it is now live
    (approved by that save); unless it showed a restored revision instead, which replaced the change.
    """
    change = open_change(report)
    if change is not None:
        if restored_from:
            close(change, Review.Status.DISCARDED, user=user, comment=f"Replaced by restoring {restored_from}.")
        else:
            close(change, Review.Status.APPROVED, user=user, comment="Published with the editor's own edits.")
    released(report=report, user=user)


def released(*, report, user):
    """A draft an editor has released (published, scheduled or withdrawn) needs no review any more."""
    if report.status == Report.Status.DRAFT:
        return
    for review in Review.objects.open().filter(report=report, kind=Review.Kind.PUBLICATION):
        close(review, Review.Status.APPROVED, user=user, comment="Released by the editor.")


def close(review, status, *, user, comment):
    review.status = status
    review.reviewed_by = user
    review.reviewed_at = timezone.now()
    review.comment = comment
    review.save()


def name_of(user):
    return user.get_username() if user else "someone"
