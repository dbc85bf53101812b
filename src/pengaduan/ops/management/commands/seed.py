"""`pengaduan seed --complaints N`: realistic complaints in bulk for benchmarks (see pengaduan.ops.seed)."""

from django.core.management.base import BaseCommand, CommandError

from pengaduan.ops.progress import ProgressBar
from pengaduan.ops.seed import SeedError, demo_unit_if_missing, seed_complaints


class Command(BaseCommand):
    help = ("Add N realistic complaints to a unit, spread over years and SOP steps (bulk inserts; for benchmarks). "
            "The unit, its SOP and an officer per role must exist; INSP is created by `pengaduan demo` if missing.")

    def add_arguments(self, parser):
        parser.add_argument("--complaints", type=int, required=True, help="how many complaints to add")
        parser.add_argument("--unit", default="INSP", help="unit code (default %(default)s)")
        parser.add_argument("--years", type=float, default=3, help="spread over this many years up to now")
        parser.add_argument("--seed", type=int, default=1, help="random seed (same seed, same data)")
        parser.add_argument("--batch-size", type=int, default=5000, help="complaints per write, roughly")

    def handle(self, *args, **options):
        if options["complaints"] < 1:
            raise CommandError("--complaints must be at least 1.")
        try:
            unit = demo_unit_if_missing(options["unit"])
            result = seed_complaints(
                unit=unit, count=options["complaints"], years=options["years"], seed=options["seed"],
                batch_size=options["batch_size"], progress=ProgressBar(f"Seeding {unit.code}", stream=self.stderr),
            )
        except SeedError as problem:
            raise CommandError(str(problem)) from None
        years = ", ".join(f"{year}: {last}" for year, last in sorted(result.last_numbers.items()))
        self.stdout.write(self.style.SUCCESS(
            f"{result.complaints:,} complaints, {result.step_runs:,} step runs, {result.events:,} events "
            f"({result.rows:,} rows) in {result.seconds:.1f} s. Last register numbers: {years}."))
