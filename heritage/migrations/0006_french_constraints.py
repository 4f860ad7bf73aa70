"""Orderings and constraints read the French columns."""

from django.db import migrations, models



class Migration(migrations.Migration):
    dependencies = [
        ("heritage", "0005_copy_into_french"),
    ]

    operations = [
        # Orderings and constraints read the French columns.
        migrations.AlterModelOptions(
            name='expedition',
            options={'ordering': ['year', 'name_fr'], 'verbose_name': 'expedition', 'verbose_name_plural': 'expeditions'},
        ),
        migrations.RemoveConstraint(
            model_name='timelineevent',
            name='event_has_year_or_period',
        ),
        migrations.RemoveConstraint(
            model_name='timelineevent',
            name='event_image_has_alt',
        ),
        migrations.AddConstraint(
            model_name='timelineevent',
            constraint=models.CheckConstraint(condition=models.Q(('year__isnull', False), models.Q(('period_label_fr__gt', ''), ('period_label_fr__isnull', False)), _connector='OR'), name='event_has_year_or_period', violation_error_message='Give a year or, failing that, a period.'),
        ),
        migrations.AddConstraint(
            model_name='timelineevent',
            constraint=models.CheckConstraint(condition=models.Q(('image', ''), models.Q(('image_alt_fr__gt', ''), ('image_alt_fr__isnull', False)), _connector='OR'), name='event_image_has_alt', violation_error_message='Describe the image for people who cannot see it.'),
        ),
    ]
