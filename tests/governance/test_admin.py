"""The admin shows grants and plans read-only (the portal's services write them); indicators are edited there
and every change is audited."""

import pytest
from django.urls import reverse

from clusterfund.models import AuditEvent
from governance.models import Indicator
from tests.factories.governance import plan_with_activity

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, make_user):
    client.force_login(make_user("administrator", is_staff=True, is_superuser=True))
    return client


def test_grants_and_plans_are_read_only(admin_client, grant):
    plan = plan_with_activity(grant)
    for model, obj in (("grant", grant), ("actionplan", plan), ("grantversion", grant.current_version)):
        page = admin_client.get(reverse(f"admin:governance_{model}_change", args=[obj.pk]))
        assert page.status_code == 200
        assert 'name="_save"' not in page.content.decode()
        assert admin_client.get(reverse(f"admin:governance_{model}_add")).status_code == 403
        assert (
            admin_client.post(reverse(f"admin:governance_{model}_delete", args=[obj.pk]), {"post": "yes"}).status_code
            == 403
        )
    grant.refresh_from_db()
    assert grant.case_number


def test_indicator_added_in_the_admin_is_audited(admin_client, grant):
    response = admin_client.post(
        reverse("admin:governance_indicator_add"),
        {
            "call": grant.call.pk,
            "code": "smv",
            "name": "Deltagende SMV'er",
            "name_en": "SMEs",
            "unit": "count",
            "definition": "",
            "definition_en": "",
            "aggregation": "register",
            "counts": "smes",
            "order": 3,
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    indicator = Indicator.objects.get(call=grant.call, code="smv")
    assert AuditEvent.objects.filter(action="admin.add", object_id=str(indicator.pk)).exists()
