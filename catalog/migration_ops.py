"""Operations the migrations that translate content share."""

from django.db import migrations
from django.db.models import F


def copy_into_french(app_label, fields):
    """A RunPython that copies each untranslated column into its French one.

    `fields` maps a model name to the fields that gained a column per
    language: the text written before translation is the French text. Going
    back copies the French into the single column again.
    """

    def copy(apps, source, target):
        for model_name, names in fields.items():
            model = apps.get_model(app_label, model_name)
            model.objects.update(**{target.format(n): F(source.format(n)) for n in names})

    return migrations.RunPython(
        lambda apps, schema_editor: copy(apps, "{}", "{}_fr"),
        lambda apps, schema_editor: copy(apps, "{}_fr", "{}"),
    )


def on_postgresql(statements):
    """A RunPython function that runs SQL `statements` on PostgreSQL only."""

    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            for statement in statements:
                schema_editor.execute(statement)

    return run
