"""
The desk's groups and the two subscription tiers.

Analysts write reports and entities but cannot publish; Editors also publish, schedule, withdraw
and delete; Subscription managers handle tiers and subscriptions (and may look users up to attach
a subscription to them).
"""
from django.contrib.auth.management import create_permissions
from django.db import migrations

WRITE = ["add", "change", "view"]
FULL = ["add", "change", "delete", "view"]

ANALYST_PERMISSIONS = {
    "reports": {
        "report": WRITE,
        "footnote": FULL,
        "reportquote": FULL,
        "quote": WRITE,
        "organization": WRITE,
        "organizationalias": FULL,
        "designation": FULL,
        "person": WRITE,
        "personalias": FULL,
        "role": FULL,
        "outlet": WRITE,
        "outletalias": FULL,
        "country": WRITE,
        "series": ["view"],
        "tier": ["view"],
    },
    "taggit": {"tag": WRITE},
}
EDITOR_PERMISSIONS = {
    "reports": {
        **ANALYST_PERMISSIONS["reports"],
        "report": FULL + ["publish"],
        "quote": FULL,
        "organization": FULL,
        "person": FULL,
        "outlet": FULL,
        "country": FULL,
        "series": FULL,
    },
    "taggit": {"tag": FULL},
}
SUBSCRIPTION_MANAGER_PERMISSIONS = {
    "reports": {"tier": FULL, "subscription": FULL},
    "auth": {"user": ["view"]},
}
GROUPS = {
    "Analysts": ANALYST_PERMISSIONS,
    "Editors": EDITOR_PERMISSIONS,
    "Subscription managers": SUBSCRIPTION_MANAGER_PERMISSIONS,
}
TIERS = [
    ("JTTM", "jttm", 1, "The Jihad and Terrorism Threat Monitor: daily reports and translations."),
    ("Premium", "premium", 2, "Everything in JTTM, plus in-depth studies and the full archive."),
]


def codename(action, model):
    return f"{action}_report" if action == "publish" else f"{action}_{model}"


def grant_permissions(apps, groups):
    """Give each group ({name: {app: {model: [actions]}}}) its permissions, creating what is missing."""
    # Permissions are normally created after all migrations have run; the groups need them now.
    for app_config in apps.get_app_configs():
        app_config.models_module = True
        create_permissions(app_config, apps=apps, verbosity=0)
        app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    for group_name, grants in groups.items():
        group, _ = Group.objects.get_or_create(name=group_name)
        for app_label, models in grants.items():
            for model, actions in models.items():
                for action in actions:
                    group.permissions.add(
                        Permission.objects.get(
                            content_type__app_label=app_label, codename=codename(action, model)
                        )
                    )


def create_groups_and_tiers(apps, schema_editor):
    grant_permissions(apps, GROUPS)

    Tier = apps.get_model("reports", "Tier")
    for name, slug, rank, description in TIERS:
        Tier.objects.get_or_create(slug=slug, defaults={"name": name, "rank": rank, "description": description})


def remove_groups(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=GROUPS).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("reports", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("taggit", "0006_rename_taggeditem_content_type_object_id_taggit_tagg_content_8fc721_idx"),
    ]

    operations = [migrations.RunPython(create_groups_and_tiers, remove_groups)]
