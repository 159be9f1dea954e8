"""Writes the demo content so that running it again changes nothing."""
import datetime as dt
import secrets

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.utils import timezone

from reports.demo import content
from reports.models import (
    Country,
    Designation,
    Footnote,
    Organization,
    OrganizationAlias,
    Outlet,
    OutletAlias,
    Person,
    PersonAlias,
    Quote,
    Report,
    ReportQuote,
    Role,
    Programme,
    Series,
    Subscription,
    Tier,
)


def sync(model, lookup, **values):
    """Create the object, or bring it in line with `values`; save only when something differs."""
    obj, created = model.objects.get_or_create(**lookup, defaults=values)
    if not created:
        changed = [name for name, value in values.items() if getattr(obj, name) != value]
        if changed:
            for name in changed:
                setattr(obj, name, values[name])
            obj.save()
    return obj


def sync_aliases(alias_model, owner_field, owner, names):
    for name in names:
        sync(alias_model, {owner_field: owner, "name": name})


def load_places():
    for slug, name, short_name, description, complimentary_line in content.SERIES:
        sync(Series, {"slug": slug}, name=name, short_name=short_name, description=description,
             complimentary_line=complimentary_line)
    for slug, name, description, website in content.PROGRAMMES:
        sync(Programme, {"slug": slug}, name=name, description=description, website=website)
    for slug, name, iso_code in content.COUNTRIES:
        sync(Country, {"slug": slug}, name=name, iso_code=iso_code)


def load_entities():
    countries = {country.slug: country for country in Country.objects.all()}
    for slug, (name, kind, _, sponsor, operates_in, aliases, designations, description) in content.ORGANIZATIONS.items():
        organization = sync(
            Organization, {"slug": slug}, name=name, kind=kind, description=description,
            state_sponsor=countries.get(sponsor),
        )
        organization.countries.set([countries[code] for code in operates_in])
        sync_aliases(OrganizationAlias, "organization", organization, aliases)
        for authority, designation, designated_on in designations:
            sync(Designation, {"organization": organization, "designation": designation, "authority": authority},
                 designated_on=designated_on)
    organizations = {organization.slug: organization for organization in Organization.objects.all()}
    for slug, (_, _, parent, *_) in content.ORGANIZATIONS.items():
        sync(Organization, {"slug": slug}, parent=organizations.get(parent))

    for slug, (name, aliases, roles, description) in content.PEOPLE.items():
        person = sync(Person, {"slug": slug}, name=name, description=description)
        sync_aliases(PersonAlias, "person", person, aliases)
        for title, organization, started_on, ended_on in roles:
            sync(Role, {"person": person, "organization": organizations[organization], "title": title},
                 started_on=started_on, ended_on=ended_on)

    for slug, (name, kind, country, language, stance, url, aliases) in content.OUTLETS.items():
        outlet = sync(Outlet, {"slug": slug}, name=name, kind=kind, country=countries.get(country),
                      language=language, stance=stance, url=url)
        sync_aliases(OutletAlias, "outlet", outlet, aliases)


def load_quotes():
    quotes = {}
    for key, (person, organization, outlet, said_on, original, translation) in content.QUOTES.items():
        quotes[key] = sync(
            Quote,
            {"translation": translation},
            person=Person.objects.filter(slug=person).first(),
            organization=Organization.objects.get(slug=organization),
            outlet=Outlet.objects.get(slug=outlet),
            said_on=said_on,
            original_language="ar",
            original_text=original,
        )
    return quotes


def load_reports(quotes, authors):
    for slug, fields in content.REPORTS.items():
        report = sync(
            Report,
            {"slug": slug},
            title=fields["title"],
            series=Series.objects.get(slug=fields["series"]),
            number=fields["number"],
            summary=fields["summary"],
            body=fields["body"],
            status=fields["status"],
            published_at=fields["published_at"],
            required_tier=Tier.objects.filter(slug=fields["tier"]).first(),
            access_changes_at=fields.get("access_changes_at"),
            access_after=Tier.objects.filter(slug=fields.get("access_after")).first(),
            programme=Programme.objects.filter(slug=fields.get("programme")).first(),
        )
        for position, (text, url, outlet) in enumerate(fields["footnotes"], start=1):
            sync(Footnote, {"report": report, "position": position}, text=text, url=url,
                 outlet=Outlet.objects.get(slug=outlet))
        for position, key in enumerate(fields["quotes"], start=1):
            sync(ReportQuote, {"report": report, "quote": quotes[key]}, position=position)
        report.tags.set(fields["tags"])
        report.countries.set(Country.objects.filter(slug__in=fields["countries"]))
        report.organizations.set(Organization.objects.filter(slug__in=fields["organizations"]))
        report.people.set(Person.objects.filter(slug__in=fields["people"]))
        report.outlets.set(Outlet.objects.filter(slug__in=fields["outlets"]))
        report.authors.set(authors)
    for slug, fields in content.REPORTS.items():
        Report.objects.get(slug=slug).related_reports.add(*Report.objects.filter(slug__in=fields["related"]))


def load_users(password=None):
    """Create the demo users; return {username: password} for those whose password was set now."""
    User = get_user_model()
    passwords = {}
    for username, (group, is_staff, tier) in content.USERS.items():
        user, created = User.objects.get_or_create(
            username=username, defaults={"email": f"{username}@example.org", "is_staff": is_staff}
        )
        if created or (password and not user.check_password(password)):
            passwords[username] = password or secrets.token_urlsafe(12)
            user.set_password(passwords[username])
            user.save(update_fields=["password"])
        if group:
            user.groups.add(Group.objects.get(name=group))
        if tier:
            today = timezone.localdate()
            Subscription.objects.get_or_create(
                user=user,
                tier=Tier.objects.get(slug=tier),
                defaults={"starts_on": today - dt.timedelta(days=30), "ends_on": today + dt.timedelta(days=365)},
            )
    return passwords


def load_trials():
    for tier in Tier.objects.filter(slug__in=content.TRIAL_DAYS):
        tier.trial_days = content.TRIAL_DAYS[tier.slug]
        tier.save(update_fields=["trial_days"])


def load_demo(password=None):
    passwords = load_users(password)
    load_trials()
    load_places()
    load_entities()
    authors = get_user_model().objects.filter(username__in=["analyst", "editor"])
    load_reports(load_quotes(), authors)
    return passwords
