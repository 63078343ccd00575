"""The risk register's configuration is editable in the admin."""

from __future__ import annotations

import pytest

from risks.models import ApprovalStage

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("model", ["riskcategory", "measuretype", "gradingrule", "approvalstage"])
def test_configuration_pages_open(admin_client, model):
    assert admin_client.get(f"/admin/risks/{model}/").status_code == 200
    assert admin_client.get(f"/admin/risks/{model}/add/").status_code == 200


def test_default_route_is_listed(admin_client):
    page = admin_client.get("/admin/risks/approvalstage/").content.decode()
    assert ApprovalStage.objects.filter(unit__isnull=True).count() == 8
    assert page.count('class="field-case"') == 8
