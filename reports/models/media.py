"""
The files reports carry: images shown in the text, documents (originals: PDF, image, audio,
video) and archived copies of the sources that quotes and notes cite.

Every file belongs to one report and is read under that report's access policy, asked at the time
of the request (`MediaQuerySet.readable_by`, `is_readable_by`): a file is read by whoever may read
the report's text, and a change of the report's access is the files' change, at the same second.
The one exception is the image an editor marks as the public cover: it belongs to the teaser, and
is seen by whoever may see the report at all.

Files live in the "media" storage (settings.STORAGES, under MEDIA_ROOT), which has no public
address: they are answered by reports.media.views only. Each has a random key in its address, its
type found from its content (reports.media.files), and the SHA-256 of its bytes as stored.

Documents and archived sources of a quote or a note name it by its number in the report ([quote 2],
[1]), as the text does: notes and quotes are rewritten by number when the report form is saved.
"""
import hashlib
import uuid

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import storages
from django.db import models, transaction
from django.db.models import Q
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils import timezone

from reports.models.base import address
from reports.models.entities import LANGUAGE_CHOICES, Outlet
from reports.models.reports import Report


def media_storage():
    return storages["media"]


def stored_name(instance, filename):
    """<kind>/<key>.<extension>: nothing of the uploader's name or the report's reaches the disk."""
    return f"{instance.FOLDER}/{instance.key.hex}{filename[filename.rfind('.'):] if '.' in filename else ''}"


class MediaQuerySet(models.QuerySet):
    """The access policy of the reports, applied to their files."""

    def readable_by(self, user):
        """Files whose report the user may open and read in full now (desk staff: every report's)."""
        return self.filter(report__in=Report.objects.viewable_by(user).readable_by(user))


class MediaFile(models.Model):
    """What every file of a report has: its report, its random key, its bytes and what they are."""

    FOLDER = "files"

    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(storage=media_storage, upload_to=stored_name, max_length=200)
    content_type = models.CharField(max_length=100, editable=False)
    size = models.PositiveBigIntegerField(default=0, editable=False)
    sha256 = models.CharField("SHA-256", max_length=64, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)

    objects = MediaQuerySet.as_manager()

    class Meta:
        abstract = True

    def get_absolute_url(self):
        return address("media_file", self.key)

    def is_readable_by(self, user):
        """The policy: whoever may open the report and read its text now."""
        return self.report.is_viewable_by(user) and self.report.is_readable_by(user)

    @property
    def file_name(self):
        """The name a download is saved under: the key and the extension its content gave it."""
        return self.file.name.rsplit("/", 1)[-1]


class ImageQuerySet(MediaQuerySet):
    def readable_by(self, user):
        """Images of reports the user may read, and the public covers of the reports they may see."""
        viewable = Report.objects.viewable_by(user)
        return self.filter(Q(report__in=viewable.readable_by(user)) | Q(public_cover=True, report__in=viewable))

    def covers(self):
        return self.filter(public_cover=True)


class ReportImage(MediaFile):
    """An image in a report, with its alt text, caption and credit, and its renditions."""

    FOLDER = "images"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="images")
    position = models.PositiveSmallIntegerField(
        "No.", default=1, help_text="Put [image N] on a line of its own where the image belongs; without it, it follows the text."
    )
    alt_text = models.CharField(
        "alt text", max_length=300,
        help_text="What the image shows, for readers who cannot see it. Required.",
    )
    caption = models.CharField(max_length=500, blank=True)
    credit_outlet = models.ForeignKey(
        Outlet, null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name="credit: outlet"
    )
    credit_date = models.DateField("credit: date", null=True, blank=True)
    public_cover = models.BooleanField(
        "public cover", default=False,
        help_text="Shown with the teaser to everyone, the public included, even when the report is for subscribers.",
    )
    width = models.PositiveIntegerField(default=0, editable=False)
    height = models.PositiveIntegerField(default=0, editable=False)

    objects = ImageQuerySet.as_manager()

    class Meta:
        ordering = ["report", "position", "pk"]
        verbose_name = "image"

    def __str__(self):
        return self.alt_text

    def save(self, *args, **kwargs):
        """Saves the image, and the renditions made from a new upload (`pending_renditions`, set by the form)."""
        super().save(*args, **kwargs)
        pending = self.__dict__.pop("pending_renditions", None)
        if pending is None:
            return
        for rendition in self.renditions.all():
            rendition.delete()
        for width, height, image_format, content_type, content in pending:
            ImageRendition.objects.create(
                image=self, width=width, height=height, format=image_format, content_type=content_type,
                size=len(content), sha256=hashlib.sha256(content).hexdigest(),
                file=ContentFile(content, name=f"rendition.{'jpg' if image_format == 'jpeg' else image_format}"),
            )

    def is_readable_by(self, user):
        if self.public_cover:
            return self.report.is_viewable_by(user)
        return super().is_readable_by(user)

    def rendition_list(self):
        """The renditions, smallest first (prefetched by `media_for_page`, else read now)."""
        return sorted(self.renditions.all(), key=lambda rendition: (rendition.width, rendition.format))

    def srcset(self, image_format):
        return ", ".join(
            f"{rendition.get_absolute_url()} {rendition.width}w"
            for rendition in self.rendition_list() if rendition.format == image_format
        )

    @property
    def webp_srcset(self):
        return self.srcset("webp")

    @property
    def fallback_format(self):
        return next((rendition.format for rendition in self.rendition_list() if rendition.format != "webp"), "jpeg")

    @property
    def fallback_srcset(self):
        return self.srcset(self.fallback_format)

    @property
    def fallback(self):
        """The largest rendition browsers without srcset get."""
        kept = [rendition for rendition in self.rendition_list() if rendition.format == self.fallback_format]
        return kept[-1] if kept else None


class ImageRendition(models.Model):
    """An image at one width in one format, made once on upload (reports.media.files)."""

    FOLDER = "renditions"

    image = models.ForeignKey(ReportImage, on_delete=models.CASCADE, related_name="renditions")
    key = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    file = models.FileField(storage=media_storage, upload_to=stored_name, max_length=200)
    format = models.CharField(max_length=10)  # webp, jpeg or png
    content_type = models.CharField(max_length=100)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveBigIntegerField(default=0)
    sha256 = models.CharField("SHA-256", max_length=64)

    class Meta:
        ordering = ["image", "width", "format"]
        constraints = [models.UniqueConstraint(fields=["image", "width", "format"], name="unique_rendition")]

    def __str__(self):
        return f"{self.image} ({self.width} px, {self.format})"

    @property
    def report(self):
        return self.image.report

    def get_absolute_url(self):
        return address("media_file", self.key)

    @property
    def public_cover(self):
        return self.image.public_cover

    def is_readable_by(self, user):
        return self.image.is_readable_by(user)

    @property
    def file_name(self):
        return self.file.name.rsplit("/", 1)[-1]


class Document(MediaFile):
    """An original a report draws on (PDF, image, audio, video), of the report or of one of its quotes."""

    FOLDER = "documents"

    class Kind(models.TextChoices):
        PDF = "pdf", "PDF"
        IMAGE = "image", "Image"
        AUDIO = "audio", "Audio"
        VIDEO = "video", "Video"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="documents")
    quote_number = models.PositiveSmallIntegerField(
        "of quote No.", null=True, blank=True, help_text="Empty: the report's. A number: the quote placed as [quote N]."
    )
    title = models.CharField(max_length=300)
    kind = models.CharField(max_length=10, choices=Kind.choices, editable=False)
    language = models.CharField(max_length=10, choices=LANGUAGE_CHOICES, default="ar")
    source = models.CharField(max_length=300, blank=True, help_text="Where the original comes from, e.g. the outlet or channel.")
    source_url = models.URLField("source URL", max_length=500, blank=True)

    class Meta:
        ordering = ["report", "quote_number", "pk"]

    def __str__(self):
        return self.title


class ArchivedSource(MediaFile):
    """A copy of a source as it was when captured (screenshot, file or saved HTML), kept with its SHA-256."""

    FOLDER = "archive"

    class Cites(models.TextChoices):
        QUOTE = "quote", "Quote"
        NOTE = "note", "Note"

    class Kind(models.TextChoices):
        SCREENSHOT = "image", "Screenshot"
        PDF = "pdf", "PDF"
        HTML = "html", "HTML snapshot"

    report = models.ForeignKey(Report, on_delete=models.CASCADE, related_name="archived_sources")
    cites = models.CharField("archives the source of", max_length=10, choices=Cites.choices, default=Cites.QUOTE)
    number = models.PositiveSmallIntegerField("No.", help_text="The quote's or the note's number in this report.")
    kind = models.CharField(max_length=10, choices=Kind.choices, editable=False)
    original_url = models.URLField("original URL", max_length=1000)
    captured_at = models.DateTimeField("captured at", default=timezone.now)
    captured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
        limit_choices_to={"is_staff": True}, help_text="Empty: whoever uploads it.",
    )

    class Meta:
        ordering = ["report", "cites", "number", "pk"]
        verbose_name = "archived source"

    def __str__(self):
        return f"{self.get_cites_display()} {self.number}: {self.original_url}"


def media_for_page(report, can_read, quotes=None, footnotes=None):
    """
    What a report's page shows of its files. To a visitor who may read the report: its images
    (`images`, with their renditions and credits), its own documents (`documents`), and for each
    quote carried and each note (both evaluated here, as the page will show them) its archived
    copies and the quote's documents (`archived_sources`, `documents`: lists). To everyone: the
    public cover (`cover`), or None, which link previews show. A fixed number of queries, however many files there are.
    """
    if not can_read:
        covers = ReportImage.objects.covers().filter(report=report).prefetch_related("renditions")
        return {"cover": next(iter(covers[:1]), None)}
    images = list(report.images.select_related("credit_outlet").prefetch_related("renditions"))
    archived, documents = {}, {}
    for source in report.archived_sources.all():
        archived.setdefault((source.cites, source.number), []).append(source)
    for document in report.documents.all():
        documents.setdefault(document.quote_number, []).append(document)
    for carried in quotes if quotes is not None else ():
        carried.quote.archived_sources = archived.get((ArchivedSource.Cites.QUOTE, carried.position), [])
        carried.quote.documents = documents.get(carried.position, [])
    for note in footnotes if footnotes is not None else ():
        note.archived_sources = archived.get((ArchivedSource.Cites.NOTE, note.position), [])
    cover = next((image for image in images if image.public_cover), None)
    return {"images": images, "documents": documents.get(None, []), "cover": cover}


def reader_text_parts(report):
    """
    What a report's full text shows beside its body (reports.text.reading): the quotes it carries
    and its notes, in order, with the speakers and outlets they name, and its files.
    """
    quotes = list(report.report_quotes.select_related("quote__person", "quote__organization", "quote__outlet"))
    footnotes = list(report.footnotes.select_related("outlet"))
    return {"quotes": quotes, "footnotes": footnotes, **media_for_page(report, True, quotes, footnotes)}


@receiver(post_delete, sender=ReportImage)
@receiver(post_delete, sender=ImageRendition)
@receiver(post_delete, sender=Document)
@receiver(post_delete, sender=ArchivedSource)
def file_deleted(sender, instance, **kwargs):
    """A deleted row's file goes once the deletion commits (a rolled back one keeps it)."""
    name = instance.file.name
    if name:
        transaction.on_commit(lambda: media_storage().delete(name))
