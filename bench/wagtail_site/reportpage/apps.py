from django.apps import AppConfig


class ReportPageConfig(AppConfig):
    name = "reportpage"
    default_auto_field = "django.db.models.BigAutoField"
