from django.db import migrations

from risks.presets import CATEGORIES, ensure_presets


def add(apps, schema_editor):
    ensure_presets(apps.get_model("risks", "RiskCategory"), apps.get_model("risks", "GradingRule"))


def remove(apps, schema_editor):
    apps.get_model("risks", "GradingRule").objects.filter(unit__isnull=True).delete()
    apps.get_model("risks", "RiskCategory").objects.filter(name__in=CATEGORIES).delete()


class Migration(migrations.Migration):
    dependencies = [("risks", "0001_initial")]
    operations = [migrations.RunPython(add, remove)]
