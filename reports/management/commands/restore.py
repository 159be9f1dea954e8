"""
Restore the whole database from a file made by `backup`: everything in the database is replaced
by what the backup holds. Asks first unless --noinput; --dry-run only checks the file.
"""
from django.core.management.base import BaseCommand, CommandError
from django.db import connections

from reports.ops.backups import BackupError, check, restore


class Command(BaseCommand):
    help = "Replace everything in the database with the backup at PATH (made by `manage.py backup`)."

    def add_arguments(self, parser):
        parser.add_argument("path", help="The backup file to restore.")
        parser.add_argument("--noinput", "--no-input", action="store_false", dest="interactive", help="Do not ask for confirmation.")
        parser.add_argument("--dry-run", action="store_true", help="Check that PATH is a readable backup; change nothing.")
        parser.add_argument("--database", default="default", help="The database to restore into (default: default).")

    def handle(self, *args, path, interactive, dry_run, database, verbosity=1, **options):
        name = connections[database].settings_dict["NAME"]
        try:
            if dry_run:
                check(path, using=database)
                self.stdout.write(f"{path} is a readable backup; nothing was changed.", style_func=self.style.SUCCESS)
                return
            if interactive:
                answer = input(f"This replaces everything in the database {name} with {path}. Type 'yes' to go on: ")
                if answer != "yes":
                    raise CommandError("Restore cancelled; nothing was changed.")
            problems = restore(path, using=database)
        except (BackupError, OSError) as error:
            raise CommandError(f"Restore failed, the database is unchanged: {error}") from error
        if problems:
            raise CommandError(
                f"Restored the database {name} from {path}, but {len(problems)} file(s) of reports are not as recorded:\n"
                + "\n".join(problems)
            )
        if verbosity:
            self.stdout.write(f"Restored the database {name} and the files of reports from {path}.", style_func=self.style.SUCCESS)
