from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = "Reports and entities"

    def ready(self):
        from . import signals  # noqa: F401  (connects the search index to saves)
