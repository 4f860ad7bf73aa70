"""Products, or variants and their stock, from a CSV or XLSX file: all rows or none."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from import_export.formats.base_formats import CSV, XLSX

from catalog.resources import ProductResource, VariantResource
from common.progress import show_progress

RESOURCES = {"products": ProductResource, "variants": VariantResource}
FORMATS = {".csv": CSV, ".xlsx": XLSX}
SHOWN_PROBLEMS = 20


class Command(BaseCommand):
    help = (
        "Import products (slug, name_fr, name_en, category, price, tier, made_in_france, "
        "is_published) or variants (sku, product, size_fr, size_en, colour_fr, colour_en, "
        "stock) from a .csv or .xlsx file, as `manage.py export_catalog` or the admin's Export "
        "writes them. Every row is checked; if one is wrong nothing is saved. --dry-run "
        "checks and reports without saving."
    )

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("file", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and report only")

    def handle(self, *, kind, file, dry_run, **options):
        if file.suffix.lower() not in FORMATS:
            raise CommandError(f"{file.name}: expected a .csv or .xlsx file.")
        file_format = FORMATS[file.suffix.lower()]()
        try:
            data = file.read_bytes()
        except OSError as error:
            raise CommandError(f"{file}: {error.strerror}.") from error
        try:
            if not file_format.is_binary():
                data = data.decode("utf-8-sig")
            dataset = file_format.create_dataset(data)
        except Exception as error:  # a file that is not what its name says
            raise CommandError(
                f"{file.name} cannot be read as {file_format.get_title()}."
            ) from error

        resource = RESOURCES[kind]()
        total = len(dataset)
        done = 0

        def counted(row, row_result, **kwargs):
            nonlocal done
            done += 1
            show_progress(self.stdout, done, total)

        resource.after_import_row = counted
        result = resource.import_data(
            dataset,
            dry_run=dry_run,
            use_transactions=True,
            rollback_on_validation_errors=True,
        )
        if total:
            self.stdout.write("")

        problems = [
            f"Row {row.number}: "
            + "; ".join(
                f"{field}: {' '.join(messages)}" for field, messages in row.error_dict.items()
            )
            for row in result.invalid_rows
        ]
        problems += [
            f"Row {number}: " + "; ".join(str(error.error) for error in errors)
            for number, errors in result.row_errors()
        ]
        problems += [str(error.error) for error in result.base_errors]
        if problems:
            for problem in problems[:SHOWN_PROBLEMS]:
                self.stderr.write(problem)
            if len(problems) > SHOWN_PROBLEMS:
                self.stderr.write(f"… and {len(problems) - SHOWN_PROBLEMS} more.")
            raise CommandError(f"Nothing imported: {len(problems)} row(s) to correct.")

        totals = result.totals
        summary = (
            f"{totals['new']} new, {totals['update']} updated, "
            f"{totals['skip']} unchanged, of {total} row(s)."
        )
        if dry_run:
            self.stdout.write(summary)
            self.stdout.write(self.style.WARNING("Dry run: nothing changed."))
        else:
            self.stdout.write(self.style.SUCCESS(f"Imported: {summary}"))
