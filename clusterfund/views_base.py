"""The one permission check every portal view goes through (the permissions themselves are in each app's rules.py).

`PermissionObjectMixin` logs an anonymous visitor in first (keeping where they were going), loads the
object the permission is about (`get_permission_object()`), and refuses a logged-in user without
`permission` on it: 404 where there is an object (do not confirm that something the user may not know
about exists), 403 for a permission about no object (a page the user knows exists but may not use).
The app mixins (an application, a call, a proposal, an organisation, a generated document) derive from it
and only say what their object is, what they check and how they answer an anonymous visitor.

`safe_next` is how every view reads a page to go back to (`next`) from a request.
"""

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils.http import url_has_allowed_host_and_scheme

from .validators import validate_input_text


def safe_next(request, candidate) -> str:
    """Return `candidate` if it is a path on this site ("/..."), else ''.

    A path only: redirect() looks any other text up as a URL name (a 500 for one that is none), and an
    address elsewhere would make the portal an open redirect. Text no browser sends (NUL, a lone surrogate) is
    refused too: the Location header could not be encoded."""
    if not isinstance(candidate, str) or not candidate.startswith("/"):
        return ""
    try:
        validate_input_text(candidate)
    except ValidationError:
        return ""
    secure = request.is_secure()
    return candidate if url_has_allowed_host_and_scheme(candidate, {request.get_host()}, secure) else ""


class PermissionObjectMixin:
    """Check `permission` (a rules.py permission name) on `get_permission_object()` before the view runs."""

    permission: str | None = None
    # answer a refusal with 404 (True) or 403 (False); None: 404 where there is an object, 403 where there is not
    refuse_as_missing: bool | None = None
    # answer 405 to a logged-in user's method the view has no handler for before asking the permission (True
    # for pages whose check used to sit in get(): their POST answered 405 to everybody logged in)
    unhandled_method_first: bool = False

    def get_permission_object(self):
        """Return the object the permission is asked about (None for a permission about no object); raise
        Http404 if it does not exist. Runs only for a logged-in user; `self.kwargs` holds the URL's values."""
        return None

    def has_permission(self) -> bool:
        """Return whether the user may use the view (by default: holds `permission` on the object)."""
        return self.permission is None or self.request.user.has_perm(self.permission, self.permission_object)

    def check_access(self, request):
        """Return a response to send instead of the page, or None; raise Http404/PermissionDenied for no access."""
        if not self.has_permission():
            self.refuse()
        return None

    def refuse(self):
        """Raise 404 if there is an object (the user may not know it exists), else 403 (see `refuse_as_missing`)."""
        as_missing = self.refuse_as_missing
        if as_missing is None:
            as_missing = self.permission_object is not None
        if as_missing:
            raise Http404
        raise PermissionDenied

    def require(self, permission: str, obj=None) -> None:
        """Raise PermissionDenied unless the user holds `permission` (on `obj`, by default the view's object)."""
        if not self.request.user.has_perm(permission, obj if obj is not None else self.permission_object):
            raise PermissionDenied

    def handle_anonymous(self, request):
        """Answer a visitor who is not logged in: the login page, coming back here afterwards."""
        return redirect_to_login(request.get_full_path())

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return self.handle_anonymous(request)
        if self.unhandled_method_first and not hasattr(self, request.method.lower()):
            return self.http_method_not_allowed(request, *args, **kwargs)
        self.permission_object = self.get_permission_object()
        response = self.check_access(request)
        if response is not None:
            return response
        return super().dispatch(request, *args, **kwargs)
