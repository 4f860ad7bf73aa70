# Unpaid bank transfers: when the shopper was reminded; the card payment's customer id named.

from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0012_order_carrier_tracking_notes"),
    ]

    operations = [
        migrations.AddField(
            model_name="order",
            name="transfer_reminded_at",
            field=models.DateTimeField(
                editable=False, null=True, verbose_name="transfer reminder e-mailed"
            ),
        ),
        migrations.AlterField(
            model_name="payment",
            name="customer_id",
            field=models.CharField(
                blank=True, editable=False, max_length=64, verbose_name="provider's customer id"
            ),
        ),
    ]
