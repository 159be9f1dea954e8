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
from .subscriptions import Subscription, Tier

__all__ = [
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
    "ReportQuote",
    "Role",
    "Series",
    "Subscription",
    "Tier",
]
