"""
Files under MEDIA_ROOT that no row names: left by a save whose transaction was rolled back after the
file was written (a database error, a dry-run import), or copied in by hand. `manage.py sweep_media`
lists and removes those older than a grace period, so that an upload whose save has not committed
yet is never touched.
"""
import datetime as dt
import time
from pathlib import Path

from django.conf import settings

from reports.models import ArchivedSource, Document, ImageRendition, ReportImage


def unreferenced_files(older_than=dt.timedelta(hours=24)):
    """The paths under MEDIA_ROOT that no image, rendition, document or archived source names, last written before `older_than` ago."""
    root = Path(settings.MEDIA_ROOT)
    if not root.is_dir():
        return []
    named = set()
    for model in (ReportImage, ImageRendition, Document, ArchivedSource):
        named.update(model.objects.values_list("file", flat=True).iterator())
    cutoff = time.time() - older_than.total_seconds()
    return sorted(
        path for path in root.rglob("*")
        if path.is_file() and path.relative_to(root).as_posix() not in named and path.stat().st_mtime < cutoff
    )
