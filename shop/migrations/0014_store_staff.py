# Store staff linked to their stores: they see only those stores' click-and-collect orders.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0013_transfer_reminder"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="store",
            name="staff",
            field=models.ManyToManyField(
                blank=True,
                help_text=(
                    "Members of the “Boutiques” group listed here see this store’s "
                    "click-and-collect orders, and no other orders."
                ),
                related_name="stores",
                to=settings.AUTH_USER_MODEL,
                verbose_name="store staff",
            ),
        ),
    ]
