"""
Import an archive written by `export_reports`: create or update reports and entities by slug.

The whole file is checked before anything is written, and everything is written in one
transaction (`reports.interop.archive.import_archive`), each object validated with `full_clean()`: a file
with a problem changes nothing, and the error says what is wrong and where, e.g.
`reports[3].footnotes[1].position: expected a positive integer`. Tiers are not imported: the file
refers to them by slug and is refused if it names one this database does not have. With
--dry-run the import runs in full, says what it would create and update, and is rolled back.
The files of reports are read from the folder beside PATH that `export_reports` wrote
(PATH.files/), or from --files; each is checked against its SHA-256 before anything is written.
"""
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from reports.interop.archive import ArchiveError, import_archive


class Command(BaseCommand):
    help = "Create or update reports and the entities they refer to from a JSON archive (- for standard input)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The file written by export_reports; - for standard input.")
        parser.add_argument(
            "--dry-run",
            action="store_true",
            help="Check the file and say what would be created or updated, without writing anything.",
        )
        parser.add_argument("--files", help="The folder of the files the archive names (default: PATH.files beside PATH).")

    def handle(self, *args, path, dry_run=False, files=None, verbosity=1, **options):
        data = self.read(path)
        if files is None and path != "-" and Path(f"{path}.files").is_dir():
            files = f"{path}.files"
        try:
            summary = import_archive(data, files=files, dry_run=dry_run)
        except ArchiveError as error:
            problems = "\n".join(f"  {line}" for line in str(error).splitlines())
            raise CommandError(f"Nothing was imported from {path}:\n{problems}") from error
        if verbosity:
            for line in summary.lines():
                self.stdout.write(f"  {line}")
            if verbosity > 1:
                for line in summary.changes():
                    self.stdout.write(f"    {line}")
            if dry_run:
                self.stdout.write(self.style.SUCCESS(f"Dry run: {path} can be imported; nothing was written."))
            else:
                self.stdout.write(self.style.SUCCESS(f"Imported {path}."))

    def read(self, path):
        try:
            text = sys.stdin.read() if path == "-" else Path(path).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from error
        try:
            return json.loads(text)
        except json.JSONDecodeError as error:
            raise CommandError(f"Nothing was imported from {path}: not valid JSON: {error}") from error
