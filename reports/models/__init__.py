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
