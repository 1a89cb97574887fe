"""The one permission mixin every portal view derives from (clusterfund/views_base.py)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.urls import reverse
from django.views import View

from applications.views.base import ApplicationMixin, CallPermissionMixin
from clusterfund.roles import Role
from clusterfund.views_base import PermissionObjectMixin
from clusterfund.views_documents import DocumentAccessMixin
from clusterfund.views_staff import StaffPermissionMixin


class _Page(PermissionObjectMixin, View):
    def get(self, request, **kwargs):
        return HttpResponse("ok")


class _ObjectPage(_Page):
    permission = "clusterfund.use_administration"

    def get_permission_object(self):
        return object()  # rules' predicates about no object ignore it


class _GlobalPage(_Page):
    permission = "clusterfund.use_administration"


class _HiddenGlobalPage(_GlobalPage):
    refuse_as_missing = True


def _call(view, rf, user):
    request = rf.get("/some/page/?x=1")
    request.user = user
    return view.as_view()(request)


def test_an_anonymous_visitor_is_sent_to_the_login_and_back(rf):
    response = _call(_GlobalPage, rf, AnonymousUser())
    assert response.status_code == 302
    assert response["Location"] == f"{reverse('login')}?next=/some/page/%3Fx%3D1"


@pytest.mark.parametrize(
    ("view", "refusal"), [(_ObjectPage, Http404), (_GlobalPage, PermissionDenied), (_HiddenGlobalPage, Http404)]
)
def test_a_refusal_is_404_about_an_object_and_403_about_none(rf, make_user, view, refusal):
    with pytest.raises(refusal):
        _call(view, rf, make_user(Role.APPLICANT))
    assert _call(view, rf, make_user(Role.SECRETARIAT)).content == b"ok"


def test_a_view_without_a_permission_only_asks_for_a_login(rf, make_user):
    assert _call(_Page, rf, make_user()).content == b"ok"


@pytest.mark.parametrize("mixin", [ApplicationMixin, CallPermissionMixin, StaffPermissionMixin, DocumentAccessMixin])
def test_every_app_mixin_derives_from_it(mixin):
    assert issubclass(mixin, PermissionObjectMixin)


def test_review_and_allocation_mixins_derive_from_it():
    from allocation.views.base import ProposalPermissionMixin
    from review.views.base import ApplicationPermissionMixin

    assert issubclass(ApplicationPermissionMixin, PermissionObjectMixin)
    assert issubclass(ProposalPermissionMixin, PermissionObjectMixin)


# The portal's pages that anyone may open (or that Django's own auth views protect themselves).
PUBLIC_VIEWS = {
    "applications.views.public.HomeView",
    "applications.views.public.CallDetailView",
    "clusterfund.views.AccessibilityStatementView",
    "applications.views.account.RegisterView",
    "applications.views.account.RegisterSentView",
    "applications.views.account.ResendConfirmationView",
    "applications.views.account.ConfirmView",
    "applications.views.account.InvitationView",
    "django.views.i18n.set_language",
}


def _routes(patterns, prefix=""):
    from django.urls import URLResolver

    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            yield from _routes(pattern.url_patterns, prefix + str(pattern.pattern))
        else:
            yield prefix + str(pattern.pattern), pattern.callback


def test_every_page_but_the_public_ones_checks_through_the_mixin():
    from django.urls import get_resolver

    unchecked = []
    for route, callback in _routes(get_resolver().url_patterns):
        view = getattr(callback, "view_class", callback)
        name = f"{view.__module__}.{view.__name__}"
        if route.startswith("admin/") or view.__module__.startswith("django.contrib."):
            continue  # Django's admin and auth views check for themselves
        if name in PUBLIC_VIEWS:
            continue
        if not (isinstance(view, type) and issubclass(view, PermissionObjectMixin)):
            unchecked.append(f"{route} ({name})")
    assert unchecked == []
