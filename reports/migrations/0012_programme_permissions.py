"""The desk's groups get programmes as they have series: analysts choose one, editors keep the list."""
import importlib

from django.db import migrations

# The groups' migration's own helper (permissions are created on the spot, as it does).
grant_permissions = importlib.import_module("reports.migrations.0002_groups_and_tiers").grant_permissions

PROGRAMME_PERMISSIONS = {
    "Analysts": {"reports": {"programme": ["view"]}},
    "Editors": {"reports": {"programme": ["view", "add", "change", "delete"]}},
}


def grant(apps, schema_editor):
    grant_permissions(apps, PROGRAMME_PERMISSIONS)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    programme_permissions = Permission.objects.filter(content_type__app_label="reports", codename__endswith="_programme")
    for group in Group.objects.filter(name__in=PROGRAMME_PERMISSIONS):
        group.permissions.remove(*programme_permissions)


class Migration(migrations.Migration):
    dependencies = [("reports", "0011_access_changes_and_programmes")]

    operations = [migrations.RunPython(grant, revoke)]
