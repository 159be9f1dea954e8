"""
Free trials (a tier's length of trial, and the trials readers started) and readers' requests for a
subscription; the Subscription managers' group gets both new models, as it has subscriptions.
"""
import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

# The groups' migration's own helper (permissions are created on the spot, as it does).
grant_permissions = importlib.import_module("reports.migrations.0002_groups_and_tiers").grant_permissions

MANAGER_PERMISSIONS = {
    "Subscription managers": {"reports": {"trial": ["view", "change", "delete"], "subscriptionrequest": ["view", "change", "delete"]}},
}


def grant(apps, schema_editor):
    grant_permissions(apps, MANAGER_PERMISSIONS)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    new_permissions = Permission.objects.filter(
        content_type__app_label="reports", content_type__model__in=["trial", "subscriptionrequest"]
    )
    for group in Group.objects.filter(name__in=MANAGER_PERMISSIONS):
        group.permissions.remove(*new_permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0013_digest_frequency'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name='tier',
            name='trial_days',
            field=models.PositiveSmallIntegerField(default=0, help_text='How many days a free trial of this tier lasts, its first and last day included. 0: no trial.', verbose_name='free trial (days)'),
        ),
        migrations.CreateModel(
            name='Trial',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('email', models.EmailField(help_text="The reader's address when the trial started.", max_length=254)),
                ('domain', models.CharField(db_index=True, help_text="The address's domain, in lower case.", max_length=253)),
                ('starts_on', models.DateField()),
                ('ends_on', models.DateField(help_text='The last day of the trial, inclusive.')),
                ('subscription', models.OneToOneField(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='trial', to='reports.subscription')),
                ('tier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='trials', to='reports.tier')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='trials', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['-starts_on', '-pk'],
            },
        ),
        migrations.CreateModel(
            name='SubscriptionRequest',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('updated_at', models.DateTimeField(auto_now=True)),
                ('kind', models.CharField(choices=[('individual', 'For myself'), ('institutional', 'For my agency, university or newsroom')], default='individual', max_length=20)),
                ('institution', models.CharField(blank=True, help_text='For an institutional request.', max_length=200, verbose_name="institution's name")),
                ('readers', models.PositiveIntegerField(blank=True, null=True, verbose_name='how many readers')),
                ('message', models.TextField(blank=True, max_length=5000)),
                ('status', models.CharField(choices=[('pending', 'Pending'), ('granted', 'Granted'), ('declined', 'Declined')], db_index=True, default='pending', max_length=20)),
                ('decided_at', models.DateTimeField(blank=True, null=True)),
                ('decided_by', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('granted_institution', models.ForeignKey(blank=True, help_text='The institution set up for an institutional request.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='reports.institution')),
                ('subscription', models.ForeignKey(blank=True, help_text='The subscription granted for an individual request.', null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='reports.subscription')),
                ('tier', models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='requests', to='reports.tier')),
                ('user', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='subscription_requests', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'ordering': ['created_at'],
                'constraints': [models.UniqueConstraint(condition=models.Q(('status', 'pending')), fields=('user',), name='one_pending_request_per_user', violation_error_message='You already have a request waiting for an answer.')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
