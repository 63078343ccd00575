from django.core.management.base import BaseCommand
from django.utils import translation

from org.demo import DEMO_PASSWORD, seed_demo


class Command(BaseCommand):
    help = "Create the demo district (idempotent) and print the demo accounts, one per role."

    def handle(self, *args, **options):
        from alerts import presets as alert_presets
        from alerts.demo import seed_alerts
        from alerts.models import InfoKindRule, WarningColour
        from assessment.demo import seed_assessment
        from powers import presets as power_presets
        from powers.demo import seed_powers
        from powers.models import PowerType
        from risks import presets as risk_presets
        from risks.demo import seed_risks
        from risks.models import ApprovalStage, GradingRule, MeasureType, RiskCategory

        with translation.override("zh-hans"):
            # The presets normally come with the migrations; make sure they are there.
            power_presets.ensure_presets(PowerType)
            risk_presets.ensure_presets(RiskCategory, GradingRule)
            risk_presets.ensure_routing(ApprovalStage, MeasureType)
            result = seed_demo()
            powers = seed_powers()
            risks = seed_risks()
            alert_presets.ensure_presets(WarningColour, InfoKindRule)
            warnings = seed_alerts()
            assessed = seed_assessment()
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据就绪 Demo data ready: {result['units']} units, {result['departments']} departments, "
                f"{result['posts']} posts, {result['cadres']} cadres; "
                f"{powers} new power items, {risks} new risk points, {warnings} new warnings, "
                f"{assessed} new assessment records."
            )
        )
        self.stdout.write(f"\n演示账号 Demo accounts (password / 密码: {DEMO_PASSWORD}):")
        for username, role, over in result["accounts"]:
            self.stdout.write(f"  {username:<12} {role}  ·  {over}")
