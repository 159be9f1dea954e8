"""
The project's data: reports and what they carry, entities, places, subscriptions, readers' facts,
the desk's records. The access policy is stated on the reports' QuerySet (reports.py) and asks
readers.py what a reader is and holds; no cache is asked here.

May import: reports.models, reports.names, reports.rendering
"""
from .alerts import AlertState, Follow, SentAlert
from .desk import ReportSnapshot, Review
from .entities import (
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
from .places import Country, Series
from .reports import Footnote, Report, ReportQuote
from .subscriptions import Institution, InstitutionDomain, InstitutionMembership, InstitutionNetwork, Subscription, Tier
from .tokens import APIToken
from .usage import Read

__all__ = [
    "APIToken",
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
    "Series",
    "Subscription",
    "Tier",
]
