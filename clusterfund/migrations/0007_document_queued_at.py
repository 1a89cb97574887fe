import django.utils.timezone
from django.db import migrations, models


def queued_when_requested(apps, schema_editor):
    """Existing versions were queued when they were requested (no retry recorded its own time)."""
    GeneratedDocument = apps.get_model("clusterfund", "GeneratedDocument")
    GeneratedDocument.objects.update(queued_at=models.F("requested_at"))


class Migration(migrations.Migration):
    dependencies = [
        ("clusterfund", "0006_user_email_lower_unique"),
    ]

    operations = [
        migrations.AddField(
            model_name="generateddocument",
            name="queued_at",
            field=models.DateTimeField(default=django.utils.timezone.now, verbose_name="queued"),
        ),
        migrations.RunPython(queued_when_requested, migrations.RunPython.noop),
    ]
