"""Photos received before they were cleaned on arrival: keep only a clean copy of each."""

from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import migrations

from catalog.images import MAX_PIXELS, photo_reencode


def reencode(apps, schema_editor):
    RepairPhoto = apps.get_model("repairs", "RepairPhoto")
    for photo in RepairPhoto.objects.iterator():
        storage, old_name = photo.image.storage, photo.image.name
        if not old_name or not storage.exists(old_name):
            continue
        try:
            with storage.open(old_name, "rb") as original:
                # They were accepted under the older, higher limit.
                copy = photo_reencode(original, max_pixels=MAX_PIXELS)
        except ValidationError:
            continue  # unreadable now: left for staff to look at
        new_name = storage.save(str(PurePosixPath(old_name).with_suffix(".jpg")), copy)
        width, height = _size(storage, new_name)
        RepairPhoto.objects.filter(pk=photo.pk).update(image=new_name, width=width, height=height)
        if new_name != old_name:
            storage.delete(old_name)


def _size(storage, name):
    from PIL import Image

    with storage.open(name, "rb") as file, Image.open(file) as picture:
        return picture.size


class Migration(migrations.Migration):
    dependencies = [("repairs", "0004_photo_size_labels")]

    operations = [migrations.RunPython(reencode, migrations.RunPython.noop)]
