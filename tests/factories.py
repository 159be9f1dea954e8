"""factory_boy factories: each builds the minimum a test needs; tiers come from the data migration."""
import datetime as dt

import factory
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone
from django.utils.text import slugify

from reports.models import (
    Footnote,
    Institution,
    InstitutionMembership,
    InstitutionNetwork,
    Organization,
    OrganizationAlias,
    Outlet,
    Person,
    Programme,
    PersonAlias,
    Quote,
    Report,
    ReportQuote,
    Series,
    Subscription,
    SubscriptionRequest,
    Tier,
)
from reports.media.forms import ArchivedSourceForm, DocumentForm, ReportImageForm
from reports.subscriptions.trials import start_trial


def tier(slug):
    return Tier.objects.get(slug=slug)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ["username"]
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda user: f"{user.username}@example.org")
    password = factory.django.Password("correct horse battery staple")


class StaffFactory(UserFactory):
    """A member of one of the desk's groups (Analysts, Editors, Subscription managers)."""

    is_staff = True

    @factory.post_generation
    def group(user, create, extracted, **kwargs):
        if create and extracted:
            user.groups.add(Group.objects.get(name=extracted))


class SubscriptionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Subscription

    user = factory.SubFactory(UserFactory)
    tier = factory.LazyFunction(lambda: tier("jttm"))
    starts_on = factory.LazyFunction(lambda: timezone.localdate() - dt.timedelta(days=30))
    ends_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))


class SeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Series
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Series {n}")
    slug = factory.Sequence(lambda n: f"series-{n}")


class ProgrammeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Programme
        django_get_or_create = ["slug"]

    name = factory.Sequence(lambda n: f"Programme {n}")
    slug = factory.Sequence(lambda n: f"programme-{n}")
    description = factory.Sequence(lambda n: f"What programme {n} does, for everyone to read.")


class ReportFactory(factory.django.DjangoModelFactory):
    """A published, complimentary report; pass required_tier=tier('jttm') for a gated one."""

    class Meta:
        model = Report

    title = factory.Sequence(lambda n: f"Militia statement number {n}")
    series = factory.SubFactory(SeriesFactory)
    summary = "A public summary of the report."
    body = "The body of the report."
    status = Report.Status.PUBLISHED
    published_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=1))
    required_tier = None


class FootnoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Footnote

    report = factory.SubFactory(ReportFactory)
    position = factory.Sequence(lambda n: n + 1)
    text = factory.Sequence(lambda n: f"Source number {n}.")


class OrganizationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Brigade {n}")
    slug = factory.Sequence(lambda n: f"brigade-{n}")
    kind = Organization.Kind.MILITIA


class OrganizationAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OrganizationAlias

    organization = factory.SubFactory(OrganizationFactory)


class PersonFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Person

    name = factory.Sequence(lambda n: f"Commander {n}")
    slug = factory.Sequence(lambda n: f"commander-{n}")


class PersonAliasFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PersonAlias

    person = factory.SubFactory(PersonFactory)


class OutletFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Outlet

    name = factory.Sequence(lambda n: f"Daily {n}")
    slug = factory.Sequence(lambda n: f"daily-{n}")
    kind = Outlet.Kind.NEWSPAPER


class QuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quote

    person = factory.SubFactory(PersonFactory)
    translation = factory.Sequence(lambda n: f"We will answer, says statement {n}.")
    original_text = "سنرد"


class ReportQuoteFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ReportQuote

    report = factory.SubFactory(ReportFactory)
    quote = factory.SubFactory(QuoteFactory)


def make_visitor(kind):
    """A user of the given kind (None for an anonymous visitor), for a report gated at premium."""
    today = timezone.localdate()
    if kind == "anonymous":
        return None
    if kind == "registered":
        return UserFactory()
    if kind == "expired":
        return SubscriptionFactory(
            tier=tier("premium"), starts_on=today - dt.timedelta(days=365), ends_on=today - dt.timedelta(days=1)
        ).user
    if kind == "lower_tier":
        return SubscriptionFactory(tier=tier("jttm")).user
    if kind == "active":
        return SubscriptionFactory(tier=tier("premium"), ends_on=today).user
    if kind == "institutional":
        institution = Institution.objects.create(
            name="Agency", slug="agency", tier=tier("premium"), starts_on=today, ends_on=today + dt.timedelta(days=30)
        )
        user = UserFactory(email="reader@agency.example")
        InstitutionMembership.objects.create(institution=institution, user=user, email=user.email)
        return user
    if kind == "staff":
        return StaffFactory(group="Analysts")
    if kind == "trial":
        premium = tier("premium")
        premium.trial_days = 7
        premium.save()
        return start_trial(user=UserFactory(), tier=premium).user
    if kind == "pending_request":
        return SubscriptionRequest.objects.create(user=UserFactory(), tier=tier("premium")).user
    raise ValueError(kind)


def institution(name, tier_slug, *, ends_on=dt.date(2099, 1, 1), network=None, grace_days=0):
    created = Institution.objects.create(
        name=name, slug=slugify(name), tier=tier(tier_slug),
        starts_on=dt.date(2020, 1, 1), ends_on=ends_on, grace_days=grace_days,
    )
    if network:
        InstitutionNetwork.objects.create(institution=created, cidr=network)
    return created


def _media(form_class, report, upload, data):
    """A file of the report, checked and made as the desk's form makes it (type, SHA-256, renditions)."""
    form = form_class(data=data, files={"file": upload}, instance=form_class._meta.model(report=report))
    assert form.is_valid(), form.errors
    return form.save()


def report_image(report, upload, **data):
    return _media(ReportImageForm, report, upload, {"position": 1, "alt_text": "A militia convoy", **data})


def report_document(report, upload, **data):
    return _media(DocumentForm, report, upload, {"title": "The original statement", "language": "ar", **data})


def archived_source(report, upload, **data):
    return _media(ArchivedSourceForm, report, upload, {
        "cites": "quote", "number": 1, "original_url": "https://t.me/channel/1234",
        "captured_at": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"), **data,
    })
