from django.core.management.base import BaseCommand
from django.utils import translation

from org.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo district (idempotent) and print the demo accounts, one per role."

    def handle(self, *args, **options):
        from powers.demo import seed_powers

        with translation.override("zh-hans"):
            result = seed_demo()
            powers = seed_powers()
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据就绪 Demo data ready: {result['units']} units, {result['departments']} departments, "
                f"{result['posts']} posts, {result['cadres']} cadres; {powers} new power items."
            )
        )
        self.stdout.write(f"\n演示账号 Demo accounts (password / 密码: {DEMO_PASSWORD}):")
        for username, role, over in result["accounts"]:
            self.stdout.write(f"  {username:<12} {role}  ·  {over}")
