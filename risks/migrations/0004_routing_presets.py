from django.db import migrations

from risks.presets import MEASURE_TYPES, ensure_routing


def add(apps, schema_editor):
    ensure_routing(apps.get_model("risks", "ApprovalStage"), apps.get_model("risks", "MeasureType"))


def remove(apps, schema_editor):
    apps.get_model("risks", "ApprovalStage").objects.filter(unit__isnull=True).delete()
    apps.get_model("risks", "MeasureType").objects.filter(name__in=MEASURE_TYPES).delete()


class Migration(migrations.Migration):
    dependencies = [("risks", "0003_approval_measures_comments")]
    operations = [migrations.RunPython(add, remove)]
