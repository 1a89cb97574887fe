from django.contrib.admin.sites import site
from django.test import RequestFactory

from applications.admin import BudgetFrameInline
from applications.models import Call
from tests.factories.applications import open_call_with_parts


def test_call_admin_frames_are_read_only_once_an_allocation_is_approved(demo, make_user):
    request = RequestFactory().get("/")
    request.user = make_user("administrator", is_staff=True, is_superuser=True)
    inline = BudgetFrameInline(Call, site)
    assert demo.proposals.filter(status="approved").exists()
    assert not inline.has_change_permission(request, demo)
    assert not inline.has_delete_permission(request, demo)
    # the approved allocation cannot be set back to draft (the database refuses): a call without one is editable
    unlocked = open_call_with_parts(slug="uden-godkendt-fordeling")
    assert inline.has_change_permission(request, unlocked)
