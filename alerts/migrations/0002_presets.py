from django.db import migrations

from alerts.presets import ensure_presets


def add(apps, schema_editor):
    ensure_presets(apps.get_model("alerts", "WarningColour"), apps.get_model("alerts", "InfoKindRule"))


def remove(apps, schema_editor):
    apps.get_model("alerts", "WarningColour").objects.all().delete()
    apps.get_model("alerts", "InfoKindRule").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("alerts", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
