"""
The project's data: reports and what they carry, entities, places, subscriptions, readers' facts,
the desk's records. The access policy is stated on the reports' QuerySet (reports.py) and asks
readers.py what a reader is and holds; no cache is asked here.

May import: reports.models, reports.search.names, reports.text.rendering
"""
from reports.models.alerts import AlertState, Follow, SentAlert
from reports.models.desk import ReportSnapshot, Review
from reports.models.entities import (
    Designation,
    Organization,
    OrganizationAlias,
    Outlet,
    OutletAlias,
    Person,
    PersonAlias,
    Quote,
    Role,
)
from reports.models.media import ArchivedSource, Document, ImageRendition, ReportImage
from reports.models.places import Country, Programme, Series
from reports.models.reports import Footnote, Report, ReportQuote
from reports.models.subscriptions import (
    Institution,
    InstitutionDomain,
    InstitutionMembership,
    InstitutionNetwork,
    Subscription,
    SubscriptionRequest,
    Tier,
    Trial,
)
from reports.models.tokens import APIToken
from reports.models.usage import Read

__all__ = [
    "APIToken",
    "ArchivedSource",
    "Document",
    "ImageRendition",
    "ReportImage",
    "AlertState",
    "Follow",
    "Institution",
    "InstitutionDomain",
    "InstitutionMembership",
    "InstitutionNetwork",
    "Read",
    "Country",
    "Designation",
    "Footnote",
    "Organization",
    "OrganizationAlias",
    "Outlet",
    "OutletAlias",
    "Person",
    "PersonAlias",
    "Quote",
    "Report",
    "SentAlert",
    "ReportQuote",
    "ReportSnapshot",
    "Review",
    "Role",
    "Programme",
    "Series",
    "Subscription",
    "SubscriptionRequest",
    "Tier",
    "Trial",
]
