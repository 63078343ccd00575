from django.db import migrations

from powers.presets import TYPES, ensure_presets


def add_types(apps, schema_editor):
    ensure_presets(apps.get_model("powers", "PowerType"))


def remove_types(apps, schema_editor):
    apps.get_model("powers", "PowerType").objects.filter(name__in=[n for n, _c in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("powers", "0001_initial")]
    operations = [migrations.RunPython(add_types, remove_types)]
