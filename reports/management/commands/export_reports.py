"""
Export the archive: every report, whatever its status, and the entities it refers to, as JSON.

The file alone rebuilds the archive in an empty database with `import_reports`; tiers, which a
data migration creates, are referred to by slug. Authors are not exported: they are desk
accounts, not archive content. Nor are ids, rendered HTML, created/updated stamps or version
counters. The same content always gives the same file, byte for byte (see reports/interop/archive.py),
and the file and its files are the database as of one moment, whatever is saved while they are written.
The files of reports go into the folder PATH.files/ beside it, one per SHA-256 (with - they are
not written: pass --files DIR).
"""
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.interop.archive import ENTITY_KINDS, consistent_reads, dump_archive, export_archive, export_files


class Command(BaseCommand):
    help = "Write all reports and the entities they refer to as JSON to PATH (- for standard output)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file to write; - for standard output.")
        parser.add_argument("--files", help="The folder to copy the files of reports into (default: PATH.files beside PATH).")

    def handle(self, *args, path, files=None, verbosity=1, **options):
        # The document and its files as of one moment, whatever the desk saves meanwhile.
        with consistent_reads():
            archive = export_archive()
            named = any(report[kind] for report in archive["reports"] for kind in ("images", "documents", "archived_sources"))
            if files is None and path != "-" and named:
                files = f"{path}.files"
            if files is not None:
                try:
                    export_files(files)
                except OSError as error:
                    raise CommandError(f"Cannot write the files to {files}: {error.strerror or error}") from error
        text = dump_archive(archive)
        if path == "-":
            self.stdout.write(text, ending="")
        else:
            try:
                Path(path).write_text(text, encoding="utf-8")
            except OSError as error:
                raise CommandError(f"Cannot write {path}: {error.strerror or error}") from error
        if verbosity:
            counts = ", ".join(f"{len(archive[kind])} {kind}" for kind in ("reports", *ENTITY_KINDS))
            # With -, standard output carries the file and nothing else.
            out = self.stderr if path == "-" else self.stdout
            where = "standard output" if path == "-" else path
            out.write(f"Exported {counts} to {where}.", style_func=self.style.SUCCESS)
