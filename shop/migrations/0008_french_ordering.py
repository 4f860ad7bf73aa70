"""Stores are listed by their French name, the one every store has."""

from django.db import migrations



class Migration(migrations.Migration):
    dependencies = [
        ("shop", "0007_copy_into_french"),
    ]

    operations = [
        # Orderings and constraints read the French columns.
        migrations.AlterModelOptions(
            name='store',
            options={'ordering': ['kind', 'city', 'name_fr'], 'verbose_name': 'store', 'verbose_name_plural': 'stores'},
        ),
    ]
