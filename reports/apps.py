from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports and entities"

    def ready(self):
        from reports import signals  # noqa: F401  (connects the search index, the page cache and the history to saves)


class DeskAdminConfig(admin_apps.AdminConfig):
    """django.contrib.admin, whose default site is the desk's (second factor when required)."""

    default = False  # the app config of `reports` stays ReportsConfig
    default_site = "reports.desk.site.DeskAdminSite"
