"""
Every file of every report is answered here, at /files/<key>/, and only here.

The view finds the file by its random key, then asks the access policy about its report for the
visitor of this request (`is_readable_by` on the file: the report's `is_viewable_by` and
`is_readable_by`, judged against the clock now): a file of a report the visitor may not see at all
(a draft, a scheduled or withdrawn report, for the public) is a 404, one of a report whose text
they may not read a 403. A change of the report's access is the file's at the same second.

The bytes are streamed by Django (FileResponse), or handed to the web server in front by
MEDIA_SERVING: X-Accel-Redirect (nginx, an internal location at MEDIA_ACCEL_PREFIX) or X-Sendfile.
Who may keep the answer is decided by reports.cache.privacy: public for a complimentary report's
file (and a public cover) until the report's next access change, private for a gated report's,
kept by no one for a desk preview of a report not published.
"""
from django.conf import settings
from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404, HttpResponse
from django.utils import timezone

from reports.cache.privacy import for_everyone, for_no_one, for_this_caller
from reports.models import ArchivedSource, Document, ImageRendition, ReportImage
from reports.models.media import media_storage

REPORT = ("report__series", "report__required_tier", "report__access_after")
# Where a key may be found, each with what the policy needs of its report in the same query.
LOOKUPS = [
    (ImageRendition, tuple(f"image__{name}" for name in REPORT)),
    (ReportImage, REPORT),
    (Document, REPORT),
    (ArchivedSource, REPORT),
]
# An HTML snapshot is someone else's page: shown in a sandbox, with no script and nothing fetched.
SNAPSHOT_POLICY = "sandbox; default-src 'none'; img-src data:; style-src 'unsafe-inline'"


def find(key):
    for model, related in LOOKUPS:
        found = model.objects.select_related(*related).filter(key=key).first()
        if found is not None:
            return found
    raise Http404("No such file.")


def serve(request, key):
    item = find(key)
    report = item.report
    if not report.is_viewable_by(request.user):
        raise Http404("No such file.")
    if not item.is_readable_by(request.user):
        raise PermissionDenied("This file belongs to a report for subscribers.")
    response = file_response(item)
    if item.content_type.startswith("text/html"):
        response["Content-Security-Policy"] = SNAPSHOT_POLICY
    if not report.is_published():
        return for_no_one(response)
    if report.is_complimentary or getattr(item, "public_cover", False):
        return for_everyone(response, seconds_public(report))
    return for_this_caller(response)


def seconds_public(report):
    """How long a file every visitor may read now stays so: until the report's access changes, at most MEDIA_PUBLIC_SECONDS."""
    seconds = settings.MEDIA_PUBLIC_SECONDS
    if report.access_changes_at is not None and not report.access_changed():
        seconds = min(seconds, (report.access_changes_at - timezone.now()).total_seconds())
    return seconds


def file_response(item):
    """The file's bytes, or the web server's instruction to send them (MEDIA_SERVING)."""
    name = item.file.name
    if settings.MEDIA_SERVING == "django":
        response = FileResponse(media_storage().open(name, "rb"), content_type=item.content_type)
    else:
        response = HttpResponse(content_type=item.content_type)
        if settings.MEDIA_SERVING == "x-accel-redirect":
            response["X-Accel-Redirect"] = settings.MEDIA_ACCEL_PREFIX + name
        else:
            response["X-Sendfile"] = media_storage().path(name)
    response["Content-Disposition"] = f'inline; filename="{item.file_name}"'
    response["ETag"] = f'"{item.sha256}"'
    return response
