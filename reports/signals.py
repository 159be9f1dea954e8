"""
Keep the search documents and the parts report pages keep (Report.reader_text_html, filed_under)
current: any save, link change or deletion that changes what they hold marks the report for
re-indexing, done once per report when the transaction commits (see reports.search.engine).

Keep what the cache keeps current (reports.cache.store), each change named for what changed: any
save, deletion or link change of what public pages show (every model of this app and of taggit,
but for records of readers and their activity, NOT_ON_PAGES) is `pages_changed`; a subscription or
membership's is `holdings_changed` (reports.cache.readers); a user's is `user_changed`
(reports.cache.signed_in); search documents recomputed (after the commit, so after the save's
`pages_changed`) are `search_index_changed` (search results kept per reader class,
reports.cache.results).

Keep the desk's history whole: each revision that holds a report gets a snapshot of the report's
content and state once the revision is saved (see reports.desk.history).
"""
from functools import reduce
from operator import or_

from django.conf import settings
from django.db.models import Q
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete
from django.dispatch import receiver
from reversion.signals import post_revision_commit
from taggit.models import Tag

from reports.cache.signed_in import user_changed
from reports.cache.store import holdings_changed, pages_changed, search_index_changed
from reports.desk.history import record_snapshots
from reports.models import (
    AlertState,
    APIToken,
    ArchivedSource,
    Country,
    Document,
    Follow,
    Footnote,
    ImageRendition,
    InstitutionDomain,
    InstitutionMembership,
    Organization,
    OrganizationAlias,
    Outlet,
    OutletAlias,
    Person,
    PersonAlias,
    Quote,
    Read,
    Report,
    ReportImage,
    ReportQuote,
    ReportSnapshot,
    Review,
    SentAlert,
    Subscription,
    SubscriptionRequest,
    Trial,
)
from reports.search.engine import reports_indexed, schedule_indexing

# Pages never show these, and some change on every read: they must not empty the page cache.
NOT_ON_PAGES = {
    Read, Follow, AlertState, SentAlert, APIToken, Subscription, InstitutionMembership, InstitutionDomain,
    Review, ReportSnapshot, Trial, SubscriptionRequest,
}


def shown_on_pages(model):
    return model._meta.app_label in {"reports", "taggit"} and model not in NOT_ON_PAGES


@receiver(post_save)
@receiver(post_delete)
def page_content_changed(sender, **kwargs):
    if shown_on_pages(sender):
        pages_changed()


@receiver(m2m_changed)
def page_links_changed(sender, action, **kwargs):
    if action.startswith("post_") and shown_on_pages(sender):
        pages_changed()


@receiver(post_save, sender=Subscription)
@receiver(post_delete, sender=Subscription)
@receiver(post_save, sender=InstitutionMembership)
@receiver(post_delete, sender=InstitutionMembership)
def subscription_or_membership_changed(sender, **kwargs):
    holdings_changed()


@receiver(reports_indexed)
def search_documents_changed(sender, **kwargs):
    search_index_changed()


@receiver(post_save, sender=settings.AUTH_USER_MODEL)
@receiver(post_delete, sender=settings.AUTH_USER_MODEL)
def user_saved_or_deleted(sender, instance, **kwargs):
    user_changed(instance.pk)


def reindex(**lookup):
    schedule_indexing(Report.objects.filter(**lookup).values_list("pk", flat=True))


@receiver(post_save, sender=Report)
def report_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule_indexing([instance.pk])


@receiver(m2m_changed, sender=Report.tags.through)
@receiver(m2m_changed, sender=Report.organizations.through)
@receiver(m2m_changed, sender=Report.people.through)
@receiver(m2m_changed, sender=Report.outlets.through)
@receiver(m2m_changed, sender=Report.countries.through)
def report_links_changed(sender, instance, action, reverse, model, pk_set, **kwargs):
    if not action.startswith("post_"):
        return
    if isinstance(instance, Report):
        schedule_indexing([instance.pk])
    elif pk_set:
        schedule_indexing(pk_set)


@receiver(post_save, sender=Footnote)
@receiver(post_delete, sender=Footnote)
@receiver(post_save, sender=ReportQuote)
@receiver(post_delete, sender=ReportQuote)
def report_part_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule_indexing([instance.report_id])


@receiver(post_save, sender=ReportImage)
@receiver(post_delete, sender=ReportImage)
@receiver(post_save, sender=Document)
@receiver(post_delete, sender=Document)
@receiver(post_save, sender=ArchivedSource)
@receiver(post_delete, sender=ArchivedSource)
def report_file_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule_indexing([instance.report_id])


@receiver(post_save, sender=ImageRendition)
@receiver(post_delete, sender=ImageRendition)
def rendition_changed(sender, instance, raw=False, **kwargs):
    if not raw:
        schedule_indexing(ReportImage.objects.filter(pk=instance.image_id).values_list("report_id", flat=True))


@receiver(post_save, sender=Quote)
def quote_saved(sender, instance, raw=False, **kwargs):
    if not raw:
        reindex(report_quotes__quote=instance)


# Where a report names each kind of thing: its documents hold the names, its page the names and
# addresses (Report.filed_under, and the speakers and outlets of its quotes, notes and image credits).
NAMED_IN = {
    Organization: ("organizations", "report_quotes__quote__organization"),
    Person: ("people", "report_quotes__quote__person"),
    Outlet: ("outlets", "report_quotes__quote__outlet", "footnotes__outlet", "images__credit_outlet"),
    Country: ("countries",),
    Tag: ("tags",),
}


def reindex_naming(thing):
    naming = reduce(or_, (Q(**{lookup: thing}) for lookup in NAMED_IN[type(thing)]))
    schedule_indexing(Report.objects.filter(naming).values_list("pk", flat=True).distinct())


@receiver(post_save, sender=Organization)
@receiver(post_save, sender=Person)
@receiver(post_save, sender=Outlet)
@receiver(post_save, sender=Country)
@receiver(post_save, sender=Tag)
def named_thing_saved(sender, instance, raw=False, created=False, **kwargs):
    if not raw and not created:
        reindex_naming(instance)


@receiver(pre_delete, sender=Organization)
@receiver(pre_delete, sender=Person)
@receiver(pre_delete, sender=Outlet)
@receiver(pre_delete, sender=Country)
@receiver(pre_delete, sender=Tag)
def named_thing_deleted(sender, instance, **kwargs):
    # Before the deletion takes the links with it (no m2m_changed is sent for them); the reports
    # are made again after the commit, without it.
    reindex_naming(instance)


ALIAS_OWNER = {OrganizationAlias: "organization", PersonAlias: "person", OutletAlias: "outlet"}


@receiver(post_save, sender=OrganizationAlias)
@receiver(post_delete, sender=OrganizationAlias)
@receiver(post_save, sender=PersonAlias)
@receiver(post_delete, sender=PersonAlias)
@receiver(post_save, sender=OutletAlias)
@receiver(post_delete, sender=OutletAlias)
def alias_changed(sender, instance, raw=False, **kwargs):
    if raw:
        return
    owner_field = ALIAS_OWNER[sender]
    owner_model = type(instance)._meta.get_field(owner_field).related_model
    reindex(**{NAMED_IN[owner_model][0]: getattr(instance, f"{owner_field}_id")})


@receiver(post_revision_commit)
def revision_saved(sender, revision, versions, **kwargs):
    record_snapshots(revision, versions)
