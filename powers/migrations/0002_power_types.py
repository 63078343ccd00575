from django.db import migrations

# The preset list of power types (the office can add and retire types later).
TYPES = [
    ("行政许可", 1), ("行政处罚", 1), ("行政强制", 1), ("行政征收", 1), ("行政给付", 1), ("行政检查", 1),
    ("行政确认", 1), ("行政奖励", 1), ("行政裁决", 1), ("其他行政权力", 1),
    ("重大事项决策", 2), ("人事管理", 2), ("财务管理", 2), ("资产管理", 2), ("内部管理", 2),
]


def add_types(apps, schema_editor):
    PowerType = apps.get_model("powers", "PowerType")
    for order, (name, power_class) in enumerate(TYPES):
        PowerType.objects.get_or_create(name=name, defaults={"default_class": power_class, "sort_order": order})


def remove_types(apps, schema_editor):
    apps.get_model("powers", "PowerType").objects.filter(name__in=[n for n, _c in TYPES]).delete()


class Migration(migrations.Migration):
    dependencies = [("powers", "0001_initial")]
    operations = [migrations.RunPython(add_types, remove_types)]
