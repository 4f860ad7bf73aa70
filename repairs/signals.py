"""Photo files follow their rows."""

from functools import partial

from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from repairs.models import RepairPhoto


# A signal, not a service: deleting a request in the admin, its cascade to the
# photos and an erasure all end here, and only a deletion hook sees them all.
@receiver(post_delete, sender=RepairPhoto, dispatch_uid="repair_photo_file_delete")
def delete_photo_file(sender, instance, **kwargs):
    """Remove the photo's file once the deletion commits; a rollback keeps it."""
    if instance.image.name:
        storage, name = instance.image.storage, instance.image.name
        transaction.on_commit(partial(storage.delete, name), robust=True)
