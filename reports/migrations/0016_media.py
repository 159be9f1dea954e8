"""
Images, documents and archived sources of reports, and the desk's groups' permissions on them:
analysts and editors both add, change and delete them (in the report form, where analysts may
change a draft's only: reports.media.admin). Renditions are made by the site, never edited.
"""
import importlib

import django.db.models.deletion
import django.utils.timezone
import reports.models.media
import uuid
from django.conf import settings
from django.db import migrations, models

# The groups' migration's own helper (permissions are created on the spot, as it does).
grant_permissions = importlib.import_module("reports.migrations.0002_groups_and_tiers").grant_permissions

FULL = ["add", "change", "delete", "view"]
MEDIA_MODELS = ["reportimage", "document", "archivedsource"]
MEDIA_PERMISSIONS = {
    "Analysts": {"reports": {model: FULL for model in MEDIA_MODELS}},
    "Editors": {"reports": {model: FULL for model in MEDIA_MODELS}},
}


def grant(apps, schema_editor):
    grant_permissions(apps, MEDIA_PERMISSIONS)


def revoke(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    media_permissions = Permission.objects.filter(
        content_type__app_label="reports", content_type__model__in=MEDIA_MODELS
    )
    for group in Group.objects.filter(name__in=MEDIA_PERMISSIONS):
        group.permissions.remove(*media_permissions)


class Migration(migrations.Migration):

    dependencies = [
        ('reports', '0015_stored_page_parts'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ArchivedSource',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('file', models.FileField(max_length=200, storage=reports.models.media.media_storage, upload_to=reports.models.media.stored_name)),
                ('content_type', models.CharField(editable=False, max_length=100)),
                ('size', models.PositiveBigIntegerField(default=0, editable=False)),
                ('sha256', models.CharField(editable=False, max_length=64, verbose_name='SHA-256')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('cites', models.CharField(choices=[('quote', 'Quote'), ('note', 'Note')], default='quote', max_length=10, verbose_name='archives the source of')),
                ('number', models.PositiveSmallIntegerField(help_text="The quote's or the note's number in this report.", verbose_name='No.')),
                ('kind', models.CharField(choices=[('image', 'Screenshot'), ('pdf', 'PDF'), ('html', 'HTML snapshot')], editable=False, max_length=10)),
                ('original_url', models.URLField(max_length=1000, verbose_name='original URL')),
                ('captured_at', models.DateTimeField(default=django.utils.timezone.now, verbose_name='captured at')),
                ('captured_by', models.ForeignKey(blank=True, help_text='Empty: whoever uploads it.', limit_choices_to={'is_staff': True}, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to=settings.AUTH_USER_MODEL)),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='archived_sources', to='reports.report')),
            ],
            options={
                'verbose_name': 'archived source',
                'ordering': ['report', 'cites', 'number', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='Document',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('file', models.FileField(max_length=200, storage=reports.models.media.media_storage, upload_to=reports.models.media.stored_name)),
                ('content_type', models.CharField(editable=False, max_length=100)),
                ('size', models.PositiveBigIntegerField(default=0, editable=False)),
                ('sha256', models.CharField(editable=False, max_length=64, verbose_name='SHA-256')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('quote_number', models.PositiveSmallIntegerField(blank=True, help_text="Empty: the report's. A number: the quote placed as [quote N].", null=True, verbose_name='of quote No.')),
                ('title', models.CharField(max_length=300)),
                ('kind', models.CharField(choices=[('pdf', 'PDF'), ('image', 'Image'), ('audio', 'Audio'), ('video', 'Video')], editable=False, max_length=10)),
                ('language', models.CharField(choices=[('af', 'Afrikaans'), ('sq', 'Albanian'), ('ar-dz', 'Algerian Arabic'), ('ar', 'Arabic'), ('es-ar', 'Argentinian Spanish'), ('hy', 'Armenian'), ('ast', 'Asturian'), ('en-au', 'Australian English'), ('az', 'Azerbaijani'), ('eu', 'Basque'), ('be', 'Belarusian'), ('bn', 'Bengali'), ('bs', 'Bosnian'), ('pt-br', 'Brazilian Portuguese'), ('br', 'Breton'), ('en-gb', 'British English'), ('bg', 'Bulgarian'), ('my', 'Burmese'), ('ca', 'Catalan'), ('ckb', 'Central Kurdish (Sorani)'), ('es-co', 'Colombian Spanish'), ('hr', 'Croatian'), ('cs', 'Czech'), ('da', 'Danish'), ('nl', 'Dutch'), ('en', 'English'), ('eo', 'Esperanto'), ('et', 'Estonian'), ('fi', 'Finnish'), ('fr', 'French'), ('fy', 'Frisian'), ('gl', 'Galician'), ('ka', 'Georgian'), ('de', 'German'), ('el', 'Greek'), ('he', 'Hebrew'), ('hi', 'Hindi'), ('hu', 'Hungarian'), ('is', 'Icelandic'), ('io', 'Ido'), ('ig', 'Igbo'), ('id', 'Indonesian'), ('ia', 'Interlingua'), ('ga', 'Irish'), ('it', 'Italian'), ('ja', 'Japanese'), ('kab', 'Kabyle'), ('kn', 'Kannada'), ('kk', 'Kazakh'), ('km', 'Khmer'), ('ko', 'Korean'), ('ky', 'Kyrgyz'), ('lv', 'Latvian'), ('lt', 'Lithuanian'), ('dsb', 'Lower Sorbian'), ('lb', 'Luxembourgish'), ('mk', 'Macedonian'), ('ms', 'Malay'), ('ml', 'Malayalam'), ('mr', 'Marathi'), ('es-mx', 'Mexican Spanish'), ('mn', 'Mongolian'), ('ne', 'Nepali'), ('es-ni', 'Nicaraguan Spanish'), ('nb', 'Norwegian Bokmål'), ('nn', 'Norwegian Nynorsk'), ('os', 'Ossetic'), ('fa', 'Persian'), ('pl', 'Polish'), ('pt', 'Portuguese'), ('pa', 'Punjabi'), ('ro', 'Romanian'), ('ru', 'Russian'), ('gd', 'Scottish Gaelic'), ('sr', 'Serbian'), ('sr-latn', 'Serbian Latin'), ('zh-hans', 'Simplified Chinese'), ('sk', 'Slovak'), ('sl', 'Slovenian'), ('es', 'Spanish'), ('sw', 'Swahili'), ('sv', 'Swedish'), ('tg', 'Tajik'), ('ta', 'Tamil'), ('tt', 'Tatar'), ('te', 'Telugu'), ('th', 'Thai'), ('zh-hant', 'Traditional Chinese'), ('tr', 'Turkish'), ('tk', 'Turkmen'), ('udm', 'Udmurt'), ('uk', 'Ukrainian'), ('hsb', 'Upper Sorbian'), ('ur', 'Urdu'), ('ug', 'Uyghur'), ('uz', 'Uzbek'), ('es-ve', 'Venezuelan Spanish'), ('vi', 'Vietnamese'), ('cy', 'Welsh')], default='ar', max_length=10)),
                ('source', models.CharField(blank=True, help_text='Where the original comes from, e.g. the outlet or channel.', max_length=300)),
                ('source_url', models.URLField(blank=True, max_length=500, verbose_name='source URL')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='documents', to='reports.report')),
            ],
            options={
                'ordering': ['report', 'quote_number', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ReportImage',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('file', models.FileField(max_length=200, storage=reports.models.media.media_storage, upload_to=reports.models.media.stored_name)),
                ('content_type', models.CharField(editable=False, max_length=100)),
                ('size', models.PositiveBigIntegerField(default=0, editable=False)),
                ('sha256', models.CharField(editable=False, max_length=64, verbose_name='SHA-256')),
                ('created_at', models.DateTimeField(auto_now_add=True)),
                ('position', models.PositiveSmallIntegerField(default=1, help_text='Put [image N] on a line of its own where the image belongs; without it, it follows the text.', verbose_name='No.')),
                ('alt_text', models.CharField(help_text='What the image shows, for readers who cannot see it. Required.', max_length=300, verbose_name='alt text')),
                ('caption', models.CharField(blank=True, max_length=500)),
                ('credit_date', models.DateField(blank=True, null=True, verbose_name='credit: date')),
                ('public_cover', models.BooleanField(default=False, help_text='Shown with the teaser to everyone, the public included, even when the report is for subscribers.', verbose_name='public cover')),
                ('width', models.PositiveIntegerField(default=0, editable=False)),
                ('height', models.PositiveIntegerField(default=0, editable=False)),
                ('credit_outlet', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='reports.outlet', verbose_name='credit: outlet')),
                ('report', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='images', to='reports.report')),
            ],
            options={
                'verbose_name': 'image',
                'ordering': ['report', 'position', 'pk'],
            },
        ),
        migrations.CreateModel(
            name='ImageRendition',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('key', models.UUIDField(default=uuid.uuid4, editable=False, unique=True)),
                ('file', models.FileField(max_length=200, storage=reports.models.media.media_storage, upload_to=reports.models.media.stored_name)),
                ('format', models.CharField(max_length=10)),
                ('content_type', models.CharField(max_length=100)),
                ('width', models.PositiveIntegerField()),
                ('height', models.PositiveIntegerField()),
                ('size', models.PositiveBigIntegerField(default=0)),
                ('sha256', models.CharField(max_length=64, verbose_name='SHA-256')),
                ('image', models.ForeignKey(on_delete=django.db.models.deletion.CASCADE, related_name='renditions', to='reports.reportimage')),
            ],
            options={
                'ordering': ['image', 'width', 'format'],
                'constraints': [models.UniqueConstraint(fields=('image', 'width', 'format'), name='unique_rendition')],
            },
        ),
        migrations.RunPython(grant, revoke),
    ]
