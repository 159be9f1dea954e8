"""
Generate a corpus of realistic reports for benchmarks: `generate_corpus --reports 100000 --seed 1`.

The pool of entities and tags is created the first time and shared afterwards; each run adds
`--reports` new reports (unique slugs, free series numbers), written and indexed for search in
batches of `--batch`, each batch in one transaction; `--workers 2` renders, writes and indexes
two batches at a time (PostgreSQL only). The same seed gives the same reports.
`--dry-run` prints the first titles the seed gives and writes nothing.

The generator itself is in bench/corpus.py, off the path of the running site: only this command,
run by hand or by the benchmarks and tests, reads it.
"""
import random

from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from bench.corpus import ReportMaker, generate_corpus


def positive(value):
    number = int(value)
    if number < 1:
        raise ValueError(value)
    return number


class Command(BaseCommand):
    help = "Add N generated reports, with entities, footnotes, quotes and tags, for benchmarks."

    def add_arguments(self, parser):
        parser.add_argument("--reports", type=positive, required=True, metavar="N", help="How many reports to add.")
        parser.add_argument("--seed", type=int, help="Seed of the generator (default: a random one, printed).")
        parser.add_argument("--batch", type=positive, default=1000, help="Reports per transaction (default 1000).")
        parser.add_argument(
            "--workers", type=positive, default=1, help="Processes writing batches side by side (default 1; PostgreSQL)."
        )
        parser.add_argument("--dry-run", action="store_true", help="Print the first titles; write nothing.")

    def handle(self, *args, reports, seed, batch, workers, dry_run, verbosity=1, **options):
        if workers > 1 and connection.vendor != "postgresql":
            raise CommandError("Several --workers need PostgreSQL; this database takes one writer at a time.")
        if seed is None:
            seed = random.SystemRandom().randrange(2**31)
        if verbosity:
            self.stdout.write(f"Seed {seed}.")
        if dry_run:
            maker = iter(ReportMaker(seed))
            for _ in range(min(reports, 10)):
                self.stdout.write(f"  {next(maker).title}")
            self.stdout.write(self.style.SUCCESS(f"Dry run: {reports} reports would be added."))
            return

        # A line per batch at verbosity 2; at 1, one per tenth of the run.
        every = batch if verbosity >= 2 else max(reports // 10, batch)
        shown = [0]

        def report_progress(state):
            if verbosity and (state.done - shown[0] >= every or state.done == state.total):
                shown[0] = state.done
                self.stdout.write(
                    f"  {state.done:>8,} / {state.total:,} reports  {state.elapsed:7.1f} s  "
                    f"({state.done / state.elapsed:,.0f}/s)"
                )

        state = generate_corpus(reports, seed=seed, batch_size=batch, workers=workers, progress=report_progress)
        if verbosity:
            self.stdout.write(
                f"Making {state.made_seconds:.1f} s; rendering and writing {state.written_seconds:.1f} s, "
                f"search indexing {state.indexed_seconds:.1f} s (summed over workers)."
            )
            self.stdout.write(self.style.SUCCESS(f"Added {state.done:,} reports in {state.elapsed:.1f} s."))
