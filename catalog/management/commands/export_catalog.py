"""Products, or variants and their stock, to a CSV or XLSX file that import_catalog reads."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from catalog.management.commands.import_catalog import FORMATS, RESOURCES


class Command(BaseCommand):
    help = "Write the products or the variants and their stock to a .csv or .xlsx file."

    def add_arguments(self, parser):
        parser.add_argument("kind", choices=sorted(RESOURCES))
        parser.add_argument("file", type=Path)

    def handle(self, *, kind, file, **options):
        file_format = FORMATS.get(file.suffix.lower())
        if file_format is None:
            raise CommandError(f"{file.name}: expected a .csv or .xlsx file.")
        dataset = RESOURCES[kind]().export()
        content = file_format().export_data(dataset)
        if isinstance(content, str):
            content = content.encode("utf-8")
        file.write_bytes(content)
        self.stdout.write(self.style.SUCCESS(f"{len(dataset)} row(s) written to {file}."))
