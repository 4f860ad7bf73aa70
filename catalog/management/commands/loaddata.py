"""Django's loaddata, plus the media files the demo fixtures refer to.

Fixtures only carry file names. After loading, every product image whose file
is missing from MEDIA_ROOT is copied there from fixtures/media/, and images
without renditions get them, so the pictures show with no manual step.
Loading the same fixtures again changes nothing.
"""

from pathlib import Path

from django.conf import settings
from django.core.files import File
from django.core.files.storage import default_storage
from django.core.management.commands import loaddata

from catalog.images import make_renditions, planned_renditions
from catalog.models import ProductImage

FIXTURE_MEDIA = Path(settings.BASE_DIR) / "fixtures" / "media"


class Command(loaddata.Command):
    help = (
        loaddata.Command.help
        + " Then copies missing product images from fixtures/media/ into MEDIA_ROOT"
        " and makes their renditions."
    )

    def handle(self, *fixture_labels, **options):
        super().handle(*fixture_labels, **options)
        self.install_media(options.get("database") or "default")

    def install_media(self, database):
        copied = rendered = 0
        images = ProductImage.objects.using(database).order_by("pk")
        for image in images.iterator():
            name = image.image.name
            if not default_storage.exists(name):
                source = FIXTURE_MEDIA / name
                if not source.is_file():
                    self.stderr.write(f"No file for {name} in MEDIA_ROOT nor in {FIXTURE_MEDIA}.")
                    continue
                with source.open("rb") as handle:
                    stored = default_storage.save(name, File(handle))
                if stored != name:  # the storage must keep the fixture's name
                    image.image.name = stored
                    image.save(update_fields=["image"])
                copied += 1
            if not image.renditions:
                planned = planned_renditions(image)
                files = [entry[key] for entry in planned for key in ("webp", "fallback")]
                if all(default_storage.exists(file) for file in files):
                    image.renditions = planned  # made by an earlier load
                else:
                    make_renditions(image)
                    rendered += 1
                image.save(update_fields=["renditions"])
        if (copied or rendered) and self.verbosity >= 1:
            self.stdout.write(
                f"Installed {copied} image file(s) and made renditions for {rendered} image(s)."
            )
